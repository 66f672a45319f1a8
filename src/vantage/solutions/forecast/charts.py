"""Charts of history, forecast and intervals: PNG (matplotlib) and interactive HTML (plotly)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def _series(forecast: pd.DataFrame, max_series: int) -> list[str]:
    return list(dict.fromkeys(forecast["unique_id"]))[:max_series]


def save_png(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    path: Path,
    *,
    level: int = 80,
    last: int = 250,
    max_series: int = 6,
) -> Path:
    """Draw the last ``last`` points of each series, the forecast and its interval.

    Args:
        history: Canonical long frame.
        forecast: ``Forecaster.forecast_``.
        path: PNG file to write.
        level: Interval level to shade.
        last: History points shown per series.
        max_series: Series drawn (one panel each).

    Returns:
        The path written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ids = _series(forecast, max_series)
    fig, axes = plt.subplots(len(ids), 1, figsize=(10, 3 * len(ids)), squeeze=False)
    for ax, uid in zip(axes[:, 0], ids, strict=True):
        past = history[history["unique_id"] == uid].tail(last)
        future = forecast[forecast["unique_id"] == uid]
        ax.plot(past["ds"], past["y"], color="black", lw=1, label="history")
        ax.plot(future["ds"], future["yhat"], color="tab:blue", lw=1.5, label="forecast")
        ax.fill_between(
            future["ds"],
            future[f"lo_{level}"],
            future[f"hi_{level}"],
            color="tab:blue",
            alpha=0.25,
            label=f"{level}% interval",
        )
        ax.set_title(f"{uid}: {', '.join(dict.fromkeys(future['model']))}", fontsize=10)
        ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def save_html(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    path: Path,
    *,
    level: int = 80,
    last: int = 250,
    max_series: int = 6,
) -> Path:
    """Write an interactive chart (plotly.js embedded, so it opens offline).

    Args: as :func:`save_png`.

    Returns:
        The path written.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for uid in _series(forecast, max_series):
        past = history[history["unique_id"] == uid].tail(last)
        future = forecast[forecast["unique_id"] == uid]
        band_x = pd.concat([future["ds"], future["ds"][::-1]])
        band_y = pd.concat([future[f"hi_{level}"], future[f"lo_{level}"][::-1]])
        fig.add_scatter(x=past["ds"], y=past["y"], name=f"{uid} history", mode="lines")
        fig.add_scatter(
            x=band_x, y=band_y, fill="toself", opacity=0.25, name=f"{uid} {level}%", mode="none"
        )
        fig.add_scatter(x=future["ds"], y=future["yhat"], name=f"{uid} forecast", mode="lines")
    fig.update_layout(title="Forecast", hovermode="x unified")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    return path
