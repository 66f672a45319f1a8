"""Real-time segments: an event re-evaluates its customer, the change is recorded and published,
and batch and real-time membership agree on random event streams."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vantage.profiles.computed import DEFAULT_TRAITS
from vantage.profiles.customer_traits import CustomerEvent, evaluate_traits
from vantage.segments.catalog import Catalog
from vantage.segments.evaluate import CustomerState, matches
from vantage.segments.spec import SegmentSpecError, load_spec
from vantage.services import identity as identity_service
from vantage.services import segments
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.live import LiveEvent, LiveProfiles
from vantage.services.realtime_bus import MembershipChange, RealtimeBus
from vantage.services.segments_realtime import RealtimeSegments
from vantage.store.compaction import EVENT_SCHEMA
from vantage.store.migrations import migrate
from vantage.store.warehouse import connect_store

NOW = datetime.now(UTC)


def order(message_id: str, user: str, revenue: float, minutes_ago: float = 5) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "Order Completed",
        "messageId": message_id,
        "userId": user,
        "properties": {"revenue": revenue},
        "timestamp": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
    }


def ingest(ctx: ServiceContext, messages: list[dict[str, Any]]) -> None:
    ctx.log.append([ctx.ingestor.prepare("web", messages, correct_skew=False)])


@pytest.fixture
def ctx(home: Path) -> ServiceContext:
    ctx = ServiceContext()
    ctx.workspace.init()
    ingest(
        ctx, [order("o1", "u1", 10.0, 60), order("o2", "u2", 30.0, 60), order("o3", "u2", 5.0, 50)]
    )
    compact_and_sync(ctx)
    identity_service.refresh(ctx)
    return ctx


def test_an_event_moves_its_customer_into_a_realtime_segment(ctx: ServiceContext) -> None:
    spec = load_spec(
        {
            "name": "frequent",
            "realtime": True,
            "where": {"trait": "orders_30d", "op": ">=", "value": 2},
        }
    )
    assert segments.create_segment(ctx, spec)["size"] == 1
    live = LiveProfiles(ctx.settings)
    bus = RealtimeBus()
    seen: list[MembershipChange] = []
    bus.subscribe_membership(seen.extend)
    listener = RealtimeSegments(ctx.settings, live, bus)
    live.add_listener(listener)
    live.load()
    live.poll()
    ingest(ctx, [order("o4", "u1", 12.0)])
    assert live.poll() == 1
    assert listener.wait_idle()
    assert len(seen) == 1
    change = seen[0]
    assert change.segment == "frequent" and change.entered and change.event == "Segment Entered"
    assert change.as_dict()["customer_id"] == change.customer_id
    assert segments.segments_of(ctx, change.customer_id) == ["frequent"]
    history = segments.membership_history(ctx, "frequent")
    assert history[0]["source"] == "realtime" and history[0]["customer_id"] == change.customer_id
    # Nothing changes for an event that keeps the customer inside.
    ingest(ctx, [order("o5", "u1", 1.0)])
    live.poll()
    assert listener.wait_idle()
    assert len(seen) == 1
    # Batch evaluation after the sync agrees with what real time recorded.
    compact_and_sync(ctx)
    assert segments.evaluate_all(ctx)["frequent"] == {"size": 2, "entered": 0, "exited": 0}


def test_only_realtime_segments_are_evaluated_live(ctx: ServiceContext) -> None:
    batch = load_spec({"name": "buyers", "where": {"event": "Order Completed"}})
    segments.create_segment(ctx, batch)
    with pytest.raises(SegmentSpecError, match="'buyers' cannot be evaluated in real time"):
        segments.create_segment(ctx, batch.model_copy(update={"realtime": True}), replace=True)
    listener = RealtimeSegments(ctx.settings, states=lambda _store, _customers, _needs: {})
    assert listener.process([]) == []
    from vantage.services.live import LiveEvent

    assert listener.process([LiveEvent("c", 1, 0.0, {})]) == []
    with pytest.raises(ValueError, match="live view or a state reader"):
        RealtimeSegments(ctx.settings)


LIVE_LEAVES = [
    ("orders", [0, 1, 2, 3]),
    ("orders_30d", [0, 1, 2]),
    ("revenue", [20.0, 60.0]),
    ("revenue_90d", [10.0, 40.0]),
    ("days_since_last_order", [0, 5, 40]),
    ("events_total", [1, 3]),
]


@st.composite
def conditions(draw: st.DrawFn, depth: int = 2) -> dict[str, Any]:
    pick = draw(st.integers(0, 4 if depth else 1))
    if pick <= 1:
        name, values = draw(st.sampled_from(LIVE_LEAVES))
        op = draw(st.sampled_from(["=", "!=", ">", ">=", "<", "<="]))
        return {"trait": name, "op": op, "value": draw(st.sampled_from(values))}
    if pick == 2:
        return {"not": draw(conditions(depth - 1))}
    key = "all" if pick == 3 else "any"
    return {key: [draw(conditions(depth - 1)), draw(conditions(depth - 1))]}


streams = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from(["Order Completed", "Product Viewed"]),
        st.floats(0, 80),
        st.floats(1, 100).map(lambda r: round(r, 2)),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.slow
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=streams, where=conditions())
def test_batch_and_realtime_agree_on_random_event_streams(
    events: list[tuple[int, str, float, float]], where: dict[str, Any]
) -> None:
    store = connect_store("duckdb://:memory:")
    migrate(store)
    rows = []
    for seq, (user, name, days_ago, revenue) in enumerate(events, start=1):
        ts = NOW - timedelta(days=days_ago)
        message = {
            "type": "track",
            "event": name,
            "userId": f"u{user}",
            "properties": {"revenue": revenue},
        }
        rows.append(
            {
                "seq": seq,
                "message_id": f"m{seq}",
                "source": "web",
                "type": "track",
                "event": name,
                "user_id": f"u{user}",
                "anonymous_id": None,
                "timestamp": ts,
                "received_at": ts,
                "payload": json.dumps(message),
            }
        )
    store.append("events", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
    store.append(
        "identity_map",
        pd.DataFrame(
            {
                "id_type": "user_id",
                "id_value": [f"u{i}" for i in range(4)],
                "customer_id": [f"c{i}" for i in range(4)],
                "since": NOW - timedelta(days=100),
                "reason": "test",
            }
        ),
    )
    spec = load_spec({"name": "s", "realtime": True, "where": where})
    catalog = Catalog.from_traits(DEFAULT_TRAITS)
    batch = segments.member_ids(store, spec, as_of=NOW, traits=DEFAULT_TRAITS, catalog=catalog)
    # Real time evaluates each customer's traits in Python from their events (as a profile
    # read does), the batch with Ibis in the warehouse.
    live = set()
    for i in range(4):
        mine = [
            CustomerEvent.from_row(r["seq"], r["timestamp"], r["type"], r["event"], r["payload"])
            for r in rows
            if r["user_id"] == f"u{i}"
        ]
        state = CustomerState(traits=evaluate_traits(DEFAULT_TRAITS, mine, NOW))
        if matches(spec.where, state, catalog):
            live.add(f"c{i}")
    store.close()
    assert batch == live


def test_bus_delivers_to_every_subscriber_even_after_one_fails(ctx: ServiceContext) -> None:
    from vantage.services.live import LiveEvent
    from vantage.services.realtime_bus import bus_for

    live = LiveProfiles(ctx.settings)
    bus = bus_for(live)
    assert bus_for(live) is bus
    got: list[object] = []

    def broken(_items: list[object]) -> None:
        raise RuntimeError("subscriber bug")

    bus.subscribe_events(broken)
    bus.subscribe_events(got.extend)
    bus.subscribe_membership(broken)
    bus.subscribe_membership(got.extend)
    event = LiveEvent("c1", 7, 0.0, {"type": "track"})
    bus.publish_events([event])
    change = MembershipChange("c1", "vip", False, NOW)
    bus.publish_membership([change])
    bus.publish_membership([])
    assert got == [event, change]
    assert change.event == "Segment Exited"


def test_customers_are_retried_when_the_warehouse_is_busy(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vantage.core.errors import StoreError
    from vantage.services import segments_realtime

    monkeypatch.setattr(segments_realtime, "_RETRY_S", 0.01)
    listener = RealtimeSegments(ctx.settings, LiveProfiles(ctx.settings), RealtimeBus())
    done: list[list[str]] = []
    failures = [StoreError("The warehouse stayed busy for 5 s.", "Retry later.")]

    def process(customers: list[str]) -> None:
        if failures:
            raise failures.pop()
        done.append(customers)

    monkeypatch.setattr(listener, "process_customers", process)
    listener([LiveEvent("c1", 1, 0.0, {})])
    assert listener.wait_idle()
    assert done == [["c1"]]
