"""Evaluation of propensity models: k-fold on a table, time-based split on a workspace."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from vantage.solutions.features import warehouse_features, window_labels
from vantage.solutions.propensity.model import LogisticBaseline, PropensityModel
from vantage.store.warehouse import Store

DROP = ("customer_id",)


def scores(y: Any, p: np.ndarray) -> dict[str, float]:
    """ROC-AUC, PR-AUC (average precision), Brier score (NaN for non-probabilities), base rate."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    target = np.asarray(y).astype(int)
    return {
        "roc_auc": float(roc_auc_score(target, p)),
        "pr_auc": float(average_precision_score(target, p)),
        "brier": float(brier_score_loss(target, p)) if p.min() >= 0 and p.max() <= 1 else np.nan,
        "base_rate": float(target.mean()),
    }


def cross_validate(
    x: pd.DataFrame, y: Any, *, folds: int = 5, random_state: int = 0, **params: Any
) -> pd.DataFrame:
    """Stratified k-fold ROC-AUC and PR-AUC of gradient boosting and the logistic baseline.

    Returns:
        One row per model (``lightgbm``, ``logistic``): mean and standard deviation over folds.
    """
    from sklearn.model_selection import StratifiedKFold

    target = np.asarray(y).astype(int)
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    rows: list[dict[str, Any]] = []
    for fold, (train, test) in enumerate(split.split(x, target)):
        models: dict[str, PropensityModel | LogisticBaseline] = {
            "lightgbm": PropensityModel(random_state=random_state, **params),
            "logistic": LogisticBaseline(),
        }
        for name, model in models.items():
            model.fit(x.iloc[train], target[train])
            got = scores(target[test], model.predict_proba(x.iloc[test])[:, 1])
            rows.append({"model": name, "fold": fold, **got})
    frame = pd.DataFrame(rows)
    summary = frame.groupby("model")[["roc_auc", "pr_auc", "brier"]].agg(["mean", "std"])
    summary.columns = pd.Index(["_".join(map(str, pair)) for pair in summary.columns])
    return summary


def purchase_dataset(
    store: Store, *, as_of: datetime, horizon_days: int = 30, **kwargs: Any
) -> tuple[pd.DataFrame, pd.Series]:
    """Features as of ``as_of`` and whether each customer orders in the next ``horizon_days``.

    Returns:
        (x indexed by customer_id, y of 0/1 aligned with x).
    """
    features = store.execute(warehouse_features(store, as_of=as_of, **kwargs))
    x = features.set_index("customer_id").sort_index().astype(float)
    end = as_of + timedelta(days=horizon_days)
    labels = store.execute(window_labels(store, start=as_of, end=end)).set_index("customer_id")
    y = (labels["future_orders"].reindex(x.index).fillna(0.0) > 0).astype(int)
    return x, y


def time_split(
    store: Store,
    *,
    test_as_of: datetime,
    horizon_days: int = 30,
    random_state: int = 0,
    **params: Any,
) -> dict[str, Any]:
    """Train as of ``test_as_of - horizon`` (labels end at ``test_as_of``); test as of it.

    The training labels end where the test features start, so no test outcome is seen in
    training. ``params`` go to :class:`PropensityModel`.

    Returns:
        ``{"models": {name: scores}, "train_rows", "test_rows", "train_as_of", "test_as_of"}``.
    """
    train_as_of = test_as_of - timedelta(days=horizon_days)
    x_train, y_train = purchase_dataset(store, as_of=train_as_of, horizon_days=horizon_days)
    x_test, y_test = purchase_dataset(store, as_of=test_as_of, horizon_days=horizon_days)
    x_test = x_test.reindex(columns=x_train.columns, fill_value=0.0)
    results: dict[str, dict[str, float]] = {}
    for name, model in (
        ("lightgbm", PropensityModel(random_state=random_state, **params)),
        ("logistic", LogisticBaseline()),
    ):
        model.fit(x_train, y_train)
        results[name] = scores(y_test, model.predict_proba(x_test)[:, 1])
    recency = -x_test["last_seen_days"].to_numpy()
    results["recency_rule"] = scores(y_test, recency)
    return {
        "models": results,
        "train_rows": len(x_train),
        "test_rows": len(x_test),
        "train_as_of": train_as_of.isoformat(),
        "test_as_of": test_as_of.isoformat(),
    }
