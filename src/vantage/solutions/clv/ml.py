"""The machine-learning alternative: LightGBM on the shared customer features.

Trained on an internal time split of the calibration period only: features as of
``cutoff - h`` and targets in ``(cutoff - h, cutoff]``, with ``h`` the horizon (or half the
history when that is shorter; targets are then scaled by ``horizon / h``). It then predicts from
features as of ``cutoff``. The default L1 objective estimates the conditional median, the
minimiser of the mean absolute error that the benchmark reports.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from vantage.solutions.clv.probabilistic import CLVInputError
from vantage.solutions.features import customer_features, holdout_targets
from vantage.solutions.features.transactions import aligned

TARGETS = ("transactions", "spend")


class GradientBoostingCLV:
    """Expected purchases and spend over a horizon, per customer, by gradient boosting.

    Args:
        horizon_days: The prediction horizon, in days.
        objective: LightGBM objective: ``l1`` (median, for MAE), ``regression`` (mean) or
            ``poisson``.
        n_estimators: Boosting rounds.
        learning_rate: Shrinkage.
        num_leaves: Leaves per tree.
        min_child_samples: Minimum customers per leaf.
        random_state: Seed.
    """

    def __init__(
        self,
        horizon_days: float = 90.0,
        objective: Literal["l1", "regression", "poisson"] = "l1",
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 20,
        random_state: int = 0,
    ) -> None:
        self.horizon_days = horizon_days
        self.objective = objective
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.random_state = random_state

    def _model(self) -> Any:
        from lightgbm import LGBMRegressor

        return LGBMRegressor(
            objective=self.objective,
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            random_state=self.random_state,
            n_jobs=1,
            verbose=-1,
        )

    def fit(
        self, transactions: pd.DataFrame, *, cutoff: object, **columns: str
    ) -> GradientBoostingCLV:
        """Fit on the transactions up to ``cutoff`` (``customer_id, ts, amount`` by default).

        Raises:
            CLVInputError: The history is too short to hold out a training window.
        """
        times = pd.to_datetime(transactions[columns.get("ts", "ts")])
        cut = aligned(cutoff, times)
        span = (cut - times.min()).total_seconds() / 86400.0
        window = min(float(self.horizon_days), span / 2.0)
        if window < 7:
            raise CLVInputError(
                f"The history before the cut-off spans {span:.0f} days; the gradient boosting "
                "model needs at least 14.",
                "Use an earlier start or a later cut-off.",
            )
        train_cut = cut - pd.Timedelta(days=window)
        features = customer_features(transactions, cutoff=train_cut, **columns)  # type: ignore[arg-type]
        targets = holdout_targets(
            transactions, cutoff=train_cut, end=cut, customers=features.index, **columns
        )
        self.window_days_ = window
        self.scale_ = float(self.horizon_days) / window
        self.feature_names_ = list(features.columns)
        self.models_ = {}
        for name in TARGETS:
            y = targets[f"holdout_{name}"].to_numpy(dtype=float) * self.scale_
            self.models_[name] = self._model().fit(features, y)
        return self

    def predict(
        self, transactions: pd.DataFrame, *, cutoff: object, **columns: str
    ) -> pd.DataFrame:
        """Expected ``transactions`` and ``spend`` per customer over the horizon."""
        features = customer_features(transactions, cutoff=cutoff, **columns)  # type: ignore[arg-type]
        features = features.reindex(columns=self.feature_names_)
        out = {
            name: np.clip(model.predict(features), 0.0, None)
            for name, model in self.models_.items()
        }
        return pd.DataFrame(out, index=features.index)
