"""``vantage demo`` end to end through the real script, with no server running."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vantage.core.settings import Settings
from vantage.services.warehouse import open_warehouse

from .cli_process import vantage

DEMO_STEPS = [
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


@pytest.mark.slow
def test_demo_builds_a_workspace_through_the_real_write_paths(home: Path) -> None:
    done = vantage(home, "demo", "--customers", "200", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)

    assert [step["name"] for step in report["steps"]] == DEMO_STEPS
    assert all(step["summary"] and step["seconds"] >= 0 for step in report["steps"])
    assert report["customers"] == 200
    assert report["events_failed"] == 0
    assert report["api_events"] > 0
    assert "over HTTP" in report["steps"][2]["summary"]
    per_source = report["events_per_source"]
    assert {"web", "crm", "pos"} <= set(per_source)
    assert all(n > 0 for n in per_source.values())
    stored = report["events_stored"]
    assert stored > 0 and sum(per_source.values()) == stored

    count = vantage(home, "events", "count", "--json")
    assert json.loads(count.stdout) == {"stored": stored, "failed": 0}
    with open_warehouse(Settings(home=home)) as store:
        assert store.scalar(store.table("events").count()) == stored
        assert {"campaign_spend", "store_footfall"} <= set(store.list_tables())

    truth = home.parent / "vantage-home-demo-input" / "truth"
    workspace = home.parent / "vantage-home-demo-input" / "workspace"
    assert truth.is_dir() and any(truth.iterdir())
    files = [p for p in workspace.rglob("*") if p.is_file()]
    assert files
    for path in files:
        text = path.read_text(errors="replace")
        assert str(truth) not in text and "truth/" not in text, f"{path} points at the truth"
