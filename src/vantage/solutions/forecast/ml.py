"""Gradient boosting on lags and calendar features (mlforecast + LightGBM), one global model."""

from __future__ import annotations

import pandas as pd

from vantage.solutions.forecast.models import ForecastModel

_CALENDAR: dict[str, list[str]] = {
    "B": ["dayofweek", "month"],
    "D": ["dayofweek", "month"],
    "W": ["month"],
    "h": ["hour", "dayofweek"],
    "H": ["hour", "dayofweek"],
}


class LightGBMModel(ForecastModel):
    """LightGBM trained on all series at once, forecasting recursively.

    Features: the last ``n_lags`` values, the seasonal lag, calendar fields for the frequency,
    and the exogenous columns. With ``difference`` the model learns changes, not levels, which
    suits trending series such as prices.

    Args:
        n_lags: Consecutive lags used as features.
        season_length: Seasonal lag added to the features (1: none).
        n_estimators: Boosting rounds.
        learning_rate: LightGBM learning rate.
        difference: Model first differences.
        name: Label in the leaderboard.
    """

    supports_exog = True

    def __init__(
        self,
        n_lags: int = 7,
        season_length: int = 1,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        difference: bool = True,
        name: str = "LightGBM",
    ) -> None:
        self.n_lags = n_lags
        self.season_length = season_length
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.difference = difference
        self.name = name

    def _lags(self, shortest: int) -> list[int]:
        lags = set(range(1, self.n_lags + 1))
        if self.season_length > 1 and self.season_length + 10 < shortest // 2:
            lags.add(self.season_length)
        return sorted(lag for lag in lags if lag + 5 < shortest)

    def min_train(self, h: int) -> int:
        """Shortest history this model needs."""
        return max(12, 2 * min(self.n_lags, 3) + 8)

    def forecast(
        self, train: pd.DataFrame, h: int, freq: str, future_x: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Fit the global model and forecast (see :class:`ForecastModel`)."""
        import lightgbm as lgb
        from mlforecast import MLForecast
        from mlforecast.target_transforms import Differences

        shortest = int(train.groupby("unique_id").size().min())
        regressor = lgb.LGBMRegressor(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=15,
            min_child_samples=5,
            n_jobs=1,
            verbose=-1,
        )
        engine = MLForecast(
            models={"yhat": regressor},
            freq=freq,
            lags=self._lags(shortest) or [1],
            date_features=_CALENDAR.get(freq.split("-", maxsplit=1)[0], ["month"]),
            target_transforms=[Differences([1])] if self.difference else None,
        )
        use_x = future_x is not None and future_x.shape[1] > 2
        cols = list(train.columns) if use_x else ["unique_id", "ds", "y"]
        engine.fit(train[cols], static_features=[])
        out = engine.predict(h, X_df=future_x if use_x else None)
        return out[["unique_id", "ds", "yhat"]]
