"""Uplift modelling: who changes behaviour because of a treatment (an e-mail, an offer)."""

from vantage.solutions.uplift.evaluate import Experiment, evaluate_uplift, experiment_from_frame
from vantage.solutions.uplift.learners import (
    TwoModelUplift,
    XLearnerUplift,
    check_experiment,
    default_classifier,
    default_regressor,
)
from vantage.solutions.uplift.metrics import (
    auuc,
    qini_coefficient,
    uplift_at_k,
    uplift_curves,
    uplift_report,
)

__all__ = [
    "Experiment",
    "TwoModelUplift",
    "XLearnerUplift",
    "auuc",
    "check_experiment",
    "default_classifier",
    "default_regressor",
    "evaluate_uplift",
    "experiment_from_frame",
    "qini_coefficient",
    "uplift_at_k",
    "uplift_curves",
    "uplift_report",
]
