"""Marketing touchpoints with known causal effects, and the weekly spend that bought them.

Touches are e-mail opens (with clicks) and paid clicks (search, social, display, affiliate).
A touch on a live customer causes an extra order with probability
``beta / (1 + weekly touches of the channel / saturation)``; those orders are added to the
organic ones and remembered as the channel's true incremental effect. Some organic online orders
are also preceded by a brand-search or coupon-site click that did not cause them (selection), the
trap that makes last-click attribution over-credit those channels.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

import numpy as np

from vantage.datasets.demo import world
from vantage.datasets.demo.calendar import DAY, ONLINE_HOURS, Calendar, black_friday, hours_profile
from vantage.datasets.demo.params import DemoParams
from vantage.datasets.demo.population import People
from vantage.datasets.demo.purchases import Lifetimes, Orders, order_values
from vantage.datasets.demo.rand import stream

EMAIL = world.CHANNELS.index("email")
CUSTOMER_SHARE_OF_CLICKS = 0.65


@dataclass(frozen=True)
class Campaign:
    """A marketing campaign: e-mail sends and paid flights both belong to one."""

    campaign_id: str
    name: str
    channel: int
    ts: int
    subject: str


@dataclass
class Touches:
    """Every touchpoint, one row each.

    Attributes:
        channel: Index into :data:`world.CHANNELS`.
        owner: Customer index, or ``people.n + prospect index``.
        ts: Time of the touch (e-mail open, ad click).
        campaign: Index into the campaign list.
        clicked: Whether the touch led to a site visit (always true for ad clicks).
        click_ts: Time of that visit.
        order: The order this touch sits in front of (caused or not), or -1.
        causal: Whether that order was caused by the touch.
    """

    channel: np.ndarray
    owner: np.ndarray
    ts: np.ndarray
    campaign: np.ndarray
    clicked: np.ndarray
    click_ts: np.ndarray
    order: np.ndarray
    causal: np.ndarray

    def __len__(self) -> int:
        return len(self.channel)


@dataclass
class Marketing:
    """Touches, campaigns, the orders they caused and what e-mail sends went out."""

    campaigns: list[Campaign]
    touches: Touches
    orders: Orders
    sends: np.ndarray
    holdout: np.ndarray
    opted_in: np.ndarray


def email_schedule(cal: Calendar) -> list[tuple[date, str, str]]:
    """(day, name, subject) of every e-mail campaign: a newsletter every four weeks + promotions."""
    out = []
    day = cal.start + timedelta(days=(3 - cal.start.weekday()) % 7)
    while day <= cal.end:
        out.append((day, f"Newsletter {day:%B %Y}", f"New in for {day:%B}: the edit"))
        day += timedelta(days=28)
    for year in range(cal.start.year, cal.end.year + 1):
        bf = black_friday(year)
        promos = (
            (date(year, 3, 14), "Spring Refresh", "Spring is here: 20% off home"),
            (date(year, 6, 24), "Summer Sale", "Summer Sale starts now"),
            (bf, "Black Friday", "Black Friday: up to 40% off"),
            (bf + timedelta(days=3), "Cyber Monday", "Last chance: Cyber Monday deals"),
            (date(year, 12, 18), "Christmas Last Order", "Order by Friday for Christmas delivery"),
            (date(year, 12, 26), "Boxing Day Sale", "The Boxing Day Sale is on"),
        )
        out.extend((d, f"{name} {year}", subject) for d, name, subject in promos)
    return sorted(x for x in out if cal.start <= x[0] <= cal.end)


def simulate_marketing(
    people: People, lives: Lifetimes, orders: Orders, cal: Calendar, params: DemoParams, seed: int
) -> Marketing:
    """Draw every touch, decide which ones caused orders, and return those orders.

    Args:
        people: Customers and prospects.
        lives: Each customer's lifetime (only live customers can be moved to buy).
        orders: The organic orders.
        cal: The demo period.
        params: True channel effects.
        seed: Generator seed.
    """
    rng = stream(seed, "marketing")
    campaigns: list[Campaign] = []
    opted_in = rng.random(people.n) < params.newsletter_optin
    email, sends, holdout = _email(rng, people, lives, cal, params, opted_in, campaigns)
    parts = [email]
    for channel in world.PAID_CHANNELS:
        parts.append(_paid(rng, people, lives, cal, params, channel, campaigns))
        parts.append(_selection(rng, orders, params, channel, campaigns, cal))
    touches = Touches(
        *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Touches))
    )
    extra = _incremental(rng, people, lives, touches, cal, params, len(orders))
    touches.order = np.where(touches.order >= 0, touches.order, extra[1])
    touches.causal = touches.causal | (extra[1] >= 0)
    return Marketing(campaigns, touches, extra[0], sends, holdout, opted_in)


def _email(
    rng: np.random.Generator,
    people: People,
    lives: Lifetimes,
    cal: Calendar,
    params: DemoParams,
    opted_in: np.ndarray,
    campaigns: list[Campaign],
) -> tuple[Touches, np.ndarray, np.ndarray]:
    subscribed = people.acquired + rng.integers(0, 3 * DAY, people.n)
    end_ts = cal.start_ts + cal.days * DAY
    chunks = []
    sends = []
    holdouts = []
    for day, name, subject in email_schedule(cal):
        send_ts = cal.start_ts + (day - cal.start).days * DAY + 9 * 3600
        index = len(campaigns)
        campaigns.append(Campaign(f"em_{index:03d}", name, EMAIL, send_ts, subject))
        eligible = opted_in & (subscribed <= send_ts)
        hold = eligible & (rng.random(people.n) < params.email_holdout)
        sent = np.flatnonzero(eligible & ~hold)
        sends.append(len(sent))
        holdouts.append(np.flatnonzero(hold))
        dead = lives.death_ts[sent] < send_ts
        opens = sent[rng.random(len(sent)) < people.engagement[sent] * np.where(dead, 0.5, 1.0)]
        open_ts = send_ts + rng.exponential(5 * 3600, len(opens)).astype(np.int64)
        clicked = rng.random(len(opens)) < 0.15
        click_ts = open_ts + rng.integers(20, 600, len(opens))
        ok = click_ts < end_ts
        chunks.append((opens[ok], open_ts[ok], np.full(ok.sum(), index), clicked[ok], click_ts[ok]))
    owner, ts, campaign, clicked, click_ts = (np.concatenate(c) for c in zip(*chunks, strict=True))
    minus = np.full(len(owner), -1, dtype=np.int64)
    touches = Touches(
        np.full(len(owner), EMAIL),
        owner,
        ts,
        campaign,
        clicked,
        click_ts,
        minus,
        np.zeros(len(owner), bool),
    )
    return touches, np.array(sends), np.array(holdouts, dtype=object)


def _flight(rng: np.random.Generator, weeks: int, channel: str) -> np.ndarray:
    """Weekly on/off pattern of a paid channel (display and social run in bursts)."""
    if channel in ("paid_search", "affiliate"):
        return 0.8 + 0.4 * rng.random(weeks)
    on = np.zeros(weeks)
    week = int(rng.integers(0, 4))
    while week < weeks:
        length = int(rng.integers(3, 7))
        on[week : week + length] = 0.6 + 0.8 * rng.random()
        week += length + int(rng.integers(2, 6))
    return on


def _audience(
    rng: np.random.Generator, people: People, lives: Lifetimes, ts: np.ndarray
) -> np.ndarray:
    """Customers reached by each click: retargeting audiences favour recent, live customers.

    A customer is in the audience from 30 days before their first purchase until 90 days
    after they stopped buying; each click goes to one member drawn at random (a few draws,
    then anyone).
    """
    lo = people.acquired - 30 * DAY
    hi = lives.death_ts + 90 * DAY
    owner = rng.integers(0, people.n, len(ts))
    for _ in range(8):
        outside = (ts < lo[owner]) | (ts > hi[owner])
        if not outside.any():
            break
        owner[outside] = rng.integers(0, people.n, int(outside.sum()))
    return owner


def _paid(
    rng: np.random.Generator,
    people: People,
    lives: Lifetimes,
    cal: Calendar,
    params: DemoParams,
    channel: str,
    campaigns: list[Campaign],
) -> Touches:
    weeks = cal.week_starts()
    season = cal.seasonality()
    offset = cal.start.weekday()
    week_season = np.array(
        [season[max(0, 7 * w - offset) : 7 * w - offset + 7].mean() for w in range(len(weeks))]
    )
    weight = week_season * _flight(rng, len(weeks), channel)
    c = world.CHANNELS.index(channel)
    first = len(campaigns)
    for q in range((len(weeks) + 12) // 13):
        start = cal.start_ts + max(0, 13 * 7 * q - offset) * DAY
        quarter = weeks[min(13 * q, len(weeks) - 1)]
        name = f"{channel.replace('_', ' ').title()} {quarter:%Y} Q{(quarter.month - 1) // 3 + 1}"
        campaigns.append(Campaign(f"{channel[:3]}_{q:03d}", name, c, start, ""))
    n = round(params.channels[channel].per_customer * people.n)
    week = rng.choice(len(weeks), size=n, p=weight / weight.sum())
    day = 7 * week - offset + rng.integers(0, 7, n)
    hour = rng.choice(24, size=n, p=hours_profile(ONLINE_HOURS))
    ts = cal.start_ts + day * DAY + hour * 3600 + rng.integers(0, 3600, n)
    inside = (day >= 0) & (day < cal.days)
    ts = ts[inside]
    n = len(ts)
    to_customer = rng.random(n) < CUSTOMER_SHARE_OF_CLICKS
    owner = np.where(
        to_customer,
        _audience(rng, people, lives, ts),
        people.n + rng.integers(0, people.prospects, n),
    )
    campaign = first + week[inside] // 13
    minus = np.full(n, -1, dtype=np.int64)
    return Touches(
        np.full(n, c), owner, ts, campaign, np.ones(n, bool), ts, minus, np.zeros(n, bool)
    )


def _selection(
    rng: np.random.Generator,
    orders: Orders,
    params: DemoParams,
    channel: str,
    campaigns: list[Campaign],
    cal: Calendar,
) -> Touches:
    """Clicks in front of organic online orders that did not cause them."""
    c = world.CHANNELS.index(channel)
    online = np.flatnonzero(orders.store < 0)
    picked = online[rng.random(len(online)) < params.channels[channel].selection]
    ts = orders.ts[picked] - rng.integers(120, 1500, len(picked))
    ts = np.maximum(ts, cal.start_ts)
    first = next(i for i, camp in enumerate(campaigns) if camp.channel == c)
    campaign = first + np.clip(cal.week_index(ts) // 13, 0, None)
    n = len(picked)
    return Touches(
        np.full(n, c),
        orders.person[picked],
        ts,
        campaign,
        np.ones(n, bool),
        ts,
        picked,
        np.zeros(n, bool),
    )


def _incremental(
    rng: np.random.Generator,
    people: People,
    lives: Lifetimes,
    touches: Touches,
    cal: Calendar,
    params: DemoParams,
    first_order: int,
) -> tuple[Orders, np.ndarray]:
    """Orders caused by touches, and for each touch the index of its order (or -1)."""
    end_ts = cal.start_ts + cal.days * DAY
    week = cal.week_index(touches.ts)
    beta = np.array([params.channels[c].beta for c in world.CHANNELS])
    saturation = np.array([params.channels[c].saturation for c in world.CHANNELS]) * people.n / 1000
    key = touches.channel * 10_000 + week
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    weekly = counts[inverse]
    p = beta[touches.channel] / (1 + weekly / saturation[touches.channel])
    customer = touches.owner < people.n
    person = np.where(customer, touches.owner, 0)
    alive = (
        customer & (people.acquired[person] <= touches.ts) & (touches.ts < lives.death_ts[person])
    )
    caused = alive & (touches.order < 0) & (rng.random(len(touches)) < p)
    index = np.flatnonzero(caused)
    in_session = touches.clicked[index]
    later = touches.ts[index] + rng.exponential(DAY, len(index)).clip(600, 3 * DAY).astype(np.int64)
    ts = np.where(in_session, touches.click_ts[index] + rng.integers(180, 1500, len(index)), later)
    home = people.home_store[touches.owner[index]]
    to_store = ~in_session & (home >= 0) & (rng.random(len(index)) < 0.35)
    visit = (ts // DAY) * DAY + rng.integers(10 * 3600, 19 * 3600, len(index))
    visit = np.where(visit < touches.ts[index], visit + DAY, visit)
    ts = np.where(to_store, visit, ts)
    keep = ts < end_ts
    index, ts, to_store, home = index[keep], ts[keep], to_store[keep], home[keep]
    persons = touches.owner[index]
    orders = Orders(
        persons,
        ts.astype(np.int64),
        order_values(rng, people.nu[persons], params.process.spend_shape),
        np.where(to_store, home, -1),
        touches.channel[index],
        index,
    )
    order_of_touch = np.full(len(touches), -1, dtype=np.int64)
    order_of_touch[index] = first_order + np.arange(len(index))
    return orders, order_of_touch
