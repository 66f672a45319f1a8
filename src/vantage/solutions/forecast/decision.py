"""Purchase-decision view: a price band per month ahead and the chance of exceeding a level."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vantage.solutions.forecast.intervals import ErrorBank


def probability_above(
    final: pd.DataFrame, banks: dict[tuple[str, str], ErrorBank], level: float
) -> np.ndarray:
    """Chance that each forecast value ends above ``level``.

    The predictive distribution of a row is its forecast plus the backtest errors of the chosen
    model at that step (scaled back to the series), the same distribution as its intervals.

    Args:
        final: Rows with ``step, horizon, model, yhat, scale`` (``Forecaster.final_``).
        banks: ``(horizon, model)`` -> errors (``Evaluation.banks``).
        level: Price (or quantity) level.

    Returns:
        One probability per row.
    """
    out = np.full(len(final), np.nan)
    for (horizon, model), rows in final.groupby(["horizon", "model"], sort=False):
        bank = banks[(str(horizon), str(model))]
        samples = bank.samples(rows["step"].to_numpy())
        for pos, (step, yhat, scale) in zip(
            final.index.get_indexer(rows.index),
            rows[["step", "yhat", "scale"]].itertuples(index=False),
            strict=True,
        ):
            sample = samples[int(step)]
            if len(sample):
                out[pos] = float(np.mean(yhat + sample * scale > level))
    return out


def monthly_view(
    final: pd.DataFrame,
    banks: dict[tuple[str, str], ErrorBank],
    level: float | None = None,
    interval: int = 80,
) -> pd.DataFrame:
    """One row per series and calendar month ahead: the expected price and its band.

    Args:
        final: ``Forecaster.final_``.
        banks: ``Evaluation.banks``.
        level: Optional threshold: adds ``p_above`` (mean chance, over the month's forecast
            dates, that the price is above ``level``).
        interval: Which interval level makes the band (must be one the forecast has).

    Returns:
        ``unique_id, month, expected, low, high`` (and ``p_above``), ``low``/``high`` being the
        month's average of the interval bounds.
    """
    frame = final.copy()
    frame["month"] = frame["ds"].dt.to_period("M").astype(str)
    if level is not None:
        frame["p_above"] = probability_above(final, banks, level)
    agg = {"yhat": "mean", f"lo_{interval}": "mean", f"hi_{interval}": "mean"}
    if level is not None:
        agg["p_above"] = "mean"
    view = frame.groupby(["unique_id", "month"], sort=True).agg(agg).reset_index()
    return view.rename(
        columns={"yhat": "expected", f"lo_{interval}": "low", f"hi_{interval}": "high"}
    )
