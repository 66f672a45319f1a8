"""One customer's traits in Python equal the warehouse's Ibis computation, on random streams."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vantage.profiles.computed import ComputedTrait, computed_traits
from vantage.profiles.customer_traits import CustomerEvent, evaluate_traits
from vantage.store.compaction import EVENT_SCHEMA
from vantage.store.migrations import migrate
from vantage.store.warehouse import connect_store

AS_OF = datetime(2025, 6, 30, 12, tzinfo=UTC)
ORDER = ["Order Completed"]
TRAITS = (
    ComputedTrait(name="events_total", types=["track", "page", "identify"]),
    ComputedTrait(name="orders_7d", events=ORDER, window_days=7),
    ComputedTrait(name="revenue", events=ORDER, aggregation="sum", property="revenue"),
    ComputedTrait(name="aov", events=ORDER, aggregation="avg", property="revenue"),
    ComputedTrait(name="smallest", events=ORDER, aggregation="min", property="revenue"),
    ComputedTrait(name="first_cat", events=ORDER, aggregation="first", property="category"),
    ComputedTrait(name="last_cat", events=ORDER, aggregation="last", property="category"),
    ComputedTrait(name="fav", aggregation="most_frequent", property="category"),
    ComputedTrait(name="cats", aggregation="unique_count", property="category"),
    ComputedTrait(name="first_seen", types=["track", "page"], aggregation="first_seen"),
    ComputedTrait(name="last_seen", types=["track", "page"], aggregation="last_seen"),
    ComputedTrait(name="since_order", events=ORDER, aggregation="days_since_last"),
)
EVENT = st.tuples(
    st.sampled_from(["Order Completed", "Product Viewed", None]),
    st.integers(-48, 40 * 24),  # hours before AS_OF (negative: after the cut-off)
    st.one_of(st.none(), st.integers(1, 300), st.sampled_from(["12.5", "n/a", True])),
    st.one_of(st.none(), st.sampled_from(["hats", "shoes", "bags"])),
)


def _row(seq: int, spec: tuple[Any, int, Any, Any]) -> dict[str, Any]:
    name, hours, revenue, category = spec
    kind = "page" if name is None else "track"
    properties = {k: v for k, v in (("revenue", revenue), ("category", category)) if v is not None}
    ts = AS_OF - timedelta(hours=hours)
    return {
        "seq": seq,
        "message_id": f"m{seq}",
        "source": "web",
        "type": kind,
        "event": name,
        "user_id": "u1",
        "anonymous_id": None,
        "timestamp": ts,
        "received_at": ts,
        "payload": json.dumps({"type": kind, "event": name, "properties": properties}),
    }


def _same(left: Any, right: Any) -> bool:
    if left is None or right is None or (isinstance(right, float) and pd.isna(right)):
        return (left is None or pd.isna(left)) and (right is None or pd.isna(right))
    if isinstance(right, pd.Timestamp | datetime):
        return pd.Timestamp(left) == pd.Timestamp(right)
    if isinstance(left, str) or isinstance(right, str):
        return left == right
    return abs(float(left) - float(right)) < 1e-9


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EVENT, min_size=1, max_size=25))
def test_python_traits_equal_the_warehouse(specs: list[tuple[Any, int, Any, Any]]) -> None:
    rows = [_row(seq, spec) for seq, spec in enumerate(specs, start=1)]
    with connect_store("duckdb://:memory:") as store:
        migrate(store)
        store.append("events", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
        store.append(
            "identity_map",
            pd.DataFrame(
                {
                    "id_type": ["user_id"],
                    "id_value": ["u1"],
                    "customer_id": ["c1"],
                    "since": [AS_OF],
                    "reason": ["first seen"],
                }
            ),
        )
        frame = store.execute(computed_traits(store, TRAITS, as_of=AS_OF))
    warehouse = frame.iloc[0].to_dict() if len(frame) else {}
    events = [
        CustomerEvent.from_row(r["seq"], r["timestamp"], r["type"], r["event"], r["payload"])
        for r in rows
    ]
    ours = evaluate_traits(TRAITS, events, AS_OF)
    assert set(ours) == set(warehouse) - {"customer_id"}
    for name, value in ours.items():
        assert _same(value, warehouse[name]), (name, value, warehouse[name])
