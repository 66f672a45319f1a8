"""The repeat-buying process: BG/NBD with seasonality, churn and Gamma-Gamma spend.

Every customer's first purchase is their acquisition. After it they buy at their own rate
``lambda_i`` times the day's seasonality (simulated by thinning a Poisson process at the peak
rate); after each repeat purchase they drop out for good with probability ``p_i``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vantage.datasets.demo.calendar import DAY, ONLINE_HOURS, STORE_HOURS, Calendar, hours_profile
from vantage.datasets.demo.params import DemoParams
from vantage.datasets.demo.population import People
from vantage.datasets.demo.rand import stream
from vantage.datasets.demo.world import OPENING_HOURS

ONLINE, STORE = 0, 1


@dataclass
class Orders:
    """Purchases, one row each (baseline orders first, marketing-driven ones appended later).

    Attributes:
        person: Customer index.
        ts: Epoch seconds.
        amount: Order value in GBP.
        store: Store index, or -1 for an online order.
        driver: ``-1`` for organic (baseline) orders, else the index of the channel whose touch
            caused the order.
        touch: Index of the causing touch in that channel's touch list, or -1.
    """

    person: np.ndarray
    ts: np.ndarray
    amount: np.ndarray
    store: np.ndarray
    driver: np.ndarray
    touch: np.ndarray

    def __len__(self) -> int:
        return len(self.person)

    def extend(self, other: Orders) -> Orders:
        """Both sets of orders, in this order."""
        return Orders(
            *(
                np.concatenate([getattr(self, f), getattr(other, f)])
                for f in ("person", "ts", "amount", "store", "driver", "touch")
            )
        )


@dataclass
class Lifetimes:
    """Each customer's realised process: repeat purchases, death time (inf while alive)."""

    repeats: np.ndarray
    dropout_after: np.ndarray
    death_ts: np.ndarray

    @property
    def alive_at_end(self) -> np.ndarray:
        """Whether each customer is still alive when the period ends."""
        return np.isinf(self.death_ts)


def simulate(
    people: People, cal: Calendar, params: DemoParams, seed: int
) -> tuple[Orders, Lifetimes]:
    """Simulate every customer's organic purchases over the period.

    Args:
        people: Customers with their latent rates.
        cal: The demo period.
        params: True parameters.
        seed: Generator seed.

    Returns:
        The orders (first purchases included) and each customer's lifetime.
    """
    rng = stream(seed, "purchases")
    season = cal.seasonality()
    peak = season.max()
    end_ts = cal.start_ts + cal.days * DAY
    born = people.acquired.astype(float)
    span_days = (end_ts - born) / DAY
    candidates = rng.poisson(people.lam * peak * span_days)
    owner = np.repeat(np.arange(people.n), candidates)
    times = born[owner] + rng.random(len(owner)) * span_days[owner] * DAY
    day = ((times - cal.start_ts) // DAY).astype(np.int64)
    keep = rng.random(len(owner)) < season[day] / peak
    owner, times = owner[keep], times[keep]
    order = np.lexsort((times, owner))
    owner, times = owner[order], times[order]
    first_of = np.searchsorted(owner, np.arange(people.n))
    rank = np.arange(len(owner)) - first_of[owner]
    dropout_after = rng.geometric(people.p_drop)
    survive = rank < dropout_after[owner]
    owner, times = owner[survive], times[survive]
    repeats = np.bincount(owner, minlength=people.n)
    persons = np.concatenate([np.arange(people.n), owner])
    ts = np.concatenate([born, times])
    store = _channel(rng, people, persons, ts, cal)
    ts = _time_of_day(rng, ts, store >= 0)
    ordered = np.lexsort((ts, persons))
    persons, ts, store = persons[ordered], ts[ordered], store[ordered]
    death_ts = np.full(people.n, np.inf)
    died = repeats >= dropout_after
    last_index = np.searchsorted(persons, np.arange(people.n), side="right") - 1
    death_ts[died] = ts[last_index[died]]
    amount = order_values(rng, people.nu[persons], params.process.spend_shape)
    minus = np.full(len(persons), -1, dtype=np.int64)
    orders = Orders(persons, ts, amount, store, minus, minus.copy())
    return orders, Lifetimes(repeats, dropout_after, death_ts)


def order_values(rng: np.random.Generator, nu: np.ndarray, shape: float) -> np.ndarray:
    """Gamma-distributed order values (mean ``shape / nu``), in pence-rounded GBP, at least 3."""
    return np.maximum(np.round(rng.gamma(shape, 1 / nu), 2), 3.0)


def _channel(
    rng: np.random.Generator, people: People, persons: np.ndarray, ts: np.ndarray, cal: Calendar
) -> np.ndarray:
    """Store index of each order, or -1 when it is bought online (always on Christmas Day)."""
    online = rng.random(len(persons)) < people.online_share[persons]
    day_of_year = (ts - cal.start_ts) // DAY
    dates = cal.dates()
    christmas = np.array([d.month == 12 and d.day == 25 for d in dates])
    online |= christmas[day_of_year.astype(np.int64)]
    home = people.home_store[persons]
    away = rng.integers(0, 8, len(persons))
    store = np.where(home >= 0, home, away)
    store = np.where(rng.random(len(persons)) < 0.1, away, store)
    return np.where(online, -1, store)


def _time_of_day(rng: np.random.Generator, ts: np.ndarray, in_store: np.ndarray) -> np.ndarray:
    """Move each time within its day to a realistic hour (opening hours for stores)."""
    midnight = (ts // DAY) * DAY
    online_hour = rng.choice(24, size=len(ts), p=hours_profile(ONLINE_HOURS))
    store_hour = OPENING_HOURS[0] + rng.choice(
        len(STORE_HOURS), size=len(ts), p=hours_profile(STORE_HOURS)
    )
    hour = np.where(in_store, store_hour, online_hour)
    return (midnight + hour * 3600 + rng.integers(0, 3600, len(ts))).astype(np.int64)
