"""Hierarchical forecasts (e.g. total / store / category) made coherent by reconciliation.

Aggregation and reconciliation use Nixtla's hierarchicalforecast: bottom-up, and MinTrace
(``ols``: no residuals needed; ``wls_struct``: weights by how many bottom series a node sums).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vantage.solutions.forecast.data import ForecastError
from vantage.solutions.forecast.metrics import mase, naive_scale
from vantage.solutions.forecast.models import ForecastModel

RECONCILERS: tuple[str, ...] = ("BottomUp", "MinTrace_ols", "MinTrace_wls_struct")


@dataclass
class HierarchyResult:
    """A reconciled forecast and how reconciliation did on held-out data.

    Attributes:
        forecast: ``unique_id, ds`` and one column per method (``base`` and each reconciler).
        accuracy: MASE per level and method on the last ``h`` points held out.
        tags: Level name -> its node ids.
    """

    forecast: pd.DataFrame
    accuracy: pd.DataFrame
    tags: dict[str, list[str]]


def aggregate(
    bottom: pd.DataFrame, levels: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, np.ndarray]]:
    """Sum bottom series into every level of ``Total / levels[0] / levels[0]+levels[1] ...``.

    Args:
        bottom: ``ds, y`` and one column per level (e.g. ``store, category``).
        levels: Level columns from the top down.

    Returns:
        ``(Y_df, S_df, tags)`` as hierarchicalforecast expects.
    """
    from hierarchicalforecast.utils import aggregate as hf_aggregate

    missing = [c for c in (*levels, "ds", "y") if c not in bottom.columns]
    if missing:
        raise ForecastError(
            f"The bottom-level frame lacks columns {missing}.",
            f"Give ds, y and the level columns {list(levels)}.",
        )
    frame = bottom.assign(total="Total")
    frame[list(levels)] = frame[list(levels)].astype(str)
    spec = [["total"]] + [["total", *levels[: k + 1]] for k in range(len(levels))]
    y_df, s_df, tags = hf_aggregate(frame[["total", *levels, "ds", "y"]], spec)
    return y_df, s_df, tags


def reconcile(
    base: pd.DataFrame, s_df: pd.DataFrame, tags: dict[str, np.ndarray], column: str = "base"
) -> pd.DataFrame:
    """Reconcile base forecasts of every node with each method of :data:`RECONCILERS`.

    Args:
        base: ``unique_id, ds`` and the ``column`` of base forecasts, for every node.
        s_df: Summing matrix frame from :func:`aggregate`.
        tags: Levels from :func:`aggregate`.
        column: Column of base forecasts.

    Returns:
        ``base`` with one more column per method.
    """
    from hierarchicalforecast.core import HierarchicalReconciliation
    from hierarchicalforecast.methods import BottomUp, MinTrace

    engine = HierarchicalReconciliation(
        reconcilers=[BottomUp(), MinTrace(method="ols"), MinTrace(method="wls_struct")]
    )
    out = engine.reconcile(Y_hat_df=base[["unique_id", "ds", column]], S_df=s_df, tags=tags)
    rename = {
        f"{column}/BottomUp": "BottomUp",
        f"{column}/MinTrace_method-ols": "MinTrace_ols",
        f"{column}/MinTrace_method-wls_struct": "MinTrace_wls_struct",
    }
    out = out.rename(columns=rename)
    wanted = ["unique_id", "ds", column, *[m for m in RECONCILERS if m in out.columns]]
    return out[wanted]


def forecast_hierarchy(
    bottom: pd.DataFrame, levels: Sequence[str], model: ForecastModel, freq: str, h: int
) -> HierarchyResult:
    """Forecast every node with ``model``, reconcile, and score on the last ``h`` points.

    Args:
        bottom: ``ds, y`` and the level columns, one row per bottom series and date.
        levels: Level columns, top down (e.g. ``["store", "category"]``).
        model: Base model for every node.
        freq: Frequency of the dates.
        h: Steps ahead.

    Returns:
        The reconciled forecast from all the data, and the held-out accuracy by level.
    """
    y_df, s_df, tags = aggregate(bottom, levels)
    dates = np.sort(y_df["ds"].unique())
    if len(dates) <= 2 * h:
        raise ForecastError(
            f"{len(dates)} dates are too few to hold out {h} steps.",
            "Use a shorter horizon or more history.",
        )
    cutoff = dates[-h - 1]
    train, test = y_df[y_df["ds"] <= cutoff], y_df[y_df["ds"] > cutoff]
    held = reconcile(_base(model, train, freq, h), s_df, tags)
    held = held.merge(test, on=["unique_id", "ds"])
    scales = train.groupby("unique_id")["y"].apply(lambda s: naive_scale(s.to_numpy()))
    held["scale"] = held["unique_id"].map(scales)
    rows = []
    for level, ids in tags.items():
        part = held[held["unique_id"].isin(ids)]
        for method in ("base", *[m for m in RECONCILERS if m in held.columns]):
            rows.append(
                {
                    "level": level,
                    "method": method,
                    "mase": mase(
                        part["y"].to_numpy(), part[method].to_numpy(), part["scale"].to_numpy()
                    ),
                }
            )
    final = reconcile(_base(model, y_df, freq, h), s_df, tags)
    return HierarchyResult(
        final, pd.DataFrame(rows), {k: [str(v) for v in ids] for k, ids in tags.items()}
    )


def _base(model: ForecastModel, y_df: pd.DataFrame, freq: str, h: int) -> pd.DataFrame:
    out = model.forecast(y_df[["unique_id", "ds", "y"]], h, freq)
    return out.rename(columns={"yhat": "base"})
