"""``vantage train``, ``vantage score`` and ``vantage models list|show``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vantage.cli.main import app
from vantage.core.settings import Settings
from vantage.services.models import save_model
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features.sample import load_sample_shop

from .cli_process import ok_json

runner = CliRunner()


def _toy_card() -> dict[str, object]:
    return {
        "name": "clv_90d",
        "version": "20250101T000000000000Z",
        "solution": "clv",
        "trained_at": "2025-01-01T00:00:00+00:00",
        "as_of": "2024-12-31T00:00:00+00:00",
        "metric_names": ["mae_spend"],
        "metrics": {"naive": {"mae_spend": 30.0}, "lightgbm": {"mae_spend": 20.0}},
        "params": {"best": "lightgbm"},
    }


def test_models_list_and_show_from_the_real_script(home: Path) -> None:
    save_model(Settings(home=home), _toy_card(), {"toy": True}, track=False)
    listed = ok_json(home, "models", "list")
    assert [(m["name"], m["solution"]) for m in listed] == [("clv_90d", "clv")]
    shown = runner.invoke(app, ["models", "show", "clv_90d"])
    assert shown.exit_code == 0 and "| lightgbm | 20 |" in shown.stdout
    table = runner.invoke(app, ["models", "list"])
    assert "mae_spend 20" in table.stdout


def test_score_without_a_model_and_unknown_solution_explain_the_fix(home: Path) -> None:
    done = runner.invoke(app, ["score", "clv"])
    assert done.exit_code == 1 and "vantage train" in done.stderr
    done = runner.invoke(app, ["train", "magic"])
    assert done.exit_code == 1 and "Unknown solution 'magic'" in done.stderr
    done = runner.invoke(app, ["models", "explain", "c1"])
    assert done.exit_code == 1 and "No trained model 'propensity_30d'" in done.stderr


@pytest.mark.slow
def test_train_and_score_on_a_workspace(home: Path) -> None:
    with open_warehouse(Settings(home=home)) as store:
        load_sample_shop(store, 120, seed=6)
    done = runner.invoke(app, ["train", "clv", "--no-tracking"])
    assert done.exit_code == 0, done.stderr
    assert "bgnbd" in done.stdout and "naive" in done.stdout and "card.md" in done.stdout
    done = runner.invoke(app, ["score", "clv", "--json"])
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout) == {"clv_90d": 120, "churn_risk": 120}
