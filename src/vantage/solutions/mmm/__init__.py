"""Marketing-mix modelling and budget optimisation.

:class:`MarketingMixModel` (PyMC-Marketing underneath) learns each channel's adstock and
saturation from weekly spend and sales; :func:`optimise_budget` splits a budget to maximise
expected sales on the posterior response curves; :mod:`.simulate` draws data with known truth.
"""

from vantage.solutions.mmm.model import MarketingMixModel, MMMError, use_compiledir
from vantage.solutions.mmm.optimise import (
    BudgetPlan,
    OptimisationError,
    check_optimality,
    optimise_budget,
)
from vantage.solutions.mmm.response import (
    ResponseSamples,
    geometric_adstock,
    logistic_saturation,
)
from vantage.solutions.mmm.simulate import SimulatedMMM, simulate_mmm

__all__ = [
    "BudgetPlan",
    "MMMError",
    "MarketingMixModel",
    "OptimisationError",
    "ResponseSamples",
    "SimulatedMMM",
    "check_optimality",
    "geometric_adstock",
    "logistic_saturation",
    "optimise_budget",
    "simulate_mmm",
    "use_compiledir",
]
