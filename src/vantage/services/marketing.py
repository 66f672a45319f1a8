"""Marketing measurement on a workspace: attribution, marketing-mix model, budget plan.

Results are kept under ``<home>/marketing/`` (``attribution.json``, ``mmm.json`` and the
posterior draws in ``mmm.npz``) so the API and later commands read them without refitting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from vantage.core.errors import VantageError
from vantage.services.context import ServiceContext
from vantage.services.marketing_data import touchpoints, weekly_spend_and_sales
from vantage.services.warehouse import open_warehouse
from vantage.solutions.attribution import MODEL_NAMES, build_journeys, compare_models
from vantage.solutions.mmm.optimise import BudgetPlan, optimise_budget
from vantage.solutions.mmm.response import ResponseSamples


class MarketingResultMissingError(VantageError):
    """A result was asked for before it was computed."""


def marketing_dir(ctx: ServiceContext) -> Path:
    """Where marketing results of this workspace live."""
    return Path(ctx.settings.home) / "marketing"


@dataclass
class AttributionReport:
    """Conversions credited per channel (rows) by each model (columns)."""

    table: pd.DataFrame
    journeys: int
    converting_journeys: int
    conversions_total: int
    lookback_days: float | None
    resolved: bool

    def as_dict(self) -> dict[str, Any]:
        """Plain data (what ``attribution.json`` holds)."""
        return {
            "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "journeys": self.journeys,
            "converting_journeys": self.converting_journeys,
            "conversions_total": self.conversions_total,
            "lookback_days": self.lookback_days,
            "identity_resolved": self.resolved,
            "models": list(self.table.columns),
            "channels": [
                {"channel": str(c), **{m: float(v) for m, v in row.items()}}
                for c, row in self.table.iterrows()
            ],
        }


def journeys(
    ctx: ServiceContext, *, lookback_days: float | None = 30.0, resolve_identities: bool = True
) -> tuple[pd.DataFrame, int]:
    """The workspace's journeys, and the number of conversions (attributable or direct)."""
    with open_warehouse(ctx.settings) as store:
        touches, conversions = touchpoints(store, resolve_identities=resolve_identities)
    frame = build_journeys(touches, conversions, lookback_days=lookback_days)
    return frame, len(conversions)


def run_attribution(
    ctx: ServiceContext,
    models: list[str] | None = None,
    *,
    lookback_days: float | None = 30.0,
    resolve_identities: bool = True,
    save: bool = True,
) -> AttributionReport:
    """Attribute the workspace's conversions with each model and keep the result.

    Args:
        ctx: The workspace.
        models: Model names (see :data:`MODEL_NAMES`); all when omitted.
        lookback_days: Attribution window.
        resolve_identities: Join devices of one customer through ``identity_map``.
        save: Write ``attribution.json`` for the API.
    """
    frame, conversions = journeys(
        ctx, lookback_days=lookback_days, resolve_identities=resolve_identities
    )
    table = compare_models(frame, models or list(MODEL_NAMES))
    report = AttributionReport(
        table=table,
        journeys=len(frame),
        converting_journeys=int((frame["conversions"] > 0).sum()),
        conversions_total=conversions,
        lookback_days=lookback_days,
        resolved=resolve_identities,
    )
    if save:
        folder = marketing_dir(ctx)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "attribution.json").write_text(json.dumps(report.as_dict(), indent=2))
    return report


def load_attribution(ctx: ServiceContext) -> dict[str, Any]:
    """The last saved attribution result.

    Raises:
        MarketingResultMissingError: Attribution has not been run on this workspace.
    """
    path = marketing_dir(ctx) / "attribution.json"
    if not path.exists():
        raise MarketingResultMissingError(
            "No attribution result yet for this workspace.", "Run `vantage attribution` first."
        )
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def weekly_data(ctx: ServiceContext) -> pd.DataFrame:
    """Weekly spend per channel, sales and controls from the warehouse."""
    with open_warehouse(ctx.settings) as store:
        return weekly_spend_and_sales(store)


def fit_mmm(
    ctx: ServiceContext,
    *,
    method: Literal["nuts", "advi"] = "nuts",
    draws: int = 500,
    tune: int = 500,
    chains: int = 2,
    l_max: int = 8,
    data: pd.DataFrame | None = None,
    controls: list[str] | None = None,
) -> dict[str, Any]:
    """Fit the marketing-mix model on the workspace's weekly data and keep the posterior.

    Args:
        ctx: The workspace (results go to ``<home>/marketing``).
        method: ``nuts`` or ``advi``.
        draws: Posterior draws per chain.
        tune: Tuning steps per chain.
        chains: Chains.
        l_max: Longest carry-over in weeks.
        data: Weekly data to use instead of the warehouse's (``week_start``, ``sales``, spend
            columns, controls).
        controls: Control columns; ``peak`` (when it varies) by default.

    Returns:
        The summary written to ``mmm.json`` (contributions and ROI with intervals).
    """
    from vantage.solutions.mmm.model import MarketingMixModel, use_compiledir

    use_compiledir(Path(ctx.settings.home) / "cache" / "pytensor")
    frame = weekly_data(ctx) if data is None else data
    if controls is None:
        controls = ["peak"] if "peak" in frame.columns and frame["peak"].nunique() > 1 else []
    skip = {"week_start", "sales", "peak", *controls}
    channels = [c for c in frame.columns if c not in skip and float(frame[c].sum()) > 0]
    model = MarketingMixModel(
        channels=channels,
        controls=controls or None,
        l_max=l_max,
        method=method,
        draws=draws,
        tune=tune,
        chains=chains,
    ).fit(frame)
    summary = {
        "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "method": method,
        "draws": model.response_.draws,
        "max_rhat": model.max_rhat_,
        "warnings": model.warnings_,
        "weeks": len(frame),
        "contributions": model.contributions_.to_dict(orient="records"),
        "roi": model.roi_.to_dict(orient="records"),
        "sales": frame["sales"].round(2).tolist(),
    }
    save_mmm(ctx, model.response_, model.last_spend_, model.max_spend_, summary)
    return summary


def save_mmm(
    ctx: ServiceContext,
    response: ResponseSamples,
    last_spend: np.ndarray,
    max_spend: np.ndarray,
    summary: dict[str, Any],
) -> Path:
    """Keep a fitted model's posterior response curves and summary for later commands.

    Args:
        ctx: The workspace.
        response: Posterior draws of the media parameters.
        last_spend: Recent weekly spend per channel (the "current" allocation).
        max_spend: Highest weekly spend per channel seen in the data.
        summary: Contributions, ROI and fit facts (written to ``mmm.json``).

    Returns:
        The folder written to.
    """
    folder = marketing_dir(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(
        folder / "mmm.npz",
        alpha=response.alpha,
        lam=response.lam,
        beta=response.beta,
        channel_scale=response.channel_scale,
        target_scale=np.array(response.target_scale),
        l_max=np.array(response.l_max),
        last_spend=np.asarray(last_spend, float),
        max_spend=np.asarray(max_spend, float),
        channels=np.array(response.channels),
    )
    (folder / "mmm.json").write_text(json.dumps(summary, indent=2))
    return folder


def load_mmm(ctx: ServiceContext) -> tuple[ResponseSamples, dict[str, np.ndarray], dict[str, Any]]:
    """The saved posterior response curves, recent spend, and the fit summary.

    Raises:
        MarketingResultMissingError: The MMM has not been fitted on this workspace.
    """
    folder = marketing_dir(ctx)
    if not (folder / "mmm.npz").exists():
        raise MarketingResultMissingError(
            "No fitted marketing-mix model for this workspace.", "Run `vantage mmm fit` first."
        )
    with np.load(folder / "mmm.npz") as saved:
        response = ResponseSamples(
            channels=[str(c) for c in saved["channels"]],
            alpha=saved["alpha"],
            lam=saved["lam"],
            beta=saved["beta"],
            channel_scale=saved["channel_scale"],
            target_scale=float(saved["target_scale"]),
            l_max=int(saved["l_max"]),
        )
        spend = {"last": saved["last_spend"], "max": saved["max_spend"]}
    return response, spend, json.loads((folder / "mmm.json").read_text())


def parse_bounds(
    text: list[str] | dict[str, tuple[float, float]] | None,
) -> dict[str, tuple[float, float]]:
    """Read ``channel=low:high`` strings (weekly spend) into a dict.

    Raises:
        VantageError: A bound is not ``channel=low:high`` with numbers.
    """
    if text is None:
        return {}
    if isinstance(text, dict):
        return {k: (float(v[0]), float(v[1])) for k, v in text.items()}
    out: dict[str, tuple[float, float]] = {}
    for item in text:
        try:
            channel, span = item.split("=", 1)
            low, high = span.split(":", 1)
            out[channel.strip()] = (float(low), float(high))
        except ValueError:
            raise VantageError(
                f"The bound {item!r} is not channel=low:high.",
                "Write bounds like paid_search=100:900 (weekly spend).",
            ) from None
    return out


def optimise(
    ctx: ServiceContext,
    budget: float | None = None,
    bounds: dict[str, tuple[float, float]] | None = None,
    *,
    weeks: int = 13,
    default_range: tuple[float, float] = (0.5, 2.0),
) -> BudgetPlan:
    """The weekly budget split that maximises expected sales on the fitted response curves.

    Args:
        ctx: The workspace (with a fitted MMM).
        budget: Weekly budget; the recent weekly spend (last 13 weeks) when omitted.
        bounds: Weekly spend bounds per channel; others get ``default_range`` times their
            recent spend (rescaled to the budget), with the upper bound capped at the highest
            weekly spend seen in the data when the budget still fits (so the plan does not
            rely on extrapolated response curves).
        weeks: Horizon of the reported sales and uplift.
        default_range: Bounds of unnamed channels, relative to their current spend.

    Raises:
        VantageError: A bound names an unknown channel, or the problem is infeasible.
    """
    response, spend, _ = load_mmm(ctx)
    current = np.asarray(spend["last"], float)
    total = float(budget) if budget is not None else float(current.sum())
    scaled = current * total / current.sum() if current.sum() > 0 else current
    lower, upper = scaled * default_range[0], scaled * default_range[1]
    capped = np.maximum(np.minimum(upper, np.asarray(spend["max"], float)), scaled)
    if capped.sum() >= total:
        upper = capped
    for channel, (low, high) in (bounds or {}).items():
        if channel not in response.channels:
            raise VantageError(
                f"The bounds name an unknown channel {channel!r}.",
                f"Use one of {', '.join(response.channels)}.",
            )
        i = response.channels.index(channel)
        lower[i], upper[i] = low, high
    plan = optimise_budget(response, total, lower, upper, current, weeks=weeks)
    folder = marketing_dir(ctx)
    (folder / "budget.json").write_text(json.dumps(plan.as_dict(), indent=2))
    return plan
