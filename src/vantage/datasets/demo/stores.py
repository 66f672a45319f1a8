"""The shops: point-of-sale transactions (members and walk-ins) and hourly footfall counts.

Members scan their loyalty card most of the time; everyone pays by card (a tokenised card
number the payment provider gives the till) or cash. Footfall is the number of people through
the door per hour, consistent with the transactions at a realistic conversion rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vantage.datasets.demo import world
from vantage.datasets.demo.calendar import DAY, STORE_HOURS, Calendar, hours_profile
from vantage.datasets.demo.params import DemoParams
from vantage.datasets.demo.population import People
from vantage.datasets.demo.purchases import Orders
from vantage.datasets.demo.rand import stream

TILLS = 6


@dataclass
class PointOfSale:
    """Store transactions in time order, one row each.

    Attributes:
        order: Index of the customer's order, or -1 for a walk-in's purchase.
        walk_in: Walk-in index, or -1.
        ts: Epoch seconds.
        store: Store index.
        amount: Basket total, GBP.
        items: Number of items.
        card: Loyalty card number scanned, or "".
        token: Payment card token, or "" for cash.
        transaction_id: The till's id, ``<store>-<yyyymmdd>-<seq>``.
    """

    order: np.ndarray
    walk_in: np.ndarray
    ts: np.ndarray
    store: np.ndarray
    amount: np.ndarray
    items: np.ndarray
    card: list[str]
    token: list[str]
    transaction_id: list[str]
    member_since: np.ndarray


def build_pos(
    people: People,
    orders: Orders,
    items: np.ndarray,
    cal: Calendar,
    params: DemoParams,
    seed: int,
) -> PointOfSale:
    """Every store transaction: the customers' store orders plus walk-ins' purchases."""
    rng = stream(seed, "pos")
    in_store = np.flatnonzero(orders.store >= 0)
    person = orders.person[in_store]
    first_visit = np.full(people.n, np.inf)
    np.minimum.at(first_visit, person, orders.ts[in_store])
    joins = rng.random(people.n) < params.loyalty_signup
    member_since = np.where(joins & np.isfinite(first_visit), first_visit, np.inf)
    walk_ins = len(people.walk_in_cards)
    visits = 1 + rng.poisson(1.2, walk_ins)
    w_owner = np.repeat(np.arange(walk_ins), visits)
    days = rng.integers(0, cal.days, len(w_owner))
    season = cal.seasonality()
    busy = rng.random(len(days)) < season[days] / season.max()
    days, w_owner = days[busy], w_owner[busy]
    hour = world.OPENING_HOURS[0] + rng.choice(
        len(STORE_HOURS), len(days), p=hours_profile(STORE_HOURS)
    )
    w_ts = cal.start_ts + days * DAY + hour * 3600 + rng.integers(0, 3600, len(days))
    christmas = np.array([d.month == 12 and d.day == 25 for d in cal.dates()])[days]
    keep = ~christmas
    w_owner, w_ts = w_owner[keep], w_ts[keep]
    n_w = len(w_owner)
    order = np.concatenate([in_store, np.full(n_w, -1)])
    walk_in = np.concatenate([np.full(len(in_store), -1), w_owner])
    ts = np.concatenate([orders.ts[in_store], w_ts]).astype(np.int64)
    store = np.concatenate([orders.store[in_store], rng.integers(0, len(world.STORES), n_w)])
    amount = np.concatenate([orders.amount[in_store], np.round(rng.gamma(3.0, 14.0, n_w) + 3, 2)])
    count = np.concatenate([items[in_store], 1 + rng.poisson(1.0, n_w)])
    sort = np.lexsort((ts, store))
    order, walk_in, ts, store, amount, count = (
        a[sort] for a in (order, walk_in, ts, store, amount, count)
    )
    scanned = rng.random(len(order)) < params.card_scanned
    cash = rng.random(len(order)) < params.cash_share
    second = rng.random(len(order)) < 0.3
    card, token = [], []
    for o, w, t, s_, c, sec in zip(
        order.tolist(),
        walk_in.tolist(),
        ts.tolist(),
        scanned.tolist(),
        cash.tolist(),
        second.tolist(),
        strict=True,
    ):
        if o >= 0:
            p = int(orders.person[o])
            card.append(people.loyalty_card[p] if s_ and t >= member_since[p] else "")
            cards = people.payment_cards[p]
            token.append("" if c else cards[1 if sec and len(cards) > 1 else 0])
        else:
            card.append("")
            token.append("" if c else people.walk_in_cards[w])
    return PointOfSale(
        order=order,
        walk_in=walk_in,
        ts=ts,
        store=store,
        amount=amount,
        items=count,
        card=card,
        token=token,
        transaction_id=_transaction_ids(ts, store, cal),
        member_since=member_since,
    )


def _transaction_ids(ts: np.ndarray, store: np.ndarray, cal: Calendar) -> list[str]:
    """``S01-20240501-0007``: store, day and the till's running number within the day."""
    day = (ts - cal.start_ts) // DAY
    dates = [d.strftime("%Y%m%d") for d in cal.dates()]
    out = []
    previous = (-1, -1)
    seq = 0
    for s, d in zip(store.tolist(), day.tolist(), strict=True):
        seq = seq + 1 if (s, d) == previous else 1
        previous = (s, d)
        out.append(f"{world.STORES[s].store_id}-{dates[d]}-{seq:04d}")
    return out


def footfall(
    pos: PointOfSale, cal: Calendar, params: DemoParams, seed: int
) -> list[tuple[str, str, int]]:
    """Hourly visitors per store: (store id, hour as ISO text, visitors) for opening hours.

    Every buyer walked in, and for each buyer about ``1 / conversion - 1`` more people came in
    and left without buying, spread over the day by the store's hourly profile.
    """
    rng = stream(seed, "footfall")
    stores = len(world.STORES)
    open_hours = world.OPENING_HOURS[1] - world.OPENING_HOURS[0]
    day = (pos.ts - cal.start_ts) // DAY
    hour = (pos.ts % DAY) // 3600 - world.OPENING_HOURS[0]
    sales = np.zeros((stores, cal.days, open_hours))
    np.add.at(sales, (pos.store, day, np.clip(hour, 0, open_hours - 1)), 1)
    daily = sales.sum(axis=2, keepdims=True)
    profile = hours_profile(STORE_HOURS)[None, None, :]
    traffic = np.array([s.traffic for s in world.STORES])[:, None, None]
    browsers = daily * profile * (1 / params.store_conversion - 1) + 0.2 * traffic * profile
    visitors = sales + rng.poisson(browsers * rng.gamma(20, 1 / 20, browsers.shape))
    dates = cal.dates()
    rows = []
    for s in range(stores):
        sid = world.STORES[s].store_id
        for d in range(cal.days):
            if dates[d].month == 12 and dates[d].day == 25:
                continue
            stamp = dates[d].isoformat()
            for h in range(open_hours):
                rows.append(
                    (
                        sid,
                        f"{stamp}T{world.OPENING_HOURS[0] + h:02d}:00:00Z",
                        int(visitors[s, d, h]),
                    )
                )
    return rows
