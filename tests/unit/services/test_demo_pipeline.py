"""The demo pipeline: step order, inserting steps, the report (no data generated here)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from vantage.core.settings import Settings
from vantage.services.context import ServiceContext
from vantage.services.demo import (
    DemoPipeline,
    DemoReport,
    DemoRun,
    DemoStep,
    default_pipeline,
    render,
    run_demo,
)


def recorder(name: str, seen: list[str]) -> DemoStep:
    def run(state: DemoRun) -> str:
        seen.append(name)
        state.facts.setdefault("order", []).append(name)
        return f"{name} done"

    return DemoStep(name, run)


def names(pipeline: DemoPipeline) -> list[str]:
    return [step.name for step in pipeline.steps]


def test_default_pipeline_runs_the_foundation_steps_in_order() -> None:
    assert names(default_pipeline()) == [
        "init",
        "generate",
        "collect-api",
        "import-files",
        "load-tables",
        "compact-sync",
        "identity",
        "texts",
        "models",
        "segments",
        "activate",
        "assistant",
        "summarise",
    ]


def test_add_appends_or_inserts_right_after_the_named_step() -> None:
    seen: list[str] = []
    pipeline = DemoPipeline([recorder("a", seen), recorder("c", seen)])
    assert pipeline.add(recorder("d", seen)) is pipeline
    pipeline.add(recorder("b", seen), after="a")
    pipeline.add(recorder("e", seen), after="d")
    pipeline.add(recorder("b2", seen), after="b")
    assert names(pipeline) == ["a", "b", "b2", "c", "d", "e"]


def test_add_after_an_unknown_step_names_the_existing_ones() -> None:
    pipeline = DemoPipeline([DemoStep("init", lambda _run: "ok")])
    with pytest.raises(ValueError, match=r"no demo step named 'segments'; steps are \['init'\]"):
        pipeline.add(DemoStep("x", lambda _run: "ok"), after="segments")
    assert names(pipeline) == ["init"]


def test_a_later_capability_adds_its_step_to_the_default_pipeline() -> None:
    pipeline = default_pipeline().add(DemoStep("loyalty", lambda _run: "ok"), after="identity")
    assert names(pipeline)[6:10] == ["identity", "loyalty", "texts", "models"]
    assert names(pipeline)[-1] == "summarise"


def test_run_demo_runs_steps_in_order_and_reports_each(home: Path) -> None:
    seen: list[str] = []
    notes: list[tuple[str, str]] = []
    pipeline = DemoPipeline([recorder("first", seen), recorder("second", seen)])
    pipeline.add(recorder("middle", seen), after="first")
    ctx = ServiceContext(Settings(home=home))
    report = run_demo(
        ctx, customers=10, seed=1, pipeline=pipeline, on_step=lambda n, m: notes.append((n, m))
    )
    assert seen == ["first", "middle", "second"]
    assert [name for name, _, _ in report.steps] == seen
    assert [n for n, m in notes if m == "..."] == seen
    finished = [(n, m) for n, m in notes if m != "..."]
    assert [n for n, _ in finished] == seen
    assert all(m.startswith(f"{n} done (") and m.endswith(" s)") for n, m in finished)
    data = report.as_dict()
    assert [s["name"] for s in data["steps"]] == seen
    assert all(s["summary"].endswith(" done") and s["seconds"] >= 0 for s in data["steps"])
    assert data["order"] == seen


def test_steps_share_one_run_state(home: Path) -> None:
    captured: list[DemoRun] = []

    def capture(state: DemoRun) -> str:
        captured.append(state)
        state.facts["customers"] = state.customers
        return "ok"

    report = run_demo(
        ServiceContext(Settings(home=home)),
        customers=123,
        seed=7,
        api_url="http://127.0.0.1:1",
        pipeline=DemoPipeline([DemoStep("capture", capture)]),
    )
    [state] = captured
    assert (state.customers, state.seed, state.api_url) == (123, 7, "http://127.0.0.1:1")
    assert state.out_dir == home.parent / "vantage-home-demo-input"
    assert set(state.timings) == {"capture"}
    assert report.facts == {"customers": 123}


def test_a_failing_step_stops_the_pipeline(home: Path) -> None:
    seen: list[str] = []

    def fail(_state: DemoRun) -> str:
        raise RuntimeError("step broke")

    pipeline = DemoPipeline([recorder("a", seen), DemoStep("bad", fail), recorder("c", seen)])
    with pytest.raises(RuntimeError, match="step broke"):
        run_demo(ServiceContext(Settings(home=home)), pipeline=pipeline)
    assert seen == ["a"]


def test_render_prints_sources_and_facts() -> None:
    report = DemoReport(
        steps=[("init", "created", 0.1)],
        facts={
            "events_per_source": {"web": 1500, "crm": 20},
            "customers": 200,
            "events_stored": 1520,
            "events_failed": 0,
            "tables": "stores (8 rows)",
        },
    )
    console = Console(record=True, width=120, file=io.StringIO())
    render(report, console)
    text = console.export_text()
    assert "Events stored per" in text and "Demo run" in text
    assert text.index("crm") < text.index("web")
    assert "1,500" in text and "1,520" in text
    assert "events stored" in text and "stores (8 rows)" in text
