"""The model interface, and the statistical candidates (statsforecast).

A model sees a canonical long frame (``unique_id, ds, y`` plus exogenous columns) and returns,
for each series, its next ``h`` values. Implementing :class:`ForecastModel` (one method) is all a
new model needs to take part in backtesting, selection and ensembles.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np
import pandas as pd

from vantage.solutions.forecast.data import ForecastError, future_dates


class ForecastModel(ABC):
    """One forecasting method, applied to every series of a long frame.

    Subclasses store their parameters in ``__init__`` and implement :meth:`forecast`.

    Attributes:
        name: Label in the leaderboard and the output.
        supports_exog: Whether exogenous columns are used (their future values must be known).
    """

    name: str = "model"
    supports_exog: bool = False

    @abstractmethod
    def forecast(
        self, train: pd.DataFrame, h: int, freq: str, future_x: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Fit on ``train`` and forecast ``h`` steps of every series.

        Args:
            train: Canonical long frame.
            h: Steps ahead.
            freq: Pandas frequency of the series.
            future_x: ``unique_id, ds`` and the exogenous columns for the ``h`` future steps
                (only for models with ``supports_exog``).

        Returns:
            ``unique_id, ds, yhat`` with ``h`` rows per series.
        """

    def min_train(self, h: int) -> int:
        """Shortest history (points per series) this model needs."""
        return 3

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class StatsModel(ForecastModel):
    """A statsforecast model run through ``StatsForecast.forecast`` on all series at once.

    Args:
        kind: One of ``naive``, ``drift``, ``seasonal_naive``, ``ets``, ``arima``, ``theta``,
            ``mstl``.
        season_length: Seasonal period(s); MSTL takes every period the history supports.
        name: Label; defaults to the kind's usual name.
        n_jobs: Processes statsforecast may use.
    """

    NAMES: dict[str, str] = {
        "naive": "RandomWalk",
        "drift": "RandomWalkDrift",
        "seasonal_naive": "SeasonalNaive",
        "ets": "AutoETS",
        "arima": "AutoARIMA",
        "theta": "Theta",
        "mstl": "MSTL",
    }

    def __init__(
        self,
        kind: str,
        season_length: int | tuple[int, ...] = 1,
        name: str | None = None,
        n_jobs: int = 1,
    ) -> None:
        if kind not in self.NAMES:
            raise ForecastError(f"Unknown statistical model {kind!r}.", f"Use {list(self.NAMES)}.")
        self.kind = kind
        self.season_length = season_length
        self.name = name or self.NAMES[kind]
        self.n_jobs = n_jobs
        self.supports_exog = kind == "arima"

    def _seasons(self) -> tuple[int, ...]:
        s = self.season_length
        return tuple(s) if isinstance(s, tuple) else (s,)

    def min_train(self, h: int) -> int:
        """Shortest history this model needs."""
        main = self._seasons()[0]
        if self.kind == "mstl":
            return 2 * main + 1
        if self.kind in ("seasonal_naive", "ets", "arima", "theta"):
            return max(3, main + 1)
        return 2

    def _build(self, length: int) -> Any:
        from statsforecast import models as sm

        seasons = [s for s in self._seasons() if s > 1 and 2 * s < length]
        main = seasons[0] if seasons else 1
        alias = self.name
        if self.kind == "naive":
            return sm.Naive(alias=alias)
        if self.kind == "drift":
            return sm.RandomWalkWithDrift(alias=alias)
        if self.kind == "seasonal_naive":
            return sm.SeasonalNaive(season_length=max(self._seasons()[0], 1), alias=alias)
        if self.kind == "ets":
            return sm.AutoETS(season_length=main, alias=alias)
        if self.kind == "arima":
            return sm.AutoARIMA(season_length=main, alias=alias)
        if self.kind == "theta":
            return sm.Theta(season_length=main, alias=alias)
        if not seasons:
            return sm.AutoETS(model="ZZN", alias=alias)
        return sm.MSTL(season_length=seasons, trend_forecaster=sm.AutoETS(model="ZZN"), alias=alias)

    def forecast(
        self, train: pd.DataFrame, h: int, freq: str, future_x: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Fit and forecast every series with statsforecast (see :class:`ForecastModel`)."""
        from statsforecast import StatsForecast

        shortest = int(train.groupby("unique_id").size().min())
        model = self._build(shortest)
        use_x = self.supports_exog and future_x is not None and future_x.shape[1] > 2
        cols = list(train.columns) if use_x else ["unique_id", "ds", "y"]
        engine = StatsForecast(models=[model], freq=freq, n_jobs=self.n_jobs)
        out = engine.forecast(df=train[cols], h=h, X_df=future_x if use_x else None)
        return out.rename(columns={self.name: "yhat"})[["unique_id", "ds", "yhat"]]


class MeanModel(ForecastModel):
    """Historical mean of each series: a floor that any useful model beats on demand data.

    Args:
        window: Average the last ``window`` points (None: the whole history).
    """

    def __init__(self, window: int | None = None, name: str = "Mean") -> None:
        self.window = window
        self.name = name

    def forecast(
        self, train: pd.DataFrame, h: int, freq: str, future_x: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Repeat each series' mean (see :class:`ForecastModel`)."""
        rows = []
        for uid, part in train.groupby("unique_id", sort=False):
            values = part["y"].to_numpy()
            level = float(np.mean(values[-self.window :] if self.window else values))
            dates = future_dates(part["ds"].iloc[-1], h, freq)
            rows.append(pd.DataFrame({"unique_id": uid, "ds": dates, "yhat": level}))
        return pd.concat(rows, ignore_index=True)
