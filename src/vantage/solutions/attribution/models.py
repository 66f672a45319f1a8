"""Model names as users type them, and running several models side by side."""

from __future__ import annotations

import pandas as pd

from vantage.solutions.attribution.base import Attribution
from vantage.solutions.attribution.heuristic import RULES, HeuristicAttribution
from vantage.solutions.attribution.journeys import AttributionError
from vantage.solutions.attribution.markov import MarkovAttribution
from vantage.solutions.attribution.shapley import ShapleyAttribution

MODEL_NAMES: tuple[str, ...] = (
    *(r.replace("_", "-") for r in RULES),
    "markov",
    "markov-2",
    "markov-3",
    "shapley",
)


def make_model(name: str) -> Attribution:
    """The attribution model called ``name`` (see :data:`MODEL_NAMES`).

    Raises:
        AttributionError: The name is unknown.
    """
    key = name.strip().lower().replace("_", "-")
    if key in ("first-touch", "last-touch", "linear", "time-decay", "position-based"):
        return HeuristicAttribution(rule=key.replace("-", "_"))  # type: ignore[arg-type]
    if key == "markov":
        return MarkovAttribution(order=1)
    if key.startswith("markov-") and key[7:].isdigit() and int(key[7:]) >= 1:
        return MarkovAttribution(order=int(key[7:]))
    if key == "shapley":
        return ShapleyAttribution()
    raise AttributionError(
        f"Unknown attribution model {name!r}.", f"Use one of {', '.join(MODEL_NAMES)}."
    )


def compare_models(journeys: pd.DataFrame, names: list[str] | None = None) -> pd.DataFrame:
    """Conversions credited to each channel by each model, one column per model.

    Args:
        journeys: Journeys to attribute.
        names: Model names; all of :data:`MODEL_NAMES` when omitted.

    Returns:
        A frame indexed by channel with one column of conversions per model.
    """
    columns = {}
    for name in names or list(MODEL_NAMES):
        model = make_model(name).fit(journeys)
        columns[name] = model.attribution_.set_index("channel")["conversions"]
    return pd.DataFrame(columns).fillna(0.0)


def error_against_truth(credited: pd.DataFrame, truth: pd.Series) -> pd.DataFrame:
    """How far each model's channel shares are from the true incremental shares.

    Args:
        credited: Conversions per channel (rows) and model (columns), as from
            :func:`compare_models`.
        truth: True incremental conversions per channel.

    Returns:
        Per model: ``share_mae`` (mean absolute error of channel shares, in share points),
        ``total_variation`` (half the L1 distance between share vectors) and the channel each
        model over-credits most.
    """
    channels = sorted(set(credited.index) | set(truth.index))
    true = truth.reindex(channels).fillna(0.0)
    true_share = true / true.sum() if true.sum() else true
    rows = []
    for model in credited.columns:
        got = credited[model].reindex(channels).fillna(0.0)
        share = got / got.sum() if got.sum() else got
        diff = share - true_share
        rows.append(
            {
                "model": model,
                "share_mae": float(diff.abs().mean()),
                "total_variation": float(diff.abs().sum() / 2),
                "most_over_credited": str(diff.idxmax()),
            }
        )
    return pd.DataFrame(rows).set_index("model")
