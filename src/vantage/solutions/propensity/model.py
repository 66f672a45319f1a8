"""Propensity to convert: calibrated gradient boosting with per-customer top factors (SHAP).

:class:`PropensityModel` wraps LightGBM in isotonic (or sigmoid) calibration so that a score of
0.3 means about 30 % convert, and explains each score with SHAP values of the underlying
booster. :class:`LogisticBaseline` is the named baseline: standardised logistic regression on
the same columns. Both take a numeric/categorical pandas frame ``x`` and a 0/1 target ``y``.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from vantage.core.errors import VantageError

LEAKY_COLUMNS: dict[str, str] = {
    "PageValues": (
        "PageValues is the value of the pages a visitor saw before completing a transaction, "
        "so it is computed from the outcome: it leaks the label."
    ),
}


class PropensityInputError(VantageError):
    """The training frame or target cannot be used."""


def leak_flags(columns: list[str] | pd.Index) -> dict[str, str]:
    """Known leaking columns present in ``columns``, with why each leaks."""
    return {c: LEAKY_COLUMNS[c] for c in columns if c in LEAKY_COLUMNS}


def _check(x: pd.DataFrame, y: Any) -> np.ndarray:
    target = np.asarray(y).astype(int)
    if len(x) != len(target):
        raise PropensityInputError(
            f"X has {len(x)} rows but y has {len(target)}.", "Pass one label per row of X."
        )
    if set(np.unique(target)) != {0, 1}:
        raise PropensityInputError(
            "The target needs both classes (0 and 1); got "
            f"{sorted(set(np.unique(target).tolist()))}.",
            "Choose a longer label window or more customers so some convert and some do not.",
        )
    return target


def _numeric(x: pd.DataFrame) -> pd.DataFrame:
    out = x.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype) in ("string", "bool"):
            out[column] = out[column].astype("category")
    return out


class PropensityModel:
    """Calibrated LightGBM classifier with SHAP top factors.

    Args:
        n_estimators: Boosting rounds.
        learning_rate: Shrinkage.
        num_leaves: Leaves per tree.
        min_child_samples: Minimum rows per leaf.
        calibration: ``isotonic`` or ``sigmoid`` (Platt); cross-fitted with ``cv`` folds.
        cv: Calibration folds.
        random_state: Seed.
    """

    def __init__(
        self,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 20,
        calibration: Literal["isotonic", "sigmoid"] = "isotonic",
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state

    def _booster(self) -> Any:
        from lightgbm import LGBMClassifier

        return LGBMClassifier(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            random_state=self.random_state,
            n_jobs=1,
            verbose=-1,
        )

    def fit(self, x: pd.DataFrame, y: Any) -> PropensityModel:
        """Fit the calibrated classifier and, on all rows, the booster SHAP explains."""
        from sklearn.calibration import CalibratedClassifierCV

        target = _check(x, y)
        data = _numeric(x)
        cv = max(2, min(self.cv, int(np.bincount(target).min())))
        self.calibrated_ = CalibratedClassifierCV(
            self._booster(), method=self.calibration, cv=cv
        ).fit(data, target)
        self.booster_ = self._booster().fit(data, target)
        self.feature_names_ = list(x.columns)
        self.leaks_ = leak_flags(x.columns)
        return self

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        """Calibrated probabilities, shape (n, 2)."""
        return np.asarray(self.calibrated_.predict_proba(_numeric(x[self.feature_names_])))

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        """1 where the calibrated probability is at least 0.5."""
        return (self.predict_proba(x)[:, 1] >= 0.5).astype(int)

    def top_factors(self, x: pd.DataFrame, k: int = 3) -> list[list[dict[str, Any]]]:
        """The ``k`` features that push each row's score most (SHAP, log-odds), with values.

        Returns:
            Per row, a list of ``{"feature", "value", "impact"}`` sorted by ``|impact|``.
        """
        import warnings

        import shap

        data = _numeric(x[self.feature_names_])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            values = shap.TreeExplainer(self.booster_).shap_values(data)
        matrix = np.asarray(values[1] if isinstance(values, list) else values)
        if matrix.ndim == 3:
            matrix = matrix[:, :, 1]
        out = []
        for row, impacts in enumerate(matrix):
            order = np.argsort(-np.abs(impacts))[:k]
            out.append(
                [
                    {
                        "feature": self.feature_names_[j],
                        "value": _plain(x.iloc[row, j]),
                        "impact": round(float(impacts[j]), 4),
                    }
                    for j in order
                ]
            )
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


class LogisticBaseline:
    """The named baseline: one-hot + standardised logistic regression (missing values as 0).

    Args:
        c: Inverse regularisation strength.
        max_iter: Solver iterations.
    """

    def __init__(self, c: float = 1.0, max_iter: int = 2000) -> None:
        self.c = c
        self.max_iter = max_iter

    def fit(self, x: pd.DataFrame, y: Any) -> LogisticBaseline:
        """Fit on ``x`` (categorical columns one-hot encoded)."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        target = _check(x, y)
        data = self._encode(x, fit=True)
        self.pipeline_ = make_pipeline(
            StandardScaler(), LogisticRegression(C=self.c, max_iter=self.max_iter)
        ).fit(data, target)
        return self

    def _encode(self, x: pd.DataFrame, fit: bool = False) -> pd.DataFrame:
        encoded = pd.get_dummies(x, dtype=float).fillna(0.0)
        if fit:
            self.columns_ = list(encoded.columns)
        return encoded.reindex(columns=self.columns_, fill_value=0.0)

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        """Probabilities, shape (n, 2)."""
        return np.asarray(self.pipeline_.predict_proba(self._encode(x)))
