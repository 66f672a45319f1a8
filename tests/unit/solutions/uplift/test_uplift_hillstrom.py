"""Hillstrom (Womens e-mail vs no e-mail, outcome visit): the issue's target on a held-out 30%."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.datasets.registry import load
from vantage.services.uplift import HILLSTROM
from vantage.solutions.uplift import (
    TwoModelUplift,
    XLearnerUplift,
    evaluate_uplift,
    experiment_from_frame,
)

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def test_x_learner_reaches_the_target_uplift_at_30_percent(data_mirror: Path) -> None:
    experiment = experiment_from_frame(
        load("hillstrom", mirror=data_mirror),
        treatment_col=str(HILLSTROM["treatment_col"]),
        treated=HILLSTROM["treated"],
        control=HILLSTROM["control"],
        outcome_col=str(HILLSTROM["outcome_col"]),
        features=list(HILLSTROM["features"]),
    )
    assert len(experiment.y) == 42693
    assert not {"spend", "conversion"} & set(experiment.x.columns)
    table, _ = evaluate_uplift(
        experiment, {"two-model": TwoModelUplift(), "x-learner": XLearnerUplift()}, ks=(0.3,)
    )
    rows = table.to_dict(orient="index")
    assert rows["x-learner"]["uplift@30%"] >= 0.071, table
    assert rows["random"]["uplift@30%"] < 0.055
    assert rows["two-model"]["qini"] > 0 and rows["x-learner"]["qini"] > 0
