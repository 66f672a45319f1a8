"""Multi-touch attribution: which channels earned the conversions.

Journeys (ordered touchpoints per customer up to a conversion or not) go in; each model credits
conversions and value to channels. Heuristic rules, the Markov-chain removal effect (any order)
and Shapley values, all implemented here (ChannelAttribution is used only as a benchmark peer).
"""

from vantage.solutions.attribution.base import RESULT_COLUMNS, Attribution
from vantage.solutions.attribution.heuristic import RULES, HeuristicAttribution
from vantage.solutions.attribution.journeys import (
    JOURNEY_COLUMNS,
    AttributionError,
    aggregate_paths,
    build_journeys,
    journeys_from_paths,
)
from vantage.solutions.attribution.markov import MarkovAttribution
from vantage.solutions.attribution.models import (
    MODEL_NAMES,
    compare_models,
    error_against_truth,
    make_model,
)
from vantage.solutions.attribution.shapley import ShapleyAttribution

__all__ = [
    "JOURNEY_COLUMNS",
    "MODEL_NAMES",
    "RESULT_COLUMNS",
    "RULES",
    "Attribution",
    "AttributionError",
    "HeuristicAttribution",
    "MarkovAttribution",
    "ShapleyAttribution",
    "aggregate_paths",
    "build_journeys",
    "compare_models",
    "error_against_truth",
    "journeys_from_paths",
    "make_model",
]
