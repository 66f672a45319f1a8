"""``vantage segment create | preview | list | show | members | history | evaluate | lookalike``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from vantage.cli.main import app
from vantage.services.context import ServiceContext
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features.sample import load_sample_shop

runner = CliRunner()


def workspace(tmp_path: Path) -> Path:
    ctx = ServiceContext()
    ctx.workspace.init()
    with open_warehouse(ctx.settings) as store:
        load_sample_shop(store, customers=60)
    file = tmp_path / "repeat.yml"
    file.write_text(
        "name: repeat\ndescription: 3+ orders\nwhere: {trait: orders, op: '>=', value: 3}\n"
    )
    return file


@pytest.mark.slow
def test_segment_commands(home: Path, tmp_path: Path) -> None:
    file = workspace(tmp_path)
    preview = runner.invoke(app, ["segment", "preview", str(file), "--json"])
    assert preview.exit_code == 0, preview.output
    size = json.loads(preview.output)["size"]
    created = runner.invoke(app, ["segment", "create", str(file)])
    assert (
        created.exit_code == 0
        and f"Saved batch segment repeat: {size:,} members." in created.output
    )
    listed = runner.invoke(app, ["segment", "list"])
    assert "repeat" in listed.output and "3+ orders" in listed.output
    shown = json.loads(runner.invoke(app, ["segment", "show", "repeat"]).output)
    assert shown["size"] == size
    page = json.loads(
        runner.invoke(app, ["segment", "members", "repeat", "--page-size", "2", "--json"]).output
    )
    assert page["total"] == size and len(page["members"]) == 2
    out = tmp_path / "out.csv"
    exported = runner.invoke(app, ["segment", "members", "repeat", "--export", str(out)])
    assert exported.exit_code == 0 and len(pd.read_csv(out)) == size
    evaluated = json.loads(runner.invoke(app, ["segment", "evaluate", "--json"]).output)
    assert evaluated == {"repeat": {"size": size, "entered": 0, "exited": 0}}
    history = runner.invoke(app, ["segment", "history", "repeat"])
    assert "Segment Entered" in history.output
    alike = runner.invoke(app, ["segment", "lookalike", "repeat", "--top", "5", "--json"])
    assert alike.exit_code == 0, alike.output
    assert json.loads(alike.output)["size"] == 5


def test_errors_are_friendly(home: Path, tmp_path: Path) -> None:
    workspace(tmp_path)
    bad = tmp_path / "bad.yml"
    bad.write_text("name: bad\nwhere: {trait: order_30d, op: '>', value: 1}\n")
    result = runner.invoke(app, ["segment", "preview", str(bad)])
    assert result.exit_code == 1
    assert "unknown trait 'order_30d'; did you mean 'orders_30d'?" in result.output
    missing = runner.invoke(app, ["segment", "members", "nope"])
    assert missing.exit_code == 1 and "No segment named 'nope'" in missing.output
