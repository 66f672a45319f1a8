"""Marketing charts as PNG (matplotlib) and interactive HTML (plotly, no CDN).

Contribution waterfall (baseline then each channel up to total sales), response curves with
their 94% interval, and the recommended against the current weekly budget.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from vantage.services.context import ServiceContext
from vantage.services.marketing import MarketingResultMissingError, load_mmm, marketing_dir
from vantage.solutions.mmm.response import ResponseSamples

INTERVAL = (0.03, 0.97)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _html(fig: Any, path: Path) -> Path:
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    return path


def waterfall(summary: dict[str, Any], folder: Path) -> list[Path]:
    """Total sales split into baseline and each channel's contribution."""
    import plotly.graph_objects as go

    total = float(sum(summary["sales"]))
    parts = {r["channel"]: float(r["mean"]) for r in summary["contributions"]}
    baseline = total - sum(parts.values())
    labels = ["baseline", *parts, "total sales"]
    values = [baseline, *parts.values()]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4))
    bottom = 0.0
    for label, v in zip(labels[:-1], values, strict=True):
        ax.bar(label, v, bottom=bottom, color="tab:gray" if label == "baseline" else "tab:blue")
        bottom += v
    ax.bar("total sales", total, color="black")
    ax.set_ylabel("sales over the data")
    ax.set_title("Contribution waterfall (posterior mean)")
    fig.tight_layout()
    png = folder / "contribution_waterfall.png"
    fig.savefig(png, dpi=100)
    plt.close(fig)
    chart = go.Figure(
        go.Waterfall(
            x=labels,
            y=[*values, total],
            measure=["relative"] * len(values) + ["total"],
        )
    )
    chart.update_layout(title="Contribution waterfall (posterior mean)")
    return [png, _html(chart, folder / "contribution_waterfall.html")]


def response_curves(response: ResponseSamples, max_spend: np.ndarray, folder: Path) -> list[Path]:
    """Steady-state weekly sales against weekly spend, per channel, with a 94% band."""
    import plotly.graph_objects as go

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4))
    chart = go.Figure()
    for c, channel in enumerate(response.channels):
        grid = np.linspace(0, 1.5 * float(max_spend[c]), 60)
        draws = np.stack([response.weekly_response(_only(c, s, response))[:, c] for s in grid], 1)
        mean = draws.mean(0)
        lo, hi = np.quantile(draws, INTERVAL, axis=0)
        (line,) = ax.plot(grid, mean, label=channel)
        ax.fill_between(grid, lo, hi, color=line.get_color(), alpha=0.2)
        chart.add_trace(go.Scatter(x=grid, y=mean, name=channel, mode="lines"))
        chart.add_trace(
            go.Scatter(
                x=np.concatenate([grid, grid[::-1]]),
                y=np.concatenate([hi, lo[::-1]]),
                fill="toself",
                opacity=0.2,
                line={"width": 0},
                showlegend=False,
                name=f"{channel} 94%",
            )
        )
    ax.set_xlabel("weekly spend")
    ax.set_ylabel("weekly sales from the channel")
    ax.set_title("Response curves (94% interval)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    png = folder / "response_curves.png"
    fig.savefig(png, dpi=100)
    plt.close(fig)
    chart.update_layout(title="Response curves (94% interval)", xaxis_title="weekly spend")
    return [png, _html(chart, folder / "response_curves.html")]


def _only(c: int, spend: float, response: ResponseSamples) -> np.ndarray:
    x = np.zeros(len(response.channels))
    x[c] = spend
    return x


def budget_comparison(plan: dict[str, Any], folder: Path) -> list[Path]:
    """Current against recommended weekly spend per channel."""
    import plotly.graph_objects as go

    channels = [r["channel"] for r in plan["channels"]]
    current = [r["current"] for r in plan["channels"]]
    recommended = [r["recommended"] for r in plan["channels"]]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4))
    x = np.arange(len(channels))
    ax.bar(x - 0.2, current, 0.4, label="current")
    ax.bar(x + 0.2, recommended, 0.4, label="recommended")
    ax.set_xticks(x, channels)
    ax.set_ylabel("weekly spend")
    mean, lo, hi = plan["uplift"]
    ax.set_title(f"Budget: expected uplift {mean:,.0f} ({lo:,.0f} to {hi:,.0f})")
    ax.legend()
    fig.tight_layout()
    png = folder / "budget.png"
    fig.savefig(png, dpi=100)
    plt.close(fig)
    chart = go.Figure(
        [
            go.Bar(x=channels, y=current, name="current"),
            go.Bar(x=channels, y=recommended, name="recommended"),
        ]
    )
    chart.update_layout(title="Recommended against current weekly budget", barmode="group")
    return [png, _html(chart, folder / "budget.html")]


def write_charts(ctx: ServiceContext) -> list[Path]:
    """Draw every chart the saved results allow into ``<home>/marketing/charts``.

    Raises:
        MarketingResultMissingError: No MMM has been fitted yet.
    """
    response, spend, summary = load_mmm(ctx)
    folder = marketing_dir(ctx) / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = waterfall(summary, folder) + response_curves(response, spend["max"], folder)
    budget = marketing_dir(ctx) / "budget.json"
    if budget.exists():
        paths += budget_comparison(json.loads(budget.read_text()), folder)
    return paths


__all__ = [
    "MarketingResultMissingError",
    "budget_comparison",
    "response_curves",
    "waterfall",
    "write_charts",
]
