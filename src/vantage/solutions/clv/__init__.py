"""Customer lifetime value and churn risk for non-contractual businesses.

* :class:`BetaGeoModel`, :class:`ParetoNBDModel`: repeat purchases and probability alive
  (``churn risk = 1 - p_alive``), fitted by maximum likelihood with ``lifetimes``.
* :class:`GammaGammaModel`: spend per transaction.
* :class:`GradientBoostingCLV`: LightGBM on the shared features (the machine-learning
  alternative).
* :class:`CLVSolution`: fits them on a calibration period, predicts, and evaluates each against
  a naive baseline on a holdout.

Degenerate probabilistic fits raise :class:`DegenerateFitWarning`.
"""

from vantage.solutions.clv.ml import GradientBoostingCLV
from vantage.solutions.clv.probabilistic import (
    BetaGeoModel,
    CLVInputError,
    DegenerateFitWarning,
    GammaGammaModel,
    ParetoNBDModel,
    degenerate_params,
)
from vantage.solutions.clv.solution import MODELS, CLVSolution

__all__ = [
    "MODELS",
    "BetaGeoModel",
    "CLVInputError",
    "CLVSolution",
    "DegenerateFitWarning",
    "GammaGammaModel",
    "GradientBoostingCLV",
    "ParetoNBDModel",
    "degenerate_params",
]
