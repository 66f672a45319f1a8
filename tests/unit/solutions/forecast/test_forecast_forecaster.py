from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vantage.solutions.forecast import Forecaster, ForecastError, ForecastModel, default_horizons
from vantage.solutions.forecast.data import future_dates

FAST = ["naive", "drift", "seasonal_naive", "mean"]


class Constant(ForecastModel):
    """A plug-in model: forecasts a constant."""

    def __init__(self, value: float = 0.0, name: str = "Constant") -> None:
        self.value = value
        self.name = name

    def forecast(self, train, h, freq, future_x=None):  # type: ignore[no-untyped-def]
        rows = [
            pd.DataFrame({"unique_id": u, "ds": future_dates(g["ds"].max(), h, freq)})
            for u, g in train.groupby("unique_id")
        ]
        return pd.concat(rows).assign(yhat=self.value)


def test_default_horizons() -> None:
    assert default_horizons(30) == {"h1": 1, "h8": 8, "h30": 30}
    assert default_horizons(1) == {"h1": 1}


def test_fit_chooses_per_horizon_and_forecasts(sales: pd.DataFrame) -> None:
    fc = Forecaster("D", {"1d": 1, "1w": 7}, models=FAST, n_origins=5, step=3).fit(sales)
    out = fc.predict()
    assert list(out.columns) == [
        "unique_id",
        "ds",
        "step",
        "horizon",
        "model",
        "yhat",
        "lo_80",
        "hi_80",
        "lo_95",
        "hi_95",
    ]
    assert len(out) == 2 * 7
    assert out.groupby("unique_id")["step"].apply(list).tolist() == [list(range(1, 8))] * 2
    assert (out["ds"] > sales["ds"].max()).all()
    assert out.loc[out["step"] == 1, "horizon"].eq("1d").all()
    assert out.loc[out["step"] > 1, "horizon"].eq("1w").all()
    assert out.loc[out["step"] > 1, "model"].eq(fc.selection_["1w"]).all()
    assert (out["lo_95"] <= out["lo_80"]).all() and (out["lo_80"] <= out["yhat"] + 1e-9).all()
    assert (out["hi_80"] <= out["hi_95"]).all()
    assert set(fc.leaderboard_["horizon"]) == {"1d", "1w"}


def test_seasonal_forecast_follows_the_weekly_pattern(sales: pd.DataFrame) -> None:
    fc = Forecaster("D", {"1w": 7}, models=["seasonal_naive"], n_origins=4, step=7).fit(sales)
    out = fc.predict()
    saturday = out[out["ds"].dt.dayofweek == 5]["yhat"].to_numpy()
    monday = out[out["ds"].dt.dayofweek == 0]["yhat"].to_numpy()
    assert (saturday > monday).all()


def test_plug_in_model_is_compared_with_the_random_walk(walk: pd.DataFrame) -> None:
    fc = Forecaster("B", 5, models=[Constant(50.0)], n_origins=3, ensemble_size=0).fit(walk)
    assert set(fc.leaderboard_["model"]) == {"RandomWalk", "Constant"}


def test_duplicate_names_refused(walk: pd.DataFrame) -> None:
    with pytest.raises(ForecastError, match="share a name"):
        Forecaster("B", 5, models=[Constant(), Constant()], n_origins=2).fit(walk)


def test_exogenous_needs_future_values(walk: pd.DataFrame) -> None:
    with pytest.raises(ForecastError, match="no future values were given"):
        Forecaster("B", 5, models=FAST, n_origins=2).fit(walk.assign(temp=1.0))


def test_bad_horizon_and_unfitted() -> None:
    with pytest.raises(ForecastError, match="at least 1 step"):
        Forecaster("D", 0).fit(pd.DataFrame({"ds": [], "y": []}))
    with pytest.raises(ForecastError, match="not fitted"):
        Forecaster("D", 3).predict()


def test_unknown_model_name(walk: pd.DataFrame) -> None:
    with pytest.raises(ForecastError, match="Unknown model 'prophecy'"):
        Forecaster("B", 5, models=["prophecy"]).fit(walk)


def test_exogenous_regressor_helps_lightgbm() -> None:
    rng = np.random.default_rng(0)
    n = 160
    ds = pd.date_range("2024-01-01", periods=n + 7)
    promo = (rng.random(n + 7) < 0.3).astype(float)
    y = 20 + 15 * promo + rng.normal(0, 1, n + 7)
    full = pd.DataFrame({"unique_id": "a", "ds": ds, "y": y, "promo": promo})
    future = full.tail(7)[["unique_id", "ds", "promo"]]
    fc = Forecaster("D", {"1w": 7}, models=["lightgbm"], n_origins=3, step=7, ensemble_size=0)
    fc.fit(full.head(n), future_x=future)
    board = fc.leaderboard_.set_index("model")
    assert board.loc["LightGBM", "rel_mase"] < 0.7
    out = fc.predict()
    on, off = out[future["promo"].to_numpy() == 1], out[future["promo"].to_numpy() == 0]
    assert fc.selection_["1w"] == "LightGBM"
    assert on["yhat"].mean() > off["yhat"].mean() + 5
