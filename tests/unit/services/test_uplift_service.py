"""Uplift on an experiment file: evaluate, train, score customers for next best action."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vantage.services import uplift
from vantage.services.context import ServiceContext


def experiment_file(folder: Path, n: int = 3000) -> Path:
    rng = np.random.default_rng(0)
    engaged = rng.uniform(size=n)
    arm = np.where(rng.uniform(size=n) < 0.5, "mail", "none")
    visit = rng.uniform(size=n) < 0.1 + 0.3 * (engaged > 0.5) * (arm == "mail")
    path = folder / "test.csv"
    pd.DataFrame(
        {"id": range(n), "engaged": engaged, "arm": arm, "visit": visit.astype(int)}
    ).to_csv(path, index=False)
    return path


def spec(path: Path, **changes: str) -> uplift.ExperimentSpec:
    options = {"treatment_col": "arm", "treated": "mail", "control": "none", "outcome_col": "visit"}
    options.update(changes)
    return uplift.ExperimentSpec(str(path), **options, features=("engaged",))


def test_evaluate_train_and_score(home: Path, tmp_path: Path) -> None:
    path = experiment_file(tmp_path)
    ctx = ServiceContext()
    ctx.workspace.init()
    table = uplift.evaluate(spec(path))
    assert {"random", "two-model", "x-learner"} == set(table.index)
    rows = table.to_dict(orient="index")
    assert rows["x-learner"]["uplift@30%"] > rows["random"]["uplift@30%"]
    card = uplift.train(ctx, spec(path))
    assert card["params"]["features"] == ["engaged"]
    customers = pd.DataFrame({"customer_id": ["low", "high"], "engaged": [0.1, 0.9]})
    scores = uplift.score_customers(ctx, customers)
    assert scores.customer_id.tolist() == ["high", "low"]
    assert scores.score.iloc[0] > scores.score.iloc[1] + 0.1


def test_bad_experiments_are_clear_errors(home: Path, tmp_path: Path) -> None:
    path = experiment_file(tmp_path, 200)
    with pytest.raises(uplift.UpliftError, match="No experiment file"):
        uplift.evaluate(uplift.ExperimentSpec(str(tmp_path / "missing.csv")))
    with pytest.raises(uplift.UpliftError, match="needs treatment_col"):
        uplift.evaluate(uplift.ExperimentSpec(str(path)))
    with pytest.raises(uplift.UpliftError, match="needs rows with 'email'"):
        uplift.evaluate(spec(path, treated="email"))
    with pytest.raises(uplift.UpliftError, match="Unknown uplift model"):
        uplift.train(ServiceContext(), spec(path), model="s-learner")
