"""Calibrated gradient boosting, SHAP top factors, the logistic baseline and the time split."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from vantage.solutions.features.sample import load_sample_shop
from vantage.solutions.propensity import (
    LogisticBaseline,
    PropensityInputError,
    PropensityModel,
    cross_validate,
    leak_flags,
    scores,
    time_split,
)
from vantage.store.warehouse import connect_store


def _table(n: int = 1500, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "visits": rng.poisson(3, n).astype(float),
            "noise": rng.normal(size=n),
            "device": rng.choice(["mobile", "desktop"], n),
        }
    )
    logit = -3 + 0.8 * x.visits + 0.7 * (x.device == "desktop") + 0.3 * (x.visits > 5)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return x, y


def test_model_is_calibrated_and_ranks_well() -> None:
    x, y = _table()
    model = PropensityModel(n_estimators=80, cv=3).fit(x.iloc[:1000], y[:1000])
    p = model.predict_proba(x.iloc[1000:])[:, 1]
    got = scores(y[1000:], p)
    assert got["roc_auc"] > 0.75
    assert abs(p.mean() - y[1000:].mean()) < 0.05
    assert set(model.predict(x.iloc[:5])) <= {0, 1}


def test_top_factors_name_the_driving_feature() -> None:
    x, y = _table()
    model = PropensityModel(n_estimators=80, cv=2).fit(x, y)
    factors = model.top_factors(x.iloc[:20], k=2)
    assert len(factors) == 20 and all(len(f) == 2 for f in factors)
    firsts = [f[0]["feature"] for f in factors]
    assert firsts.count("visits") >= 15
    assert {"feature", "value", "impact"} == set(factors[0][0])


def test_logistic_baseline_and_cross_validation() -> None:
    x, y = _table(600)
    baseline = LogisticBaseline().fit(x, y)
    assert scores(y, baseline.predict_proba(x)[:, 1])["roc_auc"] > 0.75
    table = cross_validate(x, y, folds=3, n_estimators=40, cv=2)
    assert set(table.index) == {"lightgbm", "logistic"}
    assert (table["roc_auc_mean"] > 0.7).all() and "pr_auc_std" in table.columns


def test_page_values_is_flagged_as_a_leak() -> None:
    flags = leak_flags(["Administrative", "PageValues", "Month"])
    assert list(flags) == ["PageValues"] and "leaks the label" in flags["PageValues"]
    assert leak_flags(["visits"]) == {}


def test_unusable_targets_are_refused() -> None:
    x, _ = _table(50)
    with pytest.raises(PropensityInputError, match="needs both classes"):
        PropensityModel().fit(x, np.zeros(50))
    with pytest.raises(PropensityInputError, match="X has 50 rows but y has 3"):
        LogisticBaseline().fit(x, [0, 1, 0])


@pytest.mark.slow
def test_time_split_on_a_workspace_beats_chance() -> None:
    with connect_store("duckdb://:memory:") as store:
        load_sample_shop(store, 250, seed=2)
        result = time_split(store, test_as_of=datetime(2025, 5, 1, tzinfo=UTC), cv=3)
    assert result["train_as_of"].startswith("2025-04-01")
    assert set(result["models"]) == {"lightgbm", "logistic", "recency_rule"}
    assert result["models"]["lightgbm"]["roc_auc"] > 0.6
    assert result["models"]["logistic"]["roc_auc"] > 0.6
