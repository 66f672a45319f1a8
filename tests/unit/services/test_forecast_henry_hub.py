"""Henry Hub from the data mirror: the comparison runs end to end on the real series."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.services import forecast as service
from vantage.services.forecast_data import henry_hub
from vantage.solutions.forecast.data import ForecastError

pytestmark = pytest.mark.shared_data


def test_henry_hub_tables(data_mirror: Path) -> None:
    daily = henry_hub("daily", mirror=data_mirror)
    monthly = henry_hub("monthly", mirror=data_mirror)
    assert daily["ds"].min().year == 1997 and len(daily) > 7000
    assert (daily["ds"].dt.dayofweek < 5).all()
    assert len(monthly) > 340
    with pytest.raises(ForecastError, match="Unknown Henry Hub table 'weekly'"):
        henry_hub("weekly", mirror=data_mirror)


def test_monthly_comparison_and_purchase_view(data_mirror: Path) -> None:
    run = service.run_henry_hub(
        "monthly", models=["naive", "drift", "theta"], years=2, mirror=data_mirror
    )
    board = run.forecaster.leaderboard_
    assert set(board["horizon"]) == {"1m", "3m", "6m", "12m"}
    assert (board[board["model"] == "RandomWalk"]["rel_mase"] == 1.0).all()
    view = service.purchase_view(run, level=4.0)
    assert len(view) == 12 and view["p_above"].between(0, 1).all()
    assert (view["low"] < view["high"]).all()
