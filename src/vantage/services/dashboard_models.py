"""What the dashboard's Models and Forecasts pages show.

Models come from the model cards (``<home>/models/<name>/<version>/card.json``) and the plots
logged to MLflow with each run. Forecasts compare models on the workspace's weekly demand
(``Order Completed`` events: total, per store, per store and category) with
:func:`vantage.services.forecast.run_frame`, a backtest per horizon and intervals.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from vantage.core.errors import VantageError
from vantage.core.settings import Settings
from vantage.services.models import list_models, tracking_uri

FORECAST_MODELS = ("naive", "seasonal_naive", "theta")
FORECAST_HORIZONS = {"4w": 4, "12w": 12}
HISTORY_POINTS = 104
TOTAL = "Total"


def _plots(settings: Settings, run_id: str | None) -> list[str]:
    """Names of the PNG plots MLflow stored for a run (local file stores only)."""
    uri = tracking_uri(settings)
    if not run_id or not uri.startswith("file:"):
        return []
    root = Path(uri.removeprefix("file://"))
    return sorted(p.stem for p in root.glob(f"*/{run_id}/artifacts/plots/*.png"))


def plot_path(settings: Settings, name: str, version: str, plot: str) -> Path | None:
    """The PNG file of one stored plot of a model version, or None."""
    for card in list_models(settings):
        if (
            card["name"] == name
            and card["version"] == version
            and plot in _plots(settings, card.get("run_id"))
        ):
            root = Path(tracking_uri(settings).removeprefix("file://"))
            found = sorted(root.glob(f"*/{card['run_id']}/artifacts/plots/{plot}.png"))
            return found[0] if found else None
    return None


def model_boards(settings: Settings) -> list[dict[str, Any]]:
    """Per model name: the latest card's leaderboard, metric history per version and plots.

    Returns:
        One dict per model: ``name``, ``description``, ``baseline``, ``version``, ``metrics``
        (the metric names), ``rows`` (candidate, then one value per metric), ``history``
        (version, candidate -> headline metric) and ``plots``.
    """
    cards = list_models(settings)
    names = sorted({c["name"] for c in cards})
    boards = []
    for name in names:
        versions = sorted((c for c in cards if c["name"] == name), key=lambda c: c["version"])
        latest = versions[-1]
        metric_names = list(latest.get("metric_names", []))
        rows = [
            [candidate, *[_number(values.get(m)) for m in metric_names]]
            for candidate, values in latest.get("metrics", {}).items()
        ]
        headline = metric_names[0] if metric_names else None
        history = [
            {
                "version": c["version"],
                "values": {k: _number(v.get(headline)) for k, v in c.get("metrics", {}).items()},
            }
            for c in versions
            if headline
        ]
        boards.append(
            {
                "name": name,
                "description": latest.get("description", ""),
                "baseline": latest.get("baseline", ""),
                "evaluation": latest.get("evaluation", ""),
                "version": latest["version"],
                "metrics": metric_names,
                "headline": headline,
                "rows": rows,
                "history": history,
                "plots": _plots(settings, latest.get("run_id")),
            }
        )
    return boards


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else round(number, 4)


def demand_series(settings: Settings) -> pd.DataFrame:
    """Weekly units sold as long series ``unique_id, ds, y``: total, per store, per category.

    Raises:
        ForecastError: The warehouse holds no orders.
    """
    from vantage.services.forecast_data import demand_bottom

    bottom = demand_bottom(settings, "W")
    parts = [bottom.groupby("ds", as_index=False)["y"].sum().assign(unique_id=TOTAL)]
    by_store = bottom.groupby(["store", "ds"], as_index=False)["y"].sum()
    parts.append(by_store.assign(unique_id="store " + by_store["store"]))
    online = bottom[bottom["store"] == "online"]
    parts.append(online.assign(unique_id="online / " + online["category"]))
    frame = pd.concat(parts, ignore_index=True)[["unique_id", "ds", "y"]]
    return frame.sort_values(["unique_id", "ds"]).reset_index(drop=True)


def forecast_series(series: pd.DataFrame) -> dict[str, Any]:
    """Backtest the models on one series, forecast with the best per horizon.

    Args:
        series: ``unique_id, ds, y`` of one series (weekly, weeks starting on Monday).

    Returns:
        ``history`` (ds, y), ``forecast`` (ds, horizon, model, yhat, lo_80, hi_80, lo_95,
        hi_95), ``leaderboard`` (horizon, model, rank, mase, rel_mase, smape, selected) and
        ``selection`` (horizon -> model).

    Raises:
        VantageError: The series is too short to backtest.
    """
    from vantage.services.forecast import run_frame

    if len(series) < 30:
        raise VantageError(
            f"The series has {len(series)} weeks; the backtest needs at least 30.",
            "Pick a series with more history.",
        )
    run = run_frame(series, "W-MON", FORECAST_HORIZONS, models=list(FORECAST_MODELS), n_origins=3)
    fc = run.forecaster
    board = fc.leaderboard_
    keep = [
        c
        for c in ("horizon", "model", "rank", "mase", "rel_mase", "smape", "selected")
        if c in board.columns
    ]
    history = series.tail(HISTORY_POINTS)
    return {
        "history": {
            "ds": [d.strftime("%Y-%m-%d") for d in pd.to_datetime(history["ds"])],
            "y": [float(v) for v in history["y"]],
        },
        "forecast": _records(fc.forecast_),
        "leaderboard": _records(board[keep]),
        "selection": dict(fc.selection_),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.copy()
    for col in clean.columns:
        if pd.api.types.is_datetime64_any_dtype(clean[col]):
            clean[col] = clean[col].dt.strftime("%Y-%m-%d")
    clean = clean.astype(object).where(clean.notna(), None)
    return [
        {str(k): _number(v) if isinstance(v, float) else v for k, v in r.items()}
        for r in clean.to_dict("records")
    ]
