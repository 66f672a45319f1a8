"""Real-time counters: warehouse values + live partials equal the warehouse over every event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vantage.profiles.computed import ComputedTrait
from vantage.profiles.live_counters import LiveCounters, overlay
from vantage.services.profiles import profile
from vantage.store.compaction import EVENT_SCHEMA
from vantage.store.migrations import migrate
from vantage.store.warehouse import connect_store

AS_OF = datetime(2025, 6, 30, 12, tzinfo=UTC)
TRAITS = (
    ComputedTrait(name="orders", events=["Order Completed"]),
    ComputedTrait(name="orders_7d", events=["Order Completed"], window_days=7),
    ComputedTrait(
        name="revenue_30d",
        events=["Order Completed"],
        aggregation="sum",
        property="revenue",
        window_days=30,
    ),
    ComputedTrait(
        name="biggest", events=["Order Completed"], aggregation="max", property="revenue"
    ),
    ComputedTrait(
        name="smallest", events=["Order Completed"], aggregation="min", property="revenue"
    ),
    ComputedTrait(name="page_views", types=["page"]),
    ComputedTrait(name="first_seen", types=["track", "page"], aggregation="first_seen"),
    ComputedTrait(name="last_seen", types=["track", "page"], aggregation="last_seen"),
    ComputedTrait(
        name="days_since_last_order", events=["Order Completed"], aggregation="days_since_last"
    ),
)
EVENT = st.tuples(
    st.sampled_from(["Order Completed", "Product Viewed", None]),
    st.integers(0, 60 * 24),  # hours before AS_OF
    st.integers(1, 500),  # revenue
)


def _row(seq: int, spec: tuple[str | None, int, int]) -> dict[str, Any]:
    name, hours, revenue = spec
    kind = "page" if name is None else "track"
    ts = AS_OF - timedelta(hours=hours)
    message = {"type": kind, "event": name, "properties": {"revenue": revenue}}
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
        "payload": json.dumps(message),
    }


def _view(rows: list[dict[str, Any]]) -> dict[str, Any]:
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
                    "since": [AS_OF - timedelta(days=90)],
                    "reason": ["first seen"],
                }
            ),
        )
        return profile(store, "c1", as_of=AS_OF, computed=TRAITS)["computed_traits"]


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, str) or isinstance(right, str):
        return pd.Timestamp(left) == pd.Timestamp(right)
    return left == right or abs(float(left) - float(right)) < 1e-9


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EVENT, min_size=2, max_size=30), st.data())
def test_warehouse_plus_live_equals_warehouse_over_everything(
    specs: list[tuple[str | None, int, int]], data: st.DataObject
) -> None:
    # Events arrive in seq order but with any timestamps (late, imported, out of order).
    rows = [_row(seq, spec) for seq, spec in enumerate(specs, start=1)]
    synced = data.draw(st.integers(1, len(rows) - 1), label="synced up to seq")
    counters = LiveCounters(TRAITS)
    for row in rows[synced:]:
        counters.add(7, row["seq"], row["timestamp"].timestamp(), json.loads(row["payload"]))
    partial = counters.partials([7], after_seq=synced, as_of=AS_OF)
    live = overlay(TRAITS, _view(rows[:synced]), partial, AS_OF)
    full = _view(rows)
    for trait in TRAITS:
        assert _same(live[trait.name], full[trait.name]), trait.name


def test_entries_already_in_the_warehouse_are_not_counted_twice() -> None:
    counters = LiveCounters(TRAITS[:1])
    message = {"type": "track", "event": "Order Completed", "properties": {}}
    for seq in (5, 6, 7):
        counters.add(1, seq, AS_OF.timestamp() - 60, message)
    assert len(counters.partials([1], after_seq=6, as_of=AS_OF)["orders"]) == 2
    counters.forget_through(6)
    assert counters.entries == 1
    assert overlay(
        TRAITS[:1], {"orders": 4}, counters.partials([1], after_seq=6, as_of=AS_OF), AS_OF
    ) == {"orders": 5}


def test_traits_that_need_raw_rows_keep_the_warehouse_value() -> None:
    favourite = ComputedTrait(
        name="fav", events=["Order Completed"], aggregation="most_frequent", property="category"
    )
    counters = LiveCounters([favourite])
    counters.add(
        1,
        1,
        AS_OF.timestamp(),
        {"type": "track", "event": "Order Completed", "properties": {"category": "hats"}},
    )
    assert counters.traits == ()
    assert overlay([favourite], {"fav": "shoes"}, {}, AS_OF) == {"fav": "shoes"}
