"""Web and app sessions: anonymous browsing, log-ins, ad landings and online orders.

A device stays anonymous (``anonymousId`` only) until its owner logs in or signs up on it; from
then on its messages also carry the ``userId``, which is how ``anonymousId -> userId`` links
arise. Guest checkouts identify the device with an e-mail address but no ``userId``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vantage.datasets.demo import world
from vantage.datasets.demo.baskets import Baskets
from vantage.datasets.demo.calendar import DAY, Calendar
from vantage.datasets.demo.marketing import Marketing
from vantage.datasets.demo.messages import (
    REFERRERS,
    Builder,
    MessageIds,
    campaign_context,
    device_context,
    iso,
    page_fields,
    product_properties,
)
from vantage.datasets.demo.params import DemoParams
from vantage.datasets.demo.population import APP, People
from vantage.datasets.demo.purchases import Lifetimes, Orders
from vantage.datasets.demo.rand import stream

BROWSE_PER_DAY = 0.0025
LOGIN_WHEN_BROWSING = 0.3
APP_ORDER_SHARE = 0.6


@dataclass
class Plan:
    """Sessions to play, one row each."""

    owner: list[int] = field(default_factory=list)
    device: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    order: list[int] = field(default_factory=list)
    touch: list[int] = field(default_factory=list)
    views: list[int] = field(default_factory=list)

    def add(self, owner: int, device: int, start: int, order: int, touch: int, views: int) -> None:
        """Add one session."""
        self.owner.append(owner)
        self.device.append(device)
        self.start.append(start)
        self.order.append(order)
        self.touch.append(touch)
        self.views.append(views)


@dataclass
class Activity:
    """What the sessions produced, for the workspace and for the truth."""

    web: list[str]
    app: list[str]
    order_ids: dict[int, str]
    account_ts: np.ndarray
    used_devices: set[int]
    guest_orders: set[int]
    web_phones: set[int]


def build_sessions(
    people: People,
    lives: Lifetimes,
    orders: Orders,
    baskets: Baskets,
    marketing: Marketing,
    cal: Calendar,
    params: DemoParams,
    seed: int,
) -> Activity:
    """Plan every web and app session and turn it into Segment messages."""
    rng = stream(seed, "sessions")
    online = np.flatnonzero(orders.store < 0)
    device_of_order = {
        int(o): _order_device(rng, people, int(orders.person[o])) for o in online.tolist()
    }
    by_time = online[np.argsort(orders.ts[online], kind="stable")]
    order_ids = {int(o): f"HP{1_000_000 + k}" for k, o in enumerate(by_time.tolist())}
    guest, account_ts = _accounts(rng, people, orders, by_time, device_of_order, params)
    plan = Plan()
    touches = marketing.touches
    session_touch: dict[int, int] = {}
    for t in np.flatnonzero(touches.clicked).tolist():
        order = int(touches.order[t])
        if order >= 0 and orders.store[order] < 0 and order not in session_touch:
            session_touch[order] = t
            continue
        owner = int(touches.owner[t])
        plan.add(
            owner, _web_device(rng, people, owner), int(touches.click_ts[t]), -1, t, _views(rng)
        )
    for o in online.tolist():
        t = session_touch.get(o, -1)
        start = (
            int(touches.click_ts[t]) if t >= 0 else int(orders.ts[o]) - int(rng.integers(240, 1800))
        )
        plan.add(int(orders.person[o]), device_of_order[o], start, o, t, max(1, _views(rng)))
    _browsing(rng, people, lives, cal, plan)
    play = _Player(people, orders, baskets, marketing, order_ids, account_ts, guest, rng)
    for i in np.lexsort((np.array(plan.start), np.array(plan.device))).tolist():
        play.session(
            plan.owner[i],
            plan.device[i],
            plan.start[i],
            plan.order[i],
            plan.touch[i],
            plan.views[i],
        )
    return Activity(
        web=play.web.sorted_lines(),
        app=play.app.sorted_lines(),
        order_ids=order_ids,
        account_ts=account_ts,
        used_devices=play.used,
        guest_orders=guest,
        web_phones=play.phones,
    )


def _views(rng: np.random.Generator) -> int:
    """Products viewed in a session (0 to 2, mean 0.7)."""
    return int(rng.binomial(2, 0.35))


def _order_device(rng: np.random.Generator, people: People, person: int) -> int:
    own = people.devices.of(person)
    apps = [d for d in own if people.devices.kind[d] == APP]
    if apps and rng.random() < APP_ORDER_SHARE:
        return apps[0]
    webs = [d for d in own if people.devices.kind[d] != APP]
    return webs[int(rng.integers(0, len(webs)))]


def _web_device(rng: np.random.Generator, people: People, owner: int) -> int:
    own = [d for d in people.devices.of(owner) if people.devices.kind[d] != APP]
    return own[int(rng.integers(0, len(own)))]


def _accounts(
    rng: np.random.Generator,
    people: People,
    orders: Orders,
    by_time: np.ndarray,
    device_of_order: dict[int, int],
    params: DemoParams,
) -> tuple[set[int], np.ndarray]:
    """Guest orders, and when each customer's web account was created (inf: never)."""
    guest: set[int] = set()
    account_ts = np.full(people.n, np.inf)
    seen: set[int] = set()
    for o in by_time.tolist():
        person = int(orders.person[o])
        if np.isfinite(account_ts[person]):
            continue
        web = people.devices.kind[device_of_order[o]] != APP
        if person not in seen and web and rng.random() < params.guest_checkout:
            guest.add(o)
        else:
            account_ts[person] = orders.ts[o]
        seen.add(person)
    return guest, account_ts


def _browsing(
    rng: np.random.Generator, people: People, lives: Lifetimes, cal: Calendar, plan: Plan
) -> None:
    """Sessions without an order.

    Research before the first purchase, visits while a customer, and prospects who never buy.
    """
    start_ts = cal.start_ts
    end_ts = cal.start_ts + cal.days * DAY
    devices = people.devices
    for person in range(people.n):
        own = devices.of(person)
        acquired = int(people.acquired[person])
        for _ in range(int(rng.binomial(2, 0.35))):
            ts = acquired - int(rng.integers(3600, 21 * DAY))
            if ts > start_ts:
                plan.add(person, own[0], ts, -1, -1, _views(rng))
        until = min(lives.death_ts[person] + 45 * DAY, end_ts)
        span = max(until - acquired, 0)
        for _ in range(int(rng.poisson(BROWSE_PER_DAY * span / DAY))):
            device = own[int(rng.integers(0, len(own)))]
            plan.add(person, device, acquired + int(rng.random() * span), -1, -1, _views(rng))
    for k in range(people.prospects):
        owner = people.n + k
        device = devices.of(owner)[0]
        for _ in range(1 + int(rng.poisson(0.6))):
            ts = start_ts + int(rng.random() * (end_ts - start_ts - 3600))
            plan.add(owner, device, ts, -1, -1, _views(rng))


class _Player:
    """Turns planned sessions into messages, remembering which devices are logged in."""

    def __init__(
        self,
        people: People,
        orders: Orders,
        baskets: Baskets,
        marketing: Marketing,
        order_ids: dict[int, str],
        account_ts: np.ndarray,
        guest: set[int],
        rng: np.random.Generator,
    ) -> None:
        self.people = people
        self.orders = orders
        self.baskets = baskets
        self.marketing = marketing
        self.order_ids = order_ids
        self.account_ts = account_ts
        self.guest = guest
        self.rng = rng
        self.catalogue = world.products()
        ids = MessageIds(stream(int(rng.integers(0, 2**31)), "message-ids"))
        self.web = Builder(ids, "ajs-next-")
        self.app = Builder(ids, "")
        self.identified = np.zeros(len(people.devices.owner), bool)
        self.contexts: dict[int, dict[str, Any]] = {}
        self.used: set[int] = set()
        self.phones: set[int] = set()

    def session(
        self, owner: int, device: int, start: int, order: int, touch: int, views: int
    ) -> None:
        """Emit one session's messages."""
        people, rng = self.people, self.rng
        self.used.add(device)
        is_app = people.devices.kind[device] == APP
        out = self.app if is_app else self.web
        base = self.contexts.get(device) or self.contexts.setdefault(
            device, device_context(people.devices, device)
        )
        anon = people.devices.anonymous_id[device]
        customer = owner < people.n
        user = people.user_id[owner] if customer and self.identified[device] else None
        ts = start
        channel, campaign_ctx = self._campaign(touch)
        if channel and channel != "email":
            camp = self.marketing.campaigns[int(self.marketing.touches.campaign[touch])]
            out.emit(
                "track",
                ts,
                anon,
                user,
                {**base, "campaign": campaign_ctx},
                event="Ad Clicked",
                properties={
                    "channel": channel,
                    "campaign_id": camp.campaign_id,
                    "campaign_name": camp.name,
                    "network": world.AD_NETWORKS[channel][0],
                    "click_id": f"clk_{int(self.marketing.touches.ts[touch]):x}{touch:x}",
                },
            )
            ts += int(rng.integers(2, 8))
        page = world.WEB_PAGES[4] if channel else world.WEB_PAGES[int(rng.integers(0, 4))]
        if is_app:
            out.emit("screen", ts, anon, user, base, name=page[0], properties={})
        else:
            search = "?utm_source=" + campaign_ctx["source"] if campaign_ctx else ""
            fields = page_fields(page, REFERRERS.get(channel or "", ""), search)
            ctx = {**base, "page": fields["properties"]}
            if campaign_ctx:
                ctx["campaign"] = campaign_ctx
            out.emit("page", ts, anon, user, ctx, **fields)
        lines = self.baskets.lines[order] if order >= 0 else []
        budget = 120
        if order >= 0:
            budget = max(1, (int(self.orders.ts[order]) - 60 - ts) // (views + 1))
        for k in range(views):
            ts += min(int(rng.integers(15, 120)), budget)
            if k < len(lines):
                product = self.catalogue[lines[k][0]]
            else:
                product = self.catalogue[int(rng.integers(0, len(self.catalogue)))]
            out.emit(
                "track",
                ts,
                anon,
                user,
                base,
                event="Product Viewed",
                properties=product_properties(product),
            )
        if order >= 0:
            self._order(out, base, owner, device, anon, ts, order)
        elif (
            customer
            and not self.identified[device]
            and start >= self.account_ts[owner]
            and rng.random() < LOGIN_WHEN_BROWSING
        ):
            self._identify(out, base, owner, device, anon, ts + 20, signup=False)

    def _campaign(self, touch: int) -> tuple[str | None, dict[str, str] | None]:
        if touch < 0:
            return None, None
        touches = self.marketing.touches
        channel = world.CHANNELS[int(touches.channel[touch])]
        camp = self.marketing.campaigns[int(touches.campaign[touch])]
        return channel, campaign_context(channel, camp.name, camp.campaign_id)

    def _identify(
        self,
        out: Builder,
        base: dict[str, Any],
        owner: int,
        device: int,
        anon: str,
        ts: int,
        *,
        signup: bool,
    ) -> None:
        people = self.people
        email = people.email[owner]
        if self.rng.random() < 0.1:
            email = email[0].upper() + email[1:]
        traits: dict[str, Any] = {"email": email}
        if signup:
            traits.update(first_name=people.first_name[owner], last_name=people.last_name[owner])
            if self.rng.random() < 0.4:
                traits["phone"] = "0" + people.phone[owner][3:]
                self.phones.add(owner)
            traits["created_at"] = iso(ts)
        out.emit("identify", ts, anon, people.user_id[owner], base, traits=traits)
        self.identified[device] = True

    def _order(
        self,
        out: Builder,
        base: dict[str, Any],
        owner: int,
        device: int,
        anon: str,
        ts: int,
        order: int,
    ) -> None:
        people, orders = self.people, self.orders
        order_ts = int(orders.ts[order])
        if order in self.guest:
            traits = {
                "email": people.email[owner],
                "first_name": people.first_name[owner],
                "last_name": people.last_name[owner],
            }
            out.emit("identify", order_ts - 50, anon, None, base, traits=traits)
        elif not self.identified[device]:
            signup = orders.ts[order] == self.account_ts[owner]
            self._identify(out, base, owner, device, anon, order_ts - 50, signup=bool(signup))
        user = people.user_id[owner] if self.identified[device] else None
        lines = self.baskets.lines[order]
        first = self.catalogue[lines[0][0]]
        added = {**product_properties(first, lines[0][1]), "quantity": lines[0][2]}
        out.emit("track", order_ts - 30, anon, user, base, event="Product Added", properties=added)
        revenue = round(float(orders.amount[order]), 2)
        shipping = 0.0 if revenue >= 50 else 3.95
        products = [
            {**product_properties(self.catalogue[p], price), "quantity": q} for p, price, q in lines
        ]
        properties = {
            "order_id": self.order_ids[order],
            "total": round(revenue + shipping, 2),
            "revenue": revenue,
            "shipping": shipping,
            "tax": round(revenue / 6, 2),
            "currency": world.CURRENCY,
            "products": products,
        }
        out.emit(
            "track", order_ts, anon, user, base, event="Order Completed", properties=properties
        )
