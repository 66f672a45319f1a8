"""A small events + identity_map sample shared by unit and conformance tests of profiles."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pyarrow as pa

from vantage.store.compaction import EVENT_SCHEMA
from vantage.store.migrations import migrate
from vantage.store.warehouse import IbisStore

AS_OF = datetime(2025, 6, 30, tzinfo=UTC)


def event(
    seq: int,
    days_ago: float,
    name: str | None,
    *,
    user: str | None = None,
    anon: str | None = None,
    kind: str = "track",
    **properties: object,
) -> dict[str, object]:
    ts = AS_OF - timedelta(days=days_ago)
    message = {"type": kind, "event": name, "properties": properties}
    return {
        "seq": seq,
        "message_id": f"m{seq}",
        "source": "web",
        "type": kind,
        "event": name,
        "user_id": user,
        "anonymous_id": anon,
        "timestamp": ts,
        "received_at": ts,
        "payload": json.dumps(message),
    }


def load_sample(store: IbisStore) -> None:
    """Nine events of two customers (one via a linked device), a stranger and a future order."""
    migrate(store)
    rows = [
        event(1, 100, "Order Completed", user="u1", revenue=10.0, category="shoes"),
        event(2, 20, "Order Completed", user="u1", revenue=30.0),
        event(3, 5, "Product Viewed", anon="dev-1", category="hats"),
        event(4, 4, "Product Viewed", anon="dev-1", category="hats"),
        event(5, 3, "Product Viewed", user="u1", category="shoes"),
        event(6, 2, None, anon="dev-1", kind="page"),
        event(7, -5, "Order Completed", user="u1", revenue=1000.0),
        event(8, 1, "Order Completed", user="u2", revenue=5.0),
        event(9, 1, "Order Completed", anon="stranger", revenue=7.0),
    ]
    store.append("events", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
    identity = pd.DataFrame(
        {
            "id_type": ["user_id", "anonymous_id", "user_id"],
            "id_value": ["u1", "dev-1", "u2"],
            "customer_id": ["c1", "c1", "c2"],
            "since": [AS_OF - timedelta(days=100)] * 3,
            "reason": ["first seen", "seen with user_id u1 in m3", "first seen"],
        }
    )
    if store.has_table("identity_map"):  # created by the identity migration
        store.append("identity_map", identity)
    else:
        store.create_table("identity_map", identity)
