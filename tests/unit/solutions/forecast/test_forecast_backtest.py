from __future__ import annotations

import pandas as pd
import pytest

from vantage.solutions.forecast.backtest import backtest, plan_cutoffs
from vantage.solutions.forecast.data import ForecastError, validate_long
from vantage.solutions.forecast.models import ForecastModel, StatsModel


class Broken(ForecastModel):
    name = "Broken"

    def forecast(self, train, h, freq, future_x=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")


class LastValueSpy(ForecastModel):
    """Records the training ends it saw, and forecasts the last value."""

    name = "Spy"

    def __init__(self) -> None:
        self.seen: list[pd.Timestamp] = []

    def forecast(self, train, h, freq, future_x=None):  # type: ignore[no-untyped-def]
        self.seen.append(train["ds"].max())
        return StatsModel("naive").forecast(train, h, freq)


def test_cutoffs_share_one_grid_and_leave_room() -> None:
    dates = pd.date_range("2025-01-01", periods=100)
    plan = plan_cutoffs(dates, {"a": 1, "b": 10}, n_origins=3, step=5)
    assert plan["a"] == [dates[88], dates[93], dates[98]]
    assert plan["b"] == [dates[78], dates[83], dates[88]]
    assert all(dates.get_loc(c) + 10 <= 99 for c in plan["b"])


def test_too_short_history() -> None:
    with pytest.raises(ForecastError, match="too short to backtest horizon 'long'"):
        plan_cutoffs(pd.date_range("2025-01-01", periods=10), {"long": 20}, 2, 1)


def test_no_look_ahead_and_naive_errors(walk: pd.DataFrame) -> None:
    data = validate_long(walk, "B")
    spy = LastValueSpy()
    bt = backtest(data, [StatsModel("naive"), spy], "B", {"1": 1, "5": 5}, n_origins=3)
    assert sorted(set(spy.seen)) == sorted({c for cs in bt.cutoffs.values() for c in cs})
    naive = bt.predictions[bt.predictions["model"] == "RandomWalk"]
    assert (naive["ds"] > naive["cutoff"]).all()
    last = data.set_index(["unique_id", "ds"])["y"]
    expected = [last[(u, c)] for u, c in zip(naive["unique_id"], naive["cutoff"], strict=True)]
    assert naive["yhat"].tolist() == pytest.approx(expected)
    assert bt.predictions.groupby(["model", "cutoff", "unique_id"])["step"].max().max() == 5


def test_failing_model_is_reported_not_fatal(walk: pd.DataFrame) -> None:
    data = validate_long(walk, "B")
    bt = backtest(data, [StatsModel("naive"), Broken()], "B", {"1": 1}, n_origins=2)
    assert bt.failures == {"Broken": "RuntimeError: boom"}
    assert set(bt.predictions["model"]) == {"RandomWalk"}
    with pytest.raises(ForecastError, match="Every model failed"):
        backtest(data, [Broken()], "B", {"1": 1}, n_origins=2)
