"""Budget allocation that maximises expected sales under per-channel bounds.

The objective is the posterior mean of total steady-state weekly response. SLSQP is run on a
well-scaled problem: spend as fractions of the budget and response relative to the response of
the starting allocation, so neither a budget in millions nor sales in pennies can make the
gradient look like zero. That is the known failure of naive set-ups (PyMC-Marketing issues
#1070, #1624, #1681): the optimiser stops at its starting point, the equal split. After solving,
the optimality conditions are checked (channels inside their bounds earn equal marginal
returns, channels at a bound earn less or more), and a plan that fails them is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from vantage.core.errors import VantageError
from vantage.solutions.mmm.response import ResponseSamples

INTERVAL = (0.03, 0.97)


class OptimisationError(VantageError):
    """The budget problem is infeasible or the optimiser did not find an optimum."""


@dataclass
class BudgetPlan:
    """A recommended weekly allocation and what it is expected to earn over ``weeks``.

    ``*_sales`` are (mean, low, high) over posterior draws of the media-driven sales over the
    horizon (94% interval); ``uplift`` is recommended minus current, per draw.
    """

    channels: list[str]
    current: np.ndarray
    recommended: np.ndarray
    weeks: int
    current_sales: tuple[float, float, float]
    recommended_sales: tuple[float, float, float]
    uplift: tuple[float, float, float]
    probability_of_uplift: float
    iterations: int
    starts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """Plain data (for JSON output)."""
        return {
            "weeks": self.weeks,
            "channels": [
                {"channel": c, "current": float(a), "recommended": float(b)}
                for c, a, b in zip(self.channels, self.current, self.recommended, strict=True)
            ],
            "current_sales": list(self.current_sales),
            "recommended_sales": list(self.recommended_sales),
            "uplift": list(self.uplift),
            "probability_of_uplift": self.probability_of_uplift,
        }


def _summary(samples: np.ndarray) -> tuple[float, float, float]:
    lo, hi = np.quantile(samples, INTERVAL)
    return float(samples.mean()), float(lo), float(hi)


def check_bounds(total: float, lower: np.ndarray, upper: np.ndarray, channels: list[str]) -> None:
    """Refuse bounds that cannot hold the budget.

    Raises:
        OptimisationError: A bound is negative or inverted, or the budget lies outside
            ``[sum(lower), sum(upper)]``.
    """
    if total <= 0:
        raise OptimisationError(f"budget={total} must be positive.", "Pass a positive budget.")
    for c, lo, hi in zip(channels, lower, upper, strict=True):
        if lo < 0 or hi < lo:
            raise OptimisationError(
                f"The bounds of channel {c!r} ({lo:g}..{hi:g}) are invalid.",
                "Use 0 <= lower <= upper for every channel.",
            )
    if not lower.sum() - 1e-9 <= total <= upper.sum() + 1e-9:
        raise OptimisationError(
            f"budget={total:,.2f} per week cannot be split within the bounds: they allow "
            f"{lower.sum():,.2f} to {upper.sum():,.2f}.",
            "Raise the upper bounds, lower the lower bounds or change the budget.",
        )


def check_optimality(
    marginal: np.ndarray,
    spend: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    channels: list[str],
    rtol: float = 0.05,
) -> None:
    """Check the optimality conditions of a budget split (expected marginal returns).

    Channels strictly inside their bounds must earn the same marginal return; a channel at its
    lower bound must earn no more, and one at its upper bound no less.

    Raises:
        OptimisationError: The split is not an optimum (for example the equal split a badly
            scaled optimiser returns).
    """
    span = np.maximum(upper - lower, 1e-12)
    at_lower = spend - lower <= 1e-4 * span
    at_upper = (upper - spend <= 1e-4 * span) & ~at_lower
    inside = ~at_lower & ~at_upper
    tol = rtol * max(float(np.abs(marginal).max()), 1e-300)
    lowest_upper = float(marginal[at_upper].min()) if at_upper.any() else np.inf
    highest_lower = float(marginal[at_lower].max()) if at_lower.any() else -np.inf
    bad = []
    if inside.any():
        level_lo, level_hi = float(marginal[inside].min()), float(marginal[inside].max())
        if level_hi - level_lo > tol:
            bad.append("channels inside their bounds earn different marginal returns")
        if highest_lower > level_hi + tol:
            bad.append("a channel at its lower bound earns more than the others")
        if lowest_upper < level_lo - tol:
            bad.append("a channel at its upper bound earns less than the others")
    elif highest_lower > lowest_upper + tol:
        bad.append("a channel at its lower bound earns more than one at its upper bound")
    if bad:
        detail = ", ".join(f"{c}={m:.3g}" for c, m in zip(channels, marginal, strict=True))
        raise OptimisationError(
            "The budget optimiser stopped at a split that is not optimal ("
            + "; ".join(bad)
            + f"; marginal sales per unit spend: {detail}).",
            "Check the response curves for a scaling problem, or widen the bounds.",
        )


def optimise_budget(
    response: ResponseSamples,
    total: float,
    lower: np.ndarray,
    upper: np.ndarray,
    current: np.ndarray,
    weeks: int = 13,
) -> BudgetPlan:
    """Split a weekly budget across channels to maximise expected media-driven sales.

    Args:
        response: Posterior draws of the response curves.
        total: Weekly budget to allocate.
        lower: Lowest weekly spend per channel.
        upper: Highest weekly spend per channel.
        current: The current weekly allocation (rescaled to ``total`` for the comparison).
        weeks: Horizon over which sales and uplift are reported.

    Returns:
        The plan with expected sales, uplift and its uncertainty.

    Raises:
        OptimisationError: Infeasible bounds, or no optimum found (see :func:`check_optimality`).
    """
    channels = response.channels
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    check_bounds(total, lower, upper, channels)
    current = np.asarray(current, float)
    if current.sum() > 0:
        current = current * total / current.sum()
    else:
        current = np.full(len(channels), total / len(channels))
    lo, hi = lower / total, upper / total
    starts = {"current": np.clip(current / total, lo, hi), "equal": _project(lo, hi)}
    reference = max(float(response.weekly_response(starts["current"] * total).mean(0).sum()), 0.0)
    if reference <= 0:
        reference = max(float(np.abs(response.marginal_response(current).mean(0)).max()), 1e-300)

    def objective(u: np.ndarray) -> tuple[float, np.ndarray]:
        spend = u * total
        value = response.weekly_response(spend).mean(0).sum() / reference
        grad = response.marginal_response(spend).mean(0) * total / reference
        return -float(value), -grad

    best: tuple[float, np.ndarray, int] | None = None
    for start in starts.values():
        result = minimize(
            objective,
            start,
            jac=True,
            method="SLSQP",
            bounds=list(zip(lo, hi, strict=True)),
            constraints=[{"type": "eq", "fun": lambda u: u.sum() - 1.0, "jac": np.ones_like}],
            options={"maxiter": 500, "ftol": 1e-12},
        )
        u = np.clip(result.x, lo, hi)
        if best is None or result.fun < best[0]:
            best = (float(result.fun), u, int(result.nit))
    assert best is not None
    recommended = best[1] * total
    check_optimality(
        response.marginal_response(recommended).mean(0), recommended, lower, upper, channels
    )
    now = response.weekly_response(current).sum(1) * weeks
    new = response.weekly_response(recommended).sum(1) * weeks
    return BudgetPlan(
        channels=channels,
        current=current,
        recommended=recommended,
        weeks=weeks,
        current_sales=_summary(now),
        recommended_sales=_summary(new),
        uplift=_summary(new - now),
        probability_of_uplift=float((new - now > 0).mean()),
        iterations=best[2],
        starts=list(starts),
    )


def _project(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The equal split, moved inside the bounds while still summing to one."""
    u = np.clip(np.full(len(lo), 1.0 / len(lo)), lo, hi)
    for _ in range(50):
        gap = 1.0 - u.sum()
        free = (u < hi) if gap > 0 else (u > lo)
        if abs(gap) < 1e-12 or not free.any():
            break
        u[free] += gap / free.sum()
        u = np.clip(u, lo, hi)
    return u
