"""A small synthetic shop whose customers have tastes, for examples, docs and tests.

Products fall into a few styles; each customer prefers one or two styles and buys mostly from
them, with some popular items bought by everyone. That structure is what collaborative
filtering can learn and popularity cannot, so a test can check that ALS beats the baseline.
:func:`sample_interactions` returns the long table; :func:`sample_order_events` the same orders
as Segment ``Order Completed`` events (``properties.products``) for the warehouse.
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

SAMPLE_END = datetime(2025, 6, 30, tzinfo=UTC)


def sample_interactions(
    customers: int = 300,
    *,
    products: int = 60,
    styles: int = 6,
    orders_per_customer: float = 5.0,
    days: int = 365,
    seed: int = 0,
) -> pd.DataFrame:
    """Order lines ``customer_id, product_id, ts, order_id`` of a shop with styles.

    Args:
        customers: Number of customers (``c0``, ``c1``, ...).
        products: Catalogue size (``p00``, ``p01``, ...), split evenly into ``styles``.
        styles: Number of product styles (tastes).
        orders_per_customer: Mean number of orders (Poisson, at least one).
        days: Length of the history, ending at 2025-06-30.
        seed: Random seed.
    """
    rng = np.random.default_rng(seed)
    style_of = np.arange(products) % styles
    appeal = rng.pareto(2.0, products) + 0.2
    start = SAMPLE_END - timedelta(days=days)
    rows: list[tuple[str, str, datetime, str]] = []
    for c in range(customers):
        liked = rng.choice(styles, size=int(rng.integers(1, 3)), replace=False)
        weights = appeal * np.where(np.isin(style_of, liked), 8.0, 0.3)
        weights /= weights.sum()
        for o in range(max(1, int(rng.poisson(orders_per_customer)))):
            ts = start + timedelta(days=float(rng.uniform(0, days)))
            basket = rng.choice(products, size=int(rng.integers(1, 4)), replace=False, p=weights)
            rows.extend((f"c{c}", f"p{p:02d}", ts, f"o{c}-{o}") for p in basket)
    frame = pd.DataFrame(rows, columns=["customer_id", "product_id", "ts", "order_id"])
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame.sort_values("ts", kind="stable").reset_index(drop=True)


def sample_order_events(lines: pd.DataFrame) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """The orders of :func:`sample_interactions` as warehouse event rows and an identity map.

    Returns:
        (rows with the warehouse ``events`` columns, ``identity_map`` rows): user ``u<i>`` is
        customer ``c<i>``; each product is ``{"product_id", "sku", "price"}``.
    """
    events: list[dict[str, Any]] = []
    for seq, (order_id, order) in enumerate(lines.groupby("order_id", sort=False), start=1):
        user = "u" + str(order.customer_id.iloc[0])[1:]
        ts = order.ts.iloc[0].to_pydatetime()
        items = [{"product_id": p, "sku": f"SKU-{p}", "price": 10.0} for p in order.product_id]
        message = {
            "type": "track",
            "event": "Order Completed",
            "userId": user,
            "properties": {"order_id": order_id, "revenue": 10.0 * len(items), "products": items},
        }
        events.append(
            {
                "seq": seq,
                "message_id": f"r{seq}",
                "source": "web",
                "type": "track",
                "event": "Order Completed",
                "user_id": user,
                "anonymous_id": None,
                "timestamp": ts,
                "received_at": ts,
                "payload": json.dumps(message),
            }
        )
    customers = sorted(pd.unique(lines.customer_id))
    identity = pd.DataFrame(
        {
            "id_type": "user_id",
            "id_value": ["u" + c[1:] for c in customers],
            "customer_id": customers,
            "since": SAMPLE_END - timedelta(days=400),
            "reason": "first seen",
        }
    )
    return events, identity


def load_sample_orders(store: Store, customers: int = 200, *, seed: int = 0) -> pd.DataFrame:
    """Migrate ``store`` and append the orders of :func:`sample_interactions` as events.

    Returns:
        The order lines written (the long interaction table).
    """
    migrate(store)
    lines = sample_interactions(customers, seed=seed)
    events, identity = sample_order_events(lines)
    store.append("events", pa.Table.from_pylist(events, schema=EVENT_SCHEMA))
    store.append("identity_map", identity)
    return lines
