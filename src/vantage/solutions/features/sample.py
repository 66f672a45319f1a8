"""A small synthetic shop in the warehouse, for examples, docs and tests (seconds, no files).

Customers buy by a BG/NBD-like process (a purchase rate each, a chance to drop out after each
purchase), browse products of a few categories before buying and view pages; some prospects
only browse. It writes the ``events`` and ``identity_map`` tables, the two inputs of
:func:`vantage.solutions.features.warehouse_features`. For a realistic workspace use
``vantage demo``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from vantage.store.compaction import EVENT_SCHEMA
from vantage.store.migrations import migrate
from vantage.store.warehouse import Store

CATEGORIES = ("shoes", "hats", "bags", "coats")
CHANNELS = ("web", "app", "pos")
SAMPLE_END = datetime(2025, 6, 30, tzinfo=UTC)


class _Events:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, ts: datetime, kind: str, name: str | None, user: str, **props: Any) -> None:
        seq = len(self.rows) + 1
        source = str(props.pop("_source", "web"))
        message = {"type": kind, "event": name, "userId": user, "properties": props}
        self.rows.append(
            {
                "seq": seq,
                "message_id": f"s{seq}",
                "source": source,
                "type": kind,
                "event": name,
                "user_id": user,
                "anonymous_id": None,
                "timestamp": ts,
                "received_at": ts,
                "payload": json.dumps(message),
            }
        )


def _customer(
    out: _Events, rng: np.random.Generator, user: str, start: datetime, days: int
) -> None:
    rate = rng.gamma(0.8, 1 / 25.0)
    drop = rng.beta(1.0, 4.0)
    spend = rng.lognormal(3.5, 0.5)
    channel = CHANNELS[int(rng.integers(len(CHANNELS)))]
    taste = rng.dirichlet(np.ones(len(CATEGORIES)) * 0.7)
    day = float(rng.uniform(0, days * 0.8))
    alive = True
    while alive and day < days:
        ts = start + timedelta(days=day, hours=float(rng.uniform(8, 20)))
        category = CATEGORIES[int(rng.choice(len(CATEGORIES), p=taste))]
        for k in range(int(rng.integers(1, 4))):
            out.add(ts - timedelta(minutes=20 + k), "page", None, user)
            out.add(
                ts - timedelta(minutes=10 + k), "track", "Product Viewed", user, category=category
            )
        out.add(ts - timedelta(minutes=2), "track", "Product Added", user, category=category)
        revenue = round(float(spend * rng.gamma(4.0, 0.25)), 2)
        out.add(ts, "track", "Order Completed", user, revenue=revenue, _source=channel)
        alive = rng.uniform() > drop
        day += float(rng.exponential(1 / max(rate, 1e-3)))


def sample_events(
    customers: int = 300, *, seed: int = 0, days: int = 540, end: datetime = SAMPLE_END
) -> tuple[pa.Table, pd.DataFrame]:
    """Events and identity map of a synthetic shop.

    Args:
        customers: Buyers (a fifth as many prospects who only browse are added).
        seed: Random seed; the same arguments give the same rows.
        days: Length of the history, ending at ``end``.
        end: Last instant of the history (aware datetime).

    Returns:
        (events with the warehouse ``events`` schema, ``identity_map`` rows): user ``u<i>`` is
        customer ``c<i>``.
    """
    rng = np.random.default_rng(seed)
    start = end - timedelta(days=days)
    out = _Events()
    users = [f"u{i}" for i in range(customers + customers // 5)]
    for i, user in enumerate(users):
        if i < customers:
            _customer(out, rng, user, start, days)
        else:
            ts = start + timedelta(days=float(rng.uniform(0, days)))
            category = CATEGORIES[int(rng.integers(len(CATEGORIES)))]
            out.add(ts, "page", None, user)
            out.add(ts, "track", "Product Viewed", user, category=category)
    rows = sorted(out.rows, key=lambda r: r["timestamp"])
    for seq, row in enumerate(rows, start=1):
        row["seq"] = seq
    identity = pd.DataFrame(
        {
            "id_type": "user_id",
            "id_value": users,
            "customer_id": [f"c{u[1:]}" for u in users],
            "since": start,
            "reason": "first seen",
        }
    )
    return pa.Table.from_pylist(rows, schema=EVENT_SCHEMA), identity


def load_sample_shop(store: Store, customers: int = 300, *, seed: int = 0, **kwargs: Any) -> int:
    """Migrate ``store`` and append a synthetic shop (see :func:`sample_events`).

    Returns:
        The number of events written.
    """
    migrate(store)
    events, identity = sample_events(customers, seed=seed, **kwargs)
    store.append("events", events)
    store.append("identity_map", identity)
    return events.num_rows
