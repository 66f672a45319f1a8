"""``vantage forecast`` from the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from vantage.cli.main import app

from .cli_process import ok_json, vantage

runner = CliRunner()


def _sales(path: Path, n: int = 90) -> Path:
    rng = np.random.default_rng(0)
    ds = pd.date_range("2025-01-01", periods=n)
    pattern = np.array([5, 6, 7, 8, 15, 20, 9.0])
    frame = pd.DataFrame({"store": "A", "date": ds, "sales": rng.poisson(pattern[ds.dayofweek])})
    frame.to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_forecast_subprocess_end_to_end(home: Path) -> None:
    data = _sales(home.parent / "sales.csv")
    out = home.parent / "forecast.csv"
    report = ok_json(
        home,
        "forecast",
        str(data),
        "--freq",
        "D",
        "--horizon",
        "7",
        "--models",
        "naive,seasonal_naive",
        "--origins",
        "3",
        "--output",
        str(out),
        "--id-col",
        "store",
        "--time-col",
        "date",
        "--target-col",
        "sales",
    )
    assert report["selection"]["h7"] == "SeasonalNaive"
    written = pd.read_csv(out)
    assert len(written) == 7 and written["unique_id"].eq("A").all()
    assert {"lo_80", "hi_80", "lo_95", "hi_95"} <= set(written.columns)


@pytest.mark.slow
def test_forecast_table_business_days_and_charts(tmp_path: Path, home: Path) -> None:
    rng = np.random.default_rng(1)
    ds = pd.bdate_range("2025-01-01", periods=80)
    path = tmp_path / "gas.csv"
    pd.DataFrame({"ds": ds, "y": 3 + np.cumsum(rng.normal(0, 0.1, 80))}).to_csv(path, index=False)
    result = runner.invoke(
        app,
        [
            "forecast",
            str(path),
            "--freq",
            "B",
            "--horizons",
            "1d=1,1w=5",
            "--models",
            "naive,drift",
            "--origins",
            "3",
            "--charts",
            str(tmp_path / "charts"),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Leaderboard" in result.output and "RandomWalk" in result.output
    assert "Purchase view" in result.output
    assert (tmp_path / "charts" / "forecast.png").is_file()


@pytest.mark.slow
def test_forecast_errors(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "bad.csv"
    pd.DataFrame({"date": ["2025-01-01"], "y": [1]}).to_csv(path, index=False)
    done = vantage(home, "forecast", str(path), "--freq", "D")
    assert done.returncode == 1
    assert "Column 'ds' is missing" in done.stderr
    no_input = runner.invoke(app, ["forecast"])
    assert no_input.exit_code == 1 and "No input given" in no_input.output
    bad = runner.invoke(app, ["forecast", str(path), "--horizons", "1w"])
    assert bad.exit_code == 1 and "not LABEL=STEPS" in bad.output
    unknown = runner.invoke(app, ["forecast", "--dataset", "brent"])
    assert unknown.exit_code == 1 and "Unknown --dataset 'brent'" in unknown.output


def test_help_explains() -> None:
    result = runner.invoke(app, ["forecast", "--help"])
    assert result.exit_code == 0
    assert "random walk" in result.output and "--horizon" in result.output
