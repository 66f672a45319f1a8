"""Two-model and x-learner recover a known heterogeneous effect; experiments are validated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from vantage.solutions.uplift import (
    TwoModelUplift,
    XLearnerUplift,
    evaluate_uplift,
    experiment_from_frame,
    uplift_at_k,
)


def simulated(n: int = 6000, seed: int = 0) -> pd.DataFrame:
    """Only customers with high ``engaged`` react to the e-mail (+25 points); ``noise`` is noise."""
    rng = np.random.default_rng(seed)
    engaged = rng.uniform(size=n)
    arm = np.where(rng.uniform(size=n) < 0.5, "email", "none")
    p = 0.1 + 0.1 * engaged + 0.25 * (engaged > 0.6) * (arm == "email")
    return pd.DataFrame(
        {
            "engaged": engaged,
            "noise": rng.normal(size=n),
            "channel": rng.choice(["web", "phone"], size=n),
            "arm": arm,
            "visit": (rng.uniform(size=n) < p).astype(int),
            "spend": rng.uniform(size=n),
        }
    )


def small_models() -> dict[str, object]:
    clf = HistGradientBoostingClassifier(max_iter=40, min_samples_leaf=100, random_state=0)
    reg = HistGradientBoostingRegressor(max_iter=40, min_samples_leaf=100, random_state=0)
    return {
        "two-model": TwoModelUplift(classifier=clf),
        "x-learner": XLearnerUplift(classifier=clf, regressor=reg),
        "x-learner-logistic": XLearnerUplift(classifier=clf, regressor=reg, propensity="logistic"),
    }


def test_learners_find_the_customers_who_react() -> None:
    experiment = experiment_from_frame(
        simulated(),
        treatment_col="arm",
        treated="email",
        control="none",
        outcome_col="visit",
        features=["engaged", "noise", "channel"],
    )
    assert list(experiment.x.columns) == ["engaged", "noise", "channel_phone", "channel_web"]
    table, curves = evaluate_uplift(experiment, small_models(), ks=(0.3,))
    assert list(table.index) == ["random", "two-model", "x-learner", "x-learner-logistic"]
    rows = table.to_dict(orient="index")
    for name in ("two-model", "x-learner", "x-learner-logistic"):
        assert rows[name]["uplift@30%"] > rows["random"]["uplift@30%"] + 0.08, table
        assert rows[name]["qini"] > 0.01
    assert abs(rows["random"]["qini"]) < 0.01
    assert table.ate.iloc[0] == pytest.approx(0.1, abs=0.03)
    assert curves["x-learner"].n.iloc[-1] == table.test_rows.iloc[0]


def test_predictions_rank_by_the_true_effect() -> None:
    frame = simulated(4000, seed=1)
    x = frame[["engaged", "noise"]]
    t = (frame.arm == "email").astype(int)
    model = XLearnerUplift(
        classifier=HistGradientBoostingClassifier(max_iter=40, min_samples_leaf=100),
        regressor=HistGradientBoostingRegressor(max_iter=40, min_samples_leaf=100),
    ).fit(x, t, frame.visit)
    grid = np.column_stack([[0.1, 0.3, 0.8, 0.95], np.zeros(4)])
    effect = model.predict(grid)
    assert effect[2:].min() > effect[:2].max() + 0.1
    assert uplift_at_k(frame.visit, t, model.predict(x.to_numpy()), 0.3) > 0.15


def test_experiments_are_validated() -> None:
    frame = simulated(200)
    with pytest.raises(ValueError, match="needs rows with 'mail'"):
        experiment_from_frame(
            frame, treatment_col="arm", treated="mail", control="none", outcome_col="visit"
        )
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['clicks'\]"):
        experiment_from_frame(
            frame, treatment_col="arm", treated="email", control="none", outcome_col="clicks"
        )
    with pytest.raises(ValueError, match="must be binary"):
        experiment_from_frame(
            frame, treatment_col="arm", treated="email", control="none", outcome_col="spend"
        )
    x = frame[["engaged"]]
    with pytest.raises(ValueError, match="both treated"):
        TwoModelUplift().fit(x, np.ones(200), frame.visit)
    with pytest.raises(ValueError, match="one row each"):
        TwoModelUplift().fit(x, np.ones(10), frame.visit)
    with pytest.raises(ValueError, match="propensity must be"):
        XLearnerUplift(propensity="magic").fit(x, frame.arm == "email", frame.visit)
    with pytest.raises(ValueError, match="not fitted"):
        XLearnerUplift().predict(x)
