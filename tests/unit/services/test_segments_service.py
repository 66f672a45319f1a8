"""Segments as a use case: save, preview, members (paged, exported), batch evaluation, history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pyarrow as pa
import pytest

from vantage.segments.builder import consent, event, prediction, segment, trait
from vantage.segments.lookalike import LookalikeModel
from vantage.segments.spec import load_spec
from vantage.services import segments
from vantage.services.context import ServiceContext
from vantage.services.models import write_predictions
from vantage.services.segments_demo import demo_segments_step, example_specs
from vantage.services.segments_lookalike import LookalikeError, lookalike
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features.sample import load_sample_shop
from vantage.store.compaction import EVENT_SCHEMA

AS_OF = datetime(2025, 6, 30, tzinfo=UTC)


@pytest.fixture
def ctx(home: Path) -> ServiceContext:
    context = ServiceContext()
    context.workspace.init()
    with open_warehouse(context.settings) as store:
        load_sample_shop(store, customers=80, seed=1)
        scores = pd.DataFrame(
            {"customer_id": [f"c{i}" for i in range(96)], "score": [i / 96 for i in range(96)]}
        )
        write_predictions(store, scores, model="propensity_30d", version="v1")
    return context


def test_create_preview_list_members_and_history(ctx: ServiceContext, tmp_path: Path) -> None:
    repeat = (trait("orders") >= 3).to_spec("repeat_buyers", description="3+ orders", realtime=True)
    preview = segments.preview(ctx, repeat, sample=5)
    assert (
        preview.size > 5 and len(preview.sample) == 5 and preview.sample == sorted(preview.sample)
    )
    assert segments.list_segments(ctx) == []
    saved = segments.create_segment(ctx, repeat)
    assert saved["size"] == preview.size == saved["entered"] and saved["realtime"]
    assert saved["definition"]["where"] == {"trait": "orders", "op": ">=", "value": 3}
    listed = segments.list_segments(ctx)
    assert [(s["name"], s["size"]) for s in listed] == [("repeat_buyers", preview.size)]
    first = segments.members(ctx, "repeat_buyers", page=1, page_size=4)
    second = segments.members(ctx, "repeat_buyers", page=2, page_size=4)
    assert first["total"] == preview.size and len(first["members"]) == 4
    ids = [m["customer_id"] for m in first["members"] + second["members"]]
    assert ids == sorted(ids) and len(set(ids)) == 8
    out = tmp_path / "members.csv"
    assert segments.export_members(ctx, "repeat_buyers", out) == preview.size
    assert len(pd.read_csv(out)) == preview.size
    history = segments.membership_history(ctx, "repeat_buyers")
    assert len(history) == preview.size
    assert {h["event"] for h in history} == {"Segment Entered"}
    assert (
        history[0]["properties"] == {"segment": "repeat_buyers"} and history[0]["source"] == "batch"
    )
    member = first["members"][0]["customer_id"]
    assert segments.segments_of(ctx, member) == ["repeat_buyers"]
    described = segments.get_segment(ctx, "repeat_buyers")
    assert described["size"] == preview.size and described["realtime_blockers"] == []


def test_evaluate_all_records_entries_and_exits(ctx: ServiceContext) -> None:
    recent = (event("Order Completed").count(within="60d") >= 1).to_spec("recent")
    segments.create_segment(ctx, recent, as_of=AS_OF)
    others = (~segment("recent") & (prediction("propensity_30d") > 0.5)).to_spec("win_back")
    segments.create_segment(ctx, others, as_of=AS_OF)
    described = segments.get_segment(ctx, "recent")
    before = described["size"]
    assert "where counts events" in described["realtime_blockers"][0]
    later = segments.evaluate_all(ctx, as_of=AS_OF + timedelta(days=45))
    assert later["recent"]["exited"] > 0 and later["recent"]["entered"] == 0
    assert later["recent"]["size"] == before - later["recent"]["exited"]
    assert later["win_back"]["entered"] > 0
    history = segments.membership_history(ctx, "recent")
    assert {h["event"] for h in history} == {"Segment Entered", "Segment Exited"}
    assert history[0]["event"] == "Segment Exited"
    again = segments.evaluate_all(ctx, as_of=AS_OF + timedelta(days=45))
    assert again["recent"] == {"size": later["recent"]["size"], "entered": 0, "exited": 0}


def test_errors_are_clear(ctx: ServiceContext) -> None:
    spec = (trait("orders") >= 1).to_spec("buyers")
    segments.create_segment(ctx, spec)
    with pytest.raises(
        segments.SegmentSpecError, match="A segment named 'buyers' already exists"
    ) as info:
        segments.create_segment(ctx, spec)
    assert "replace" in (info.value.fix or "")
    assert segments.create_segment(ctx, spec, replace=True)["entered"] == 0
    with pytest.raises(segments.SegmentNotFoundError, match="No segment named 'buyer'"):
        segments.members(ctx, "buyer")
    with pytest.raises(segments.SegmentSpecError, match="page must be >= 1"):
        segments.members(ctx, "buyers", page=0)
    with pytest.raises(segments.SegmentSpecError, match=r"where\.trait: unknown trait 'order'"):
        segments.preview(ctx, (trait("order") >= 1).to_spec("x"))
    with pytest.raises(segments.SegmentSpecError, match="unknown purpose 'email'"):
        segments.preview(ctx, consent("email").to_spec("x"))
    loop = segment("buyers").to_spec("loop")
    segments.create_segment(ctx, loop)
    with pytest.raises(segments.SegmentSpecError, match="cycle: buyers -> loop -> buyers"):
        segments.create_segment(ctx, segment("loop").to_spec("buyers"), replace=True)


def test_lookalike_saves_a_segment_of_the_closest_non_members(ctx: ServiceContext) -> None:
    segments.create_segment(ctx, (trait("orders") >= 4).to_spec("loyal"), as_of=AS_OF)
    found = lookalike(ctx, "loyal", top=10, as_of=AS_OF, model=LookalikeModel(n_estimators=20))
    assert found["segment"] == "loyal_lookalike" and found["size"] == 10
    assert 0.5 < found["auc"] <= 1.0 and found["baseline_feature"]
    loyal = {m["customer_id"] for m in segments.members(ctx, "loyal")["members"]}
    alike = {m["customer_id"] for m in segments.members(ctx, "loyal_lookalike")["members"]}
    assert len(alike) == 10 and not alike & loyal
    with pytest.raises(
        LookalikeError, match="No segment named 'vip' to use as the look-alike seed"
    ):
        lookalike(ctx, "vip")


def test_demo_step_creates_the_example_segments(ctx: ServiceContext) -> None:
    specs = example_specs()
    assert any(s.realtime for s in specs) and len(specs) == 5
    with open_warehouse(ctx.settings) as store:
        last = int(store.scalar(store.table("events").seq.max()))
        rows = [
            {
                "seq": last + i,
                "message_id": f"crm-{i}",
                "source": "crm",
                "type": "identify",
                "event": None,
                "user_id": f"u{i}",
                "anonymous_id": None,
                "timestamp": AS_OF,
                "received_at": AS_OF,
                "payload": json.dumps({"traits": {"preferred_store": "S01" if i < 6 else "S05"}}),
            }
            for i in range(1, 10)
        ]
        store.append("events", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
    run = SimpleNamespace(ctx=ctx, facts={})
    summary = demo_segments_step(run)
    assert set(run.facts["segments"]) == {s.name for s in specs}
    (store_spec,) = [s for s in specs if s.name == "store_regulars_emailable"]
    regulars = segments.preview(ctx, load_spec({"name": "s", "where": store_spec.where}))
    assert run.facts["segments"]["store_regulars_emailable"] == regulars.size
    london = load_spec({"name": "s", "where": {"profile": "preferred_store", "value": "S01"}})
    assert segments.preview(ctx, london, sample=9).sample == [f"c{i}" for i in range(1, 6)]
    assert "frequent_buyers" in summary
    assert {s["name"] for s in segments.list_segments(ctx)} == {s.name for s in specs}
