"""The ground truth, written to ``truth/`` beside (never inside) the workspace.

Files: ``identities.csv`` (every identifier of every source -> person), ``customers.csv`` (each
customer's true purchase-process parameters, lifetime and totals), ``orders.csv`` (every order
with what drove it), ``channel_effects.csv`` and ``channel_effects_weekly.csv`` (the true
incremental effect and cost of each channel), ``email_holdouts.csv`` (randomised control groups),
``reviews.csv`` and ``chats.csv`` (aspects, topics, satisfaction) and ``params.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vantage.datasets.demo import world
from vantage.datasets.demo.calendar import Calendar
from vantage.datasets.demo.crm import CrmExport
from vantage.datasets.demo.feedback import Feedback
from vantage.datasets.demo.files import write_csv
from vantage.datasets.demo.marketing import EMAIL, Marketing
from vantage.datasets.demo.messages import iso
from vantage.datasets.demo.params import DemoParams
from vantage.datasets.demo.population import APP, People
from vantage.datasets.demo.purchases import Lifetimes, Orders
from vantage.datasets.demo.sessions import Activity
from vantage.datasets.demo.spend import Spend
from vantage.datasets.demo.stores import PointOfSale


@dataclass
class World:
    """Everything the generator simulated (the truth writer's input)."""

    people: People
    lives: Lifetimes
    orders: Orders
    marketing: Marketing
    activity: Activity
    email: list[str]
    pos: PointOfSale
    crm: CrmExport
    feedback: Feedback
    spend: Spend
    order_refs: dict[int, str]


def write_truth(
    folder: Path, w: World, cal: Calendar, params: DemoParams, seed: int
) -> dict[str, int]:
    """Write every truth file; return rows per file name."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = {
        "identities.csv": write_csv(
            folder / "identities.csv",
            ("source", "id_type", "id_value", "person_id"),
            _identities(w),
        ),
        "customers.csv": _customers(folder, w),
        "orders.csv": _orders(folder, w),
        "channel_effects.csv": _effects(folder, w, params),
        "channel_effects_weekly.csv": write_csv(
            folder / "channel_effects_weekly.csv",
            (
                "week_start",
                "channel",
                "touches",
                "selection_touches",
                "incremental_orders",
                "incremental_revenue",
                "spend",
            ),
            (
                (
                    week,
                    ch,
                    int(w.spend.touches[i, c]),
                    int(w.spend.selection_touches[i, c]),
                    int(w.spend.incremental_orders[i, c]),
                    float(w.spend.incremental_revenue[i, c]),
                    float(w.spend.spend[i, c]),
                )
                for i, week in enumerate(w.spend.weeks)
                for c, ch in enumerate(world.CHANNELS)
            ),
        ),
        "email_holdouts.csv": write_csv(
            folder / "email_holdouts.csv",
            ("campaign_id", "person_id"),
            (
                (camp.campaign_id, w.people.person_id[p])
                for camp, held in zip(
                    (c for c in w.marketing.campaigns if c.channel == EMAIL),
                    w.marketing.holdout,
                    strict=True,
                )
                for p in held.tolist()
            ),
        ),
        "reviews.csv": write_csv(
            folder / "reviews.csv",
            ("review_id", "person_id", "rating", "aspects"),
            ((r, w.people.person_id[p], rating, a) for r, p, rating, a in w.feedback.review_truth),
        ),
        "chats.csv": write_csv(
            folder / "chats.csv",
            ("chat_id", "person_id", "topic", "satisfaction"),
            ((c, w.people.person_id[p], t, s) for c, p, t, s in w.feedback.chat_truth),
        ),
    }
    meta = {
        "seed": seed,
        "period": {"start": cal.start.isoformat(), "end": cal.end.isoformat()},
        "params": params.as_dict(),
        "seasonality": "see vantage.datasets.demo.calendar.Calendar.seasonality",
        "files": rows,
    }
    (folder / "params.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return rows


def _owner_id(people: People, owner: int) -> str:
    return people.person_id[owner] if owner < people.n else people.prospect_id[owner - people.n]


def _identities(w: World) -> list[tuple[str, str, str, str]]:
    people, devices, act = w.people, w.people.devices, w.activity
    out: set[tuple[str, str, str, str]] = set()
    for d in act.used_devices:
        source = "app" if devices.kind[d] == APP else "web"
        out.add(
            (
                source,
                "anonymous_id",
                devices.anonymous_id[d],
                _owner_id(people, int(devices.owner[d])),
            )
        )
    for p in np.flatnonzero(np.isfinite(act.account_ts)).tolist():
        out.add(("web", "user_id", people.user_id[p], people.person_id[p]))
        out.add(("web", "email", people.email[p], people.person_id[p]))
    for o in act.guest_orders:
        p = int(w.orders.person[o])
        out.add(("web", "email", people.email[p], people.person_id[p]))
    for p in act.web_phones:
        out.add(("web", "phone", people.phone[p], people.person_id[p]))
    touches = w.marketing.touches
    emailed = touches.owner[touches.channel == EMAIL]
    opened = touches.ts[touches.channel == EMAIL]
    for p in np.unique(emailed).tolist():
        out.add(("email", "email", people.email[p], people.person_id[p]))
    for p in np.unique(emailed[opened < act.account_ts[emailed]]).tolist():
        out.add(("email", "anonymous_id", people.esp_id[p], people.person_id[p]))
    for row, p in zip(w.crm.rows, w.crm.person, strict=True):
        pid = people.person_id[p]
        out.add(("crm", "crm_id", row["customer_no"], pid))
        if row["email_address"]:
            out.add(("crm", "email", row["email_address"].strip().lower(), pid))
        if row["phone_number"]:
            out.add(("crm", "phone", people.phone[p], pid))
        if row["loyalty_card_no"]:
            out.add(("crm", "loyalty_card", row["loyalty_card_no"], pid))
    pos = w.pos
    for o, k, card, token, tid in zip(
        pos.order.tolist(),
        pos.walk_in.tolist(),
        pos.card,
        pos.token,
        pos.transaction_id,
        strict=True,
    ):
        pid = people.person_id[int(w.orders.person[o])] if o >= 0 else people.walk_in_id[k]
        out.add(("pos", "anonymous_id", tid, pid))
        if card:
            out.add(("pos", "loyalty_card", card, pid))
        if token:
            out.add(("pos", "payment_card", token, pid))
    for row, (_, p, _, _) in zip(w.feedback.reviews, w.feedback.review_truth, strict=True):
        out.add(("reviews", "email", row["reviewer_email"].strip().lower(), people.person_id[p]))
    for row, (_, p, _, _) in zip(w.feedback.chats, w.feedback.chat_truth, strict=True):
        pid = people.person_id[p]
        for kind, key in (("user_id", "user_id"), ("email", "email"), ("phone", "phone")):
            if row[key]:
                out.add(("support", kind, row[key], pid))
    return sorted(out)


def _customers(folder: Path, w: World) -> int:
    people, lives, orders = w.people, w.lives, w.orders
    n = people.n
    counts = np.bincount(orders.person, minlength=n)
    incremental = np.bincount(orders.person[orders.driver >= 0], minlength=n)
    revenue = np.bincount(orders.person, weights=orders.amount, minlength=n)
    first = np.full(n, np.inf)
    np.minimum.at(first, orders.person, orders.ts.astype(float))
    header = (
        "person_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "birthday",
        "city",
        "home_store",
        "first_purchase_at",
        "lambda_per_day",
        "p_dropout",
        "dropout_after_repeats",
        "nu",
        "mean_order_value",
        "online_share",
        "repeat_purchases_organic",
        "alive_at_end",
        "churned_at",
        "orders",
        "orders_incremental",
        "revenue",
        "web_account_since",
        "loyalty_member_since",
        "newsletter_opt_in",
        "email_engagement",
    )
    shape = 6.0

    def stamp(value: float) -> str:
        return iso(int(value))[:19] + "Z" if np.isfinite(value) else ""

    rows = (
        (
            people.person_id[i],
            people.first_name[i],
            people.last_name[i],
            people.email[i],
            people.phone[i],
            w.crm.birthday[i],
            world.CITIES[people.city[i]].name,
            world.STORES[people.home_store[i]].store_id if people.home_store[i] >= 0 else "",
            stamp(first[i]),
            round(float(people.lam[i]), 6),
            round(float(people.p_drop[i]), 6),
            int(lives.dropout_after[i]),
            round(float(people.nu[i]), 6),
            round(shape / float(people.nu[i]), 2),
            round(float(people.online_share[i]), 4),
            int(lives.repeats[i]),
            bool(np.isinf(lives.death_ts[i])),
            stamp(lives.death_ts[i]),
            int(counts[i]),
            int(incremental[i]),
            round(float(revenue[i]), 2),
            stamp(w.activity.account_ts[i]),
            stamp(w.pos.member_since[i]),
            bool(w.marketing.opted_in[i]),
            round(float(people.engagement[i]), 4),
        )
        for i in range(n)
    )
    return write_csv(folder / "customers.csv", header, rows)


def _orders(folder: Path, w: World) -> int:
    people, orders = w.people, w.orders
    drivers = ["organic", *world.CHANNELS]
    rows = []
    for o in np.argsort(orders.ts, kind="stable").tolist():
        store = int(orders.store[o])
        rows.append(
            (
                w.order_refs.get(o, ""),
                people.person_id[int(orders.person[o])],
                iso(int(orders.ts[o]))[:19] + "Z",
                "store" if store >= 0 else "online",
                world.STORES[store].store_id if store >= 0 else "",
                float(orders.amount[o]),
                drivers[int(orders.driver[o]) + 1],
            )
        )
    pos = w.pos
    for k in np.flatnonzero(pos.order < 0).tolist():
        rows.append(
            (
                pos.transaction_id[k],
                people.walk_in_id[int(pos.walk_in[k])],
                iso(int(pos.ts[k]))[:19] + "Z",
                "store",
                world.STORES[int(pos.store[k])].store_id,
                float(pos.amount[k]),
                "organic",
            )
        )
    header = ("order_ref", "person_id", "ordered_at", "channel", "store_id", "amount", "driver")
    return write_csv(folder / "orders.csv", header, rows)


def _effects(folder: Path, w: World, params: DemoParams) -> int:
    s = w.spend
    rows = []
    for c, name in enumerate(world.CHANNELS):
        channel = params.channels[name]
        spend = float(s.spend[:, c].sum())
        revenue = float(s.incremental_revenue[:, c].sum())
        rows.append(
            (
                name,
                channel.touch_event,
                channel.beta,
                channel.saturation,
                int(s.touches[:, c].sum()),
                int(s.selection_touches[:, c].sum()),
                int(s.incremental_orders[:, c].sum()),
                round(revenue, 2),
                round(spend, 2),
                round(revenue / spend, 4) if spend else 0.0,
            )
        )
    header = (
        "channel",
        "touch_event",
        "beta",
        "saturation",
        "touches",
        "selection_touches",
        "incremental_orders",
        "incremental_revenue",
        "spend",
        "incremental_roas",
    )
    return write_csv(folder / "channel_effects.csv", header, rows)
