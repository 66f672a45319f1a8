"""Uplift meta-learners on gradient boosting: two-model (T-learner) and X-learner.

Both estimate the conditional average treatment effect ``tau(x) = P(y=1 | x, treated) -
P(y=1 | x, control)`` from a randomised (or propensity-adjusted) experiment with a binary
treatment. ``fit(x, treatment, y)``; ``predict(x)`` returns the estimated uplift per row, the
score next best action ranks customers by.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits


def default_classifier(random_state: int = 0) -> HistGradientBoostingClassifier:
    """A conservative gradient-boosting classifier (uplift is a small signal: avoid overfit)."""
    return HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=150,
        max_leaf_nodes=15,
        min_samples_leaf=200,
        l2_regularization=1.0,
        random_state=random_state,
    )


def default_regressor(random_state: int = 0) -> HistGradientBoostingRegressor:
    """The regressor counterpart of :func:`default_classifier` (X-learner's second stage)."""
    return HistGradientBoostingRegressor(
        learning_rate=0.05,
        max_iter=150,
        max_leaf_nodes=15,
        min_samples_leaf=200,
        l2_regularization=1.0,
        random_state=random_state,
    )


def check_experiment(x: Any, treatment: Any, y: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate an experiment: features, 0/1 treatment and 0/1 outcome of equal length.

    Raises:
        ValueError: Lengths differ, values are not 0/1, or an arm is empty.
    """
    features = np.asarray(x.to_numpy(float) if isinstance(x, pd.DataFrame) else x, dtype=float)
    t = np.asarray(treatment).astype(int).ravel()
    outcome = np.asarray(y).astype(float).ravel()
    if not len(features) == len(t) == len(outcome):
        raise ValueError(
            f"x, treatment and y must have one row each per customer; got "
            f"{len(features)}, {len(t)}, {len(outcome)}"
        )
    if not set(np.unique(t)) <= {0, 1}:
        raise ValueError("treatment must be 0 (control) or 1 (treated)")
    if t.min() == t.max():
        raise ValueError("treatment must contain both treated (1) and control (0) customers")
    if not set(np.unique(outcome)) <= {0.0, 1.0}:
        raise ValueError("y must be a binary outcome (0 or 1)")
    return features, t, outcome


class TwoModelUplift:
    """Two-model uplift (T-learner): one classifier per arm; uplift = p_treated - p_control.

    Args:
        classifier: Any scikit-learn classifier with ``predict_proba`` (cloned per arm);
            default :func:`default_classifier`.
        random_state: Seed of the default classifier.
        threads: OpenMP threads of the boosting (1 keeps shared machines responsive; None
            uses every core).
    """

    def __init__(
        self, classifier: Any = None, random_state: int = 0, threads: int | None = 1
    ) -> None:
        self.classifier = classifier
        self.random_state = random_state
        self.threads = threads

    def fit(self, x: Any, treatment: Any, y: Any) -> Self:
        """Fit the treated and the control response models."""
        features, t, outcome = check_experiment(x, treatment, y)
        base = self.classifier or default_classifier(self.random_state)
        with threadpool_limits(self.threads, "openmp"):
            self.treated_model_ = clone(base).fit(features[t == 1], outcome[t == 1])
            self.control_model_ = clone(base).fit(features[t == 0], outcome[t == 0])
        return self

    def predict(self, x: Any) -> np.ndarray:
        """Estimated uplift (difference of response probabilities) per row."""
        if not hasattr(self, "treated_model_"):
            raise ValueError("TwoModelUplift is not fitted; call fit first")
        features = np.asarray(x, dtype=float)
        with threadpool_limits(self.threads, "openmp"):
            treated = self.treated_model_.predict_proba(features)[:, 1]
            control = self.control_model_.predict_proba(features)[:, 1]
        uplift: np.ndarray = treated - control
        return uplift


class XLearnerUplift:
    """X-learner (Kunzel et al. 2019).

    Stage 1 fits a response model per arm. Stage 2 imputes each customer's effect with the
    other arm's model (treated: ``y - mu0(x)``; control: ``mu1(x) - y``) and regresses it on
    x, per arm. The two effect models are blended by the propensity ``g(x)``:
    ``tau = g * tau0 + (1 - g) * tau1``.

    Args:
        classifier: Stage-1 classifier (cloned per arm); default :func:`default_classifier`.
        regressor: Stage-2 regressor (cloned per arm); default :func:`default_regressor`.
        propensity: ``"constant"`` (the treated share: right for randomised experiments) or
            ``"logistic"`` (a logistic regression of treatment on x, for observational data).
        random_state: Seed of the default models.
        threads: OpenMP threads of the boosting (None: every core).
    """

    def __init__(
        self,
        classifier: Any = None,
        regressor: Any = None,
        propensity: str = "constant",
        random_state: int = 0,
        threads: int | None = 1,
    ) -> None:
        self.classifier = classifier
        self.regressor = regressor
        self.propensity = propensity
        self.random_state = random_state
        self.threads = threads

    def fit(self, x: Any, treatment: Any, y: Any) -> Self:
        """Fit both stages and the propensity."""
        if self.propensity not in ("constant", "logistic"):
            raise ValueError(
                f"propensity must be 'constant' or 'logistic'; got {self.propensity!r}"
            )
        with threadpool_limits(self.threads, "openmp"):
            return self._fit(x, treatment, y)

    def _fit(self, x: Any, treatment: Any, y: Any) -> Self:
        features, t, outcome = check_experiment(x, treatment, y)
        classifier = self.classifier or default_classifier(self.random_state)
        regressor = self.regressor or default_regressor(self.random_state)
        treated, control = features[t == 1], features[t == 0]
        mu1 = clone(classifier).fit(treated, outcome[t == 1])
        mu0 = clone(classifier).fit(control, outcome[t == 0])
        effect_treated = outcome[t == 1] - mu0.predict_proba(treated)[:, 1]
        effect_control = mu1.predict_proba(control)[:, 1] - outcome[t == 0]
        self.tau1_ = clone(regressor).fit(treated, effect_treated)
        self.tau0_ = clone(regressor).fit(control, effect_control)
        self.treated_share_ = float(t.mean())
        self.propensity_model_ = (
            LogisticRegression(max_iter=1000).fit(features, t)
            if self.propensity == "logistic"
            else None
        )
        return self

    def _g(self, features: np.ndarray) -> np.ndarray:
        if self.propensity_model_ is None:
            return np.full(len(features), self.treated_share_)
        g: np.ndarray = self.propensity_model_.predict_proba(features)[:, 1]
        return g

    def predict(self, x: Any) -> np.ndarray:
        """Estimated uplift per row."""
        if not hasattr(self, "tau1_"):
            raise ValueError("XLearnerUplift is not fitted; call fit first")
        features = np.asarray(x, dtype=float)
        g = self._g(features)
        with threadpool_limits(self.threads, "openmp"):
            tau0, tau1 = self.tau0_.predict(features), self.tau1_.predict(features)
        uplift: np.ndarray = g * tau0 + (1 - g) * tau1
        return uplift
