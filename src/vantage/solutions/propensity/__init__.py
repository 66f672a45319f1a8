"""Propensity to convert: calibrated gradient boosting with SHAP top factors.

* :class:`PropensityModel`: isotonic-calibrated LightGBM; ``top_factors`` explains each score.
* :class:`LogisticBaseline`: the named baseline.
* :func:`cross_validate`: stratified k-fold ROC-AUC / PR-AUC of both on a table.
* :func:`purchase_dataset`, :func:`time_split`: propensity to purchase in the next N days on a
  workspace, trained and tested on consecutive windows.
* :func:`leak_flags`: known leaking columns (Online Shoppers' ``PageValues``).
"""

from vantage.solutions.propensity.evaluate import (
    cross_validate,
    purchase_dataset,
    scores,
    time_split,
)
from vantage.solutions.propensity.model import (
    LEAKY_COLUMNS,
    LogisticBaseline,
    PropensityInputError,
    PropensityModel,
    leak_flags,
)

__all__ = [
    "LEAKY_COLUMNS",
    "LogisticBaseline",
    "PropensityInputError",
    "PropensityModel",
    "cross_validate",
    "leak_flags",
    "purchase_dataset",
    "scores",
    "time_split",
]
