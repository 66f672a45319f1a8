from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vantage.solutions.forecast import LightGBMModel, LSTMModel, StatsModel, make_model
from vantage.solutions.forecast.catalog import make_models
from vantage.solutions.forecast.data import ForecastError, validate_long
from vantage.solutions.forecast.metrics import mase, naive_scale


def _holdout_mase(model, df: pd.DataFrame, freq: str, h: int) -> float:  # type: ignore[no-untyped-def]
    data = validate_long(df, freq)
    train = data.groupby("unique_id").head(len(data) // data["unique_id"].nunique() - h)
    test = data.groupby("unique_id").tail(h)
    out = model.forecast(train, h, freq).merge(test, on=["unique_id", "ds"])
    assert len(out) == h * data["unique_id"].nunique()
    scale = out["unique_id"].map(train.groupby("unique_id")["y"].apply(naive_scale))
    return mase(out["y"], out["yhat"], scale.to_numpy())


@pytest.mark.parametrize("kind", ["seasonal_naive", "ets", "arima", "theta", "mstl"])
def test_statistical_models_beat_the_random_walk_on_seasonal_data(
    kind: str, sales: pd.DataFrame
) -> None:
    naive = _holdout_mase(StatsModel("naive"), sales, "D", 14)
    model = _holdout_mase(StatsModel(kind, (7,) if kind == "mstl" else 7), sales, "D", 14)
    assert model < 0.8 * naive


def test_lightgbm_learns_the_weekly_pattern(sales: pd.DataFrame) -> None:
    naive = _holdout_mase(StatsModel("naive"), sales, "D", 14)
    model = _holdout_mase(LightGBMModel(season_length=7, n_estimators=100), sales, "D", 14)
    assert model < 0.8 * naive


@pytest.mark.slow
def test_lstm_learns_the_weekly_pattern(sales: pd.DataFrame) -> None:
    naive = _holdout_mase(StatsModel("naive"), sales, "D", 7)
    lstm = LSTMModel(window=14, epochs=20, max_windows=256, learning_rate=1e-2)
    assert _holdout_mase(lstm, sales, "D", 7) < 0.8 * naive


def test_lstm_is_deterministic(sales: pd.DataFrame) -> None:
    data = validate_long(sales, "D")
    a = LSTMModel(window=7, epochs=2, max_windows=64).forecast(data, 3, "D")
    b = LSTMModel(window=7, epochs=2, max_windows=64).forecast(data, 3, "D")
    np.testing.assert_allclose(a["yhat"], b["yhat"])


def test_catalog_always_includes_the_random_walk() -> None:
    names = [m.name for m in make_models(["ets"], "B")]
    assert names == ["RandomWalk", "AutoETS"]
    assert len(make_models(None, "D")) == 9
    assert make_model("mstl", "B").season_length == (5, 252)
    assert make_model("arima", "MS", season_length=4).season_length == 4
    with pytest.raises(ForecastError, match="Unknown statistical model"):
        StatsModel("sarimax")


def test_mstl_without_enough_history_falls_back(make_walk) -> None:  # type: ignore[no-untyped-def]
    data = validate_long(make_walk(n=40, n_series=1), "B")
    out = StatsModel("mstl", (5, 252)).forecast(data, 5, "B")
    assert out["yhat"].notna().all() and len(out) == 5
