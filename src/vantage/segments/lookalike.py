"""Look-alike audiences: score every customer by how much they resemble a seed segment.

:class:`LookalikeModel` follows scikit-learn's contract. ``fit(X, y)`` (``y`` = 1 for the seed's
members) trains gradient-boosted trees (LightGBM) with K-fold cross-fitting: every customer is
scored by a model that never saw them, so a non-member is never pushed down merely because the
model learnt them as a negative, and the AUC of those out-of-fold scores is an honest held-out
measure of how separable the seed is. The same folds give a baseline: the best single feature
used as a score (its direction chosen on the training folds). The defaults (small trees, slow
learning) were chosen on a demo workspace of seed 42; seeds are often a few hundred customers,
where deeper trees overfit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from vantage.core.errors import VantageError


class LookalikeError(VantageError):
    """The seed is too small, too large or the features are unusable."""


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score))


class LookalikeModel:
    """Cross-fitted classifier separating a seed segment from everyone else.

    Args:
        n_splits: Folds of the cross-fitting (each customer is scored by the model of the
            other folds).
        n_estimators: Boosting rounds.
        learning_rate: LightGBM's learning rate.
        num_leaves: Leaves per tree.
        min_child_samples: Fewest customers in a leaf.
        colsample_bytree: Share of the features each tree sees.
        random_state: Seed of the folds and the trees.
    """

    def __init__(
        self,
        n_splits: int = 4,
        n_estimators: int = 300,
        learning_rate: float = 0.02,
        num_leaves: int = 4,
        min_child_samples: int = 20,
        colsample_bytree: float = 1.0,
        random_state: int = 0,
    ) -> None:
        self.n_splits = n_splits
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.colsample_bytree = colsample_bytree
        self.random_state = random_state

    def _estimator(self) -> Any:
        from lightgbm import LGBMClassifier

        return LGBMClassifier(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            colsample_bytree=self.colsample_bytree,
            random_state=self.random_state,
            n_jobs=1,
            verbose=-1,
        )

    def fit(self, x: pd.DataFrame, y: Any) -> LookalikeModel:
        """Cross-fit on features ``x`` (one row per customer) and seed labels ``y`` (0/1).

        Sets ``scores_`` (out-of-fold P(seed) per row of ``x``), ``auc_`` (held-out ROC-AUC of
        those scores), ``baseline_auc_`` and ``baseline_feature_`` (the best single feature),
        ``feature_names_`` and ``estimator_`` (refitted on every row, for new customers).

        Raises:
            LookalikeError: Fewer members or non-members than folds, or no numeric feature.
        """
        from sklearn.model_selection import StratifiedKFold

        labels = np.asarray(y, dtype=int)
        numeric = x.select_dtypes(include=["number", "bool"]).astype(float)
        if numeric.shape[1] == 0:
            raise LookalikeError(
                "The look-alike features have no numeric column.", "Pass numeric features."
            )
        positives = int(labels.sum())
        if min(positives, len(labels) - positives) < self.n_splits:
            raise LookalikeError(
                f"The seed has {positives} of {len(labels)} customers; a look-alike needs at "
                f"least {self.n_splits} members and {self.n_splits} non-members.",
                "Pick a seed segment with more members (or one that is not everyone).",
            )
        folds = StratifiedKFold(self.n_splits, shuffle=True, random_state=self.random_state)
        scores = np.zeros(len(labels))
        baseline = np.zeros(len(labels))
        best: list[str] = []
        for train, test in folds.split(numeric, labels):
            model = self._estimator().fit(numeric.iloc[train], labels[train])
            scores[test] = model.predict_proba(numeric.iloc[test])[:, 1]
            column, sign = _best_feature(numeric.iloc[train], labels[train])
            baseline[test] = sign * numeric.iloc[test][column].fillna(0.0).to_numpy()
            best.append(column)
        self.feature_names_ = list(numeric.columns)
        self.scores_ = pd.Series(scores, index=x.index, name="score")
        self.auc_ = _auc(labels, scores)
        self.baseline_auc_ = _auc(labels, baseline)
        self.baseline_feature_ = max(set(best), key=best.count)
        self.estimator_ = self._estimator().fit(numeric, labels)
        return self

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        """P(non-member), P(member) for new rows, from the model refitted on every row."""
        frame = x.reindex(columns=self.feature_names_, fill_value=0.0).astype(float)
        return np.asarray(self.estimator_.predict_proba(frame))


def _best_feature(x: pd.DataFrame, y: np.ndarray) -> tuple[str, float]:
    """The column whose values alone separate ``y`` best, and the sign to use it with."""
    best, sign, top = str(x.columns[0]), 1.0, -1.0
    for column in x.columns:
        values = x[column].fillna(0.0).to_numpy()
        if np.all(values == values[0]):
            continue
        auc = _auc(y, values)
        if max(auc, 1 - auc) > top:
            best, sign, top = str(column), 1.0 if auc >= 0.5 else -1.0, max(auc, 1 - auc)
    return best, sign


def top_lookalikes(scores: pd.Series, seed: set[str], top: int) -> pd.DataFrame:
    """The ``top`` non-members by score: ``customer_id, score, rank`` (rank 1 is the closest)."""
    others = scores[~scores.index.isin(list(seed))].sort_values(ascending=False, kind="stable")
    chosen = others.head(top)
    return pd.DataFrame(
        {
            "customer_id": chosen.index.astype(str),
            "score": chosen.to_numpy(dtype=float),
            "rank": np.arange(1, len(chosen) + 1, dtype=np.int64),
        }
    )
