"""The demo's assistant step: trains on the shipped intents and answers a store question."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.services import assistant_demo
from vantage.services.assistant import load_assistant
from vantage.services.assistant_demo import demo_assistant_step
from vantage.services.context import ServiceContext
from vantage.services.demo import DemoRun


def test_assistant_step_trains_and_answers(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assistant_demo, "DEMO_ENCODER", None)  # MiniLM: minutes on a busy CPU
    ctx = ServiceContext()
    ctx.workspace.init()
    run = DemoRun(ctx=ctx, customers=0, seed=1, api_url=None, out_dir=tmp_path / "out")
    summary = demo_assistant_step(run)
    facts = run.facts["assistant"]
    assert facts["intent"] == "store_hours"
    assert 0.5 < facts["in_scope_accuracy"] <= 1.0
    assert "-> store_hours" in summary
    assert load_assistant(ctx.settings) is not None
