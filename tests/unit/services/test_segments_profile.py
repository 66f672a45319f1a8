"""Segments on profile traits from identify calls: refresh, checks, batch = real time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from vantage.segments.builder import profile
from vantage.segments.evaluate import CustomerState, matches
from vantage.segments.spec import SegmentSpecError, load_spec
from vantage.services import segments
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync, maintain
from vantage.services.segments_profile import profile_types, profile_values, refresh_traits
from vantage.services.segments_realtime import RealtimeSegments
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features.sample import load_sample_shop
from vantage.store.compaction import EVENT_SCHEMA

T0 = datetime(2025, 6, 1, tzinfo=UTC)
CITIES = ["Leeds", "York", "Leeds'; DROP TABLE events; --", "London"]


def identify_rows(first_seq: int, traits: dict[str, dict[str, Any]]) -> pa.Table:
    """Identify calls (warehouse ``events`` rows) of users ``u<i>``, one per user."""
    rows = []
    for n, (user, values) in enumerate(traits.items()):
        seq = first_seq + n
        ts = T0 + timedelta(minutes=seq)
        rows.append(
            {
                "seq": seq,
                "message_id": f"identify-{seq}",
                "source": "crm",
                "type": "identify",
                "event": None,
                "user_id": user,
                "anonymous_id": None,
                "timestamp": ts,
                "received_at": ts,
                "payload": json.dumps({"type": "identify", "userId": user, "traits": values}),
            }
        )
    return pa.Table.from_pylist(rows, schema=EVENT_SCHEMA)


@pytest.fixture
def ctx(home: Path) -> ServiceContext:
    context = ServiceContext()
    context.workspace.init()
    with open_warehouse(context.settings) as store:
        events = load_sample_shop(store, customers=40, seed=3)
        traits = {
            f"u{i}": {
                "city": CITIES[i % 4],
                "vip": i % 3 == 0,
                "loyalty_points": i * 10,
                "preferred_store": "S01" if i % 2 else "S07",
                "tags": ["vip"] if i % 5 == 0 else None,
            }
            for i in range(20)
        }
        store.append("events", identify_rows(events + 1, traits))
    refresh_traits(context)
    return context


def test_profile_traits_are_typed_and_usable_in_segments(ctx: ServiceContext) -> None:
    with open_warehouse(ctx.settings) as store:
        assert profile_types(store) == {
            "city": "text",
            "vip": "boolean",
            "loyalty_points": "number",
            "preferred_store": "text",
            "tags": "text",  # lists and nulls only
        }
    tagged = segments.preview(ctx, profile("tags").exists().to_spec("tagged"), sample=9)
    assert tagged.sample == ["c0", "c10", "c15", "c5"]
    leeds = segments.preview(ctx, (profile("city") == "Leeds").to_spec("leeds"), sample=50)
    assert leeds.sample == sorted(f"c{i}" for i in range(0, 20, 4))
    vip_rich = ((profile("vip") == True) & (profile("loyalty_points") >= 100)).to_spec("v")  # noqa: E712
    assert segments.preview(ctx, vip_rich, sample=50).sample == ["c12", "c15", "c18"]
    unknown = (~profile("city").exists()).to_spec("no_city")
    assert segments.preview(ctx, unknown).size == 48 - 20  # 40 customers + 8 browsers


def test_injection_attempts_match_literally_or_are_refused(ctx: ServiceContext) -> None:
    quoted = (profile("city") == CITIES[2]).to_spec("quoted")
    assert segments.preview(ctx, quoted, sample=50).sample == sorted(
        f"c{i}" for i in range(2, 20, 4)
    )
    hostile = load_spec(
        {"name": "x", "where": {"profile": "city; DROP TABLE events", "op": "exists"}}
    )
    with pytest.raises(SegmentSpecError, match="unknown profile trait 'city; DROP TABLE events'"):
        segments.preview(ctx, hostile)
    with open_warehouse(ctx.settings) as store:
        assert store.has_table("events")


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (
            {"profile": "citty", "op": "=", "value": "Leeds"},
            r"where.profile: unknown profile trait 'citty'; did you mean 'city'\?",
        ),
        (
            {"all": [{"consent": "email_marketing"}, {"profile": "city", "value": 3}]},
            r"where.all\[1\].value: profile trait 'city' is a text, but the value 3 is not.",
        ),
        (
            {"profile": "loyalty_points", "op": ">", "value": "lots"},
            r"where.value: profile trait 'loyalty_points' is a number, but the value 'lots'",
        ),
        (
            {"profile": "vip", "op": "=", "value": 1},
            r"where.value: profile trait 'vip' is a boolean, but the value 1 is not.",
        ),
        (
            {"profile": "vip", "op": ">", "value": True},
            r"where.op: '>' does not apply to 'vip', a true/false trait.",
        ),
        (
            {"profile": "loyalty_points", "op": "contains", "value": "1"},
            r"where.op: 'contains' needs a text profile trait, but 'loyalty_points' is a number.",
        ),
    ],
)
def test_unknown_names_and_type_mismatches_name_the_path(
    ctx: ServiceContext, where: dict[str, Any], message: str
) -> None:
    with pytest.raises(SegmentSpecError, match=message):
        segments.preview(ctx, load_spec({"name": "bad", "where": where}))


def test_realtime_evaluation_reads_the_same_values_as_batch(ctx: ServiceContext) -> None:
    spec = load_spec(
        {
            "name": "leeds_or_points",
            "realtime": True,
            "where": {
                "any": [
                    {"profile": "city", "op": "in", "value": ["Leeds", "York"]},
                    {"not": {"profile": "loyalty_points", "op": "<", "value": 150}},
                    {
                        "all": [
                            {"profile": "tags", "op": "exists"},
                            {"profile": "vip", "value": True},
                        ]
                    },
                ]
            },
        }
    )
    saved = segments.create_segment(ctx, spec)
    batch = {m["customer_id"] for m in segments.members(ctx, spec.name)["members"]}
    assert saved["size"] == len(batch) > 0
    with open_warehouse(ctx.settings) as store:
        catalog = segments.build_catalog(store)
        customers = [f"c{i}" for i in range(48)]
        values = profile_values(store, customers)
    live = {
        c
        for c in customers
        if matches(spec.where, CustomerState(profile=values.get(c, {})), catalog)
    }
    assert live == batch


def test_the_background_sync_refreshes_the_profile_traits(home: Path) -> None:
    context = ServiceContext()
    context.workspace.init()
    message = {
        "type": "identify",
        "messageId": "late-1",
        "userId": "ann",
        "traits": {"city": "York", "plan": "pro"},
        "timestamp": datetime.now(UTC).isoformat(),
    }
    context.log.append([context.ingestor.prepare("web", [message], correct_skew=False)])
    result = maintain(str(home))
    assert result["profile_traits"]["rows"] == 2
    assert compact_and_sync(context)["profile_traits"]["events"] == 0  # nothing new to read
    with open_warehouse(context.settings) as store:
        (customer,) = store.execute(store.table("identity_map"))["customer_id"].unique()
        assert profile_values(store, [customer]) == {customer: {"city": "York", "plan": "pro"}}


def test_the_realtime_listener_reads_profile_traits(ctx: ServiceContext) -> None:
    spec = load_spec(
        {"name": "leeds", "realtime": True, "where": {"profile": "city", "value": "Leeds"}}
    )
    segments.create_segment(ctx, spec)
    assert segments.segments_of(ctx, "c1") == []  # York until the next identify call
    with open_warehouse(ctx.settings) as store:
        last = int(store.scalar(store.table("events").seq.max()))
        store.append("events", identify_rows(last + 1, {"u1": {"city": "Leeds"}}))
    refresh_traits(ctx)
    asked: list[frozenset[str]] = []

    def states(store: Any, customers: Any, needs: frozenset[str]) -> dict[str, CustomerState]:
        asked.append(needs)
        values = profile_values(store, customers)
        return {c: CustomerState(profile=values.get(c, {})) for c in customers}

    listener = RealtimeSegments(ctx.settings, states=states)
    changes = listener.process_customers(["c1", "c2"])
    assert asked == [frozenset({"profile"})]
    assert [(c.customer_id, c.segment, c.entered) for c in changes] == [("c1", "leeds", True)]
    assert segments.segments_of(ctx, "c1") == ["leeds"]
