"""Peer implementations for the forecasting benchmarks: pmdarima's auto_arima and Prophet.

Both fit one series at a time (that is how they are used); they plug into the same backtest
as the Vantage candidates through the one-method ``ForecastModel`` interface.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd

from vantage.solutions.forecast.data import future_dates
from vantage.solutions.forecast.models import ForecastModel


class PmdarimaModel(ForecastModel):
    """``pmdarima.auto_arima`` (stepwise search, as its defaults) per series.

    Args:
        season_length: Seasonal period ``m`` (1: non-seasonal).
        name: Label.
    """

    def __init__(self, season_length: int = 1, name: str = "pmdarima") -> None:
        self.season_length = season_length
        self.name = name

    def min_train(self, h: int) -> int:
        """Shortest history accepted."""
        return max(10, 2 * self.season_length + 2)

    def forecast(
        self, train: pd.DataFrame, h: int, freq: str, future_x: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Fit auto_arima on each series and forecast ``h`` steps."""
        import pmdarima as pm

        frames = []
        for uid, part in train.groupby("unique_id", sort=False):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = pm.auto_arima(
                    part["y"].to_numpy(),
                    m=self.season_length,
                    seasonal=self.season_length > 1,
                    suppress_warnings=True,
                    error_action="ignore",
                )
                values = np.asarray(model.predict(n_periods=h))
            dates = future_dates(part["ds"].iloc[-1], h, freq)
            frames.append(pd.DataFrame({"unique_id": uid, "ds": dates, "yhat": values}))
        return pd.concat(frames, ignore_index=True)


class ProphetModel(ForecastModel):
    """Prophet per series with its default seasonalities.

    Args:
        name: Label.
    """

    def __init__(self, name: str = "Prophet") -> None:
        self.name = name

    def min_train(self, h: int) -> int:
        """Shortest history accepted."""
        return 10

    def forecast(
        self, train: pd.DataFrame, h: int, freq: str, future_x: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Fit Prophet on each series and forecast ``h`` steps."""
        from prophet import Prophet

        for noisy in ("cmdstanpy", "prophet"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        frames = []
        for uid, part in train.groupby("unique_id", sort=False):
            model = Prophet()
            model.fit(part[["ds", "y"]])
            dates = future_dates(part["ds"].iloc[-1], h, freq)
            values = model.predict(pd.DataFrame({"ds": dates}))["yhat"].to_numpy()
            frames.append(pd.DataFrame({"unique_id": uid, "ds": dates, "yhat": values}))
        return pd.concat(frames, ignore_index=True)
