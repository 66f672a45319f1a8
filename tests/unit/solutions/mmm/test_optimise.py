"""Budget optimisation, including the badly scaled response that yields an equal split."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from vantage.solutions.mmm import (
    OptimisationError,
    ResponseSamples,
    check_optimality,
    optimise_budget,
)


def curves(target_scale: float = 1000.0) -> ResponseSamples:
    rng = np.random.default_rng(0)
    draws = 50
    return ResponseSamples(
        channels=["search", "social", "display"],
        alpha=np.full((draws, 3), 0.3),
        lam=np.tile([0.8, 2.0, 3.0], (draws, 1)),
        beta=np.tile([1.0, 0.4, 0.2], (draws, 1)) * rng.lognormal(0, 0.1, (draws, 3)),
        channel_scale=np.array([1000.0, 800.0, 600.0]),
        target_scale=target_scale,
        l_max=4,
    )


def brute_force(r: ResponseSamples, total: float, lower: np.ndarray, upper: np.ndarray) -> float:
    """Best expected response on a grid (the reference optimum)."""
    best = -np.inf
    for a in np.linspace(lower[0], upper[0], 121):
        for b in np.linspace(lower[1], upper[1], 121):
            c = total - a - b
            if lower[2] <= c <= upper[2]:
                best = max(best, float(r.weekly_response(np.array([a, b, c])).mean(0).sum()))
    return best


def test_the_plan_reaches_the_brute_force_optimum_and_beats_the_current_split() -> None:
    r = curves()
    lower, upper = np.zeros(3), np.full(3, 1500.0)
    plan = optimise_budget(r, 1500.0, lower, upper, current=np.array([500.0, 500.0, 500.0]))
    assert plan.recommended.sum() == pytest.approx(1500.0)
    got = float(r.weekly_response(plan.recommended).mean(0).sum())
    assert got >= brute_force(r, 1500.0, lower, upper) - 1e-6 * abs(got)
    assert plan.uplift[0] > 0
    assert plan.uplift[1] <= plan.uplift[0] <= plan.uplift[2]
    assert plan.recommended_sales[0] == pytest.approx(got * 13, rel=1e-9)
    assert 0.5 < plan.probability_of_uplift <= 1.0


def test_bounds_hold() -> None:
    r = curves()
    lower = np.array([100.0, 400.0, 50.0])
    upper = np.array([600.0, 900.0, 300.0])
    plan = optimise_budget(r, 1200.0, lower, upper, current=np.array([400.0, 500.0, 300.0]))
    assert np.all(plan.recommended >= lower - 1e-6)
    assert np.all(plan.recommended <= upper + 1e-6)


def naive(r: ResponseSamples, total: float) -> np.ndarray:
    """The failing set-up: raw units, start at the equal split, default tolerances."""
    result = minimize(
        lambda x: -float(r.weekly_response(x).mean(0).sum()),
        np.full(3, total / 3),
        method="SLSQP",
        bounds=[(0, total)] * 3,
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - total}],
    )
    return np.asarray(result.x)


def test_a_badly_scaled_response_fools_a_naive_optimiser_but_not_ours() -> None:
    tiny = curves(target_scale=1e-6)
    stuck = naive(tiny, 1500.0)
    np.testing.assert_allclose(stuck, 500.0, rtol=1e-6)
    with pytest.raises(OptimisationError, match="not optimal"):
        check_optimality(
            tiny.marginal_response(stuck).mean(0),
            stuck,
            np.zeros(3),
            np.full(3, 1500.0),
            tiny.channels,
        )
    ours = optimise_budget(tiny, 1500.0, np.zeros(3), np.full(3, 1500.0), np.full(3, 500.0))
    well = optimise_budget(curves(), 1500.0, np.zeros(3), np.full(3, 1500.0), np.full(3, 500.0))
    np.testing.assert_allclose(ours.recommended, well.recommended, rtol=1e-3)
    assert not np.allclose(ours.recommended, 500.0, rtol=0.05)


def test_a_huge_budget_in_pennies_is_also_split_properly() -> None:
    r = curves()
    big = ResponseSamples(r.channels, r.alpha, r.lam, r.beta, r.channel_scale * 1e6, 1e9, r.l_max)
    plan = optimise_budget(big, 1.5e9, np.zeros(3), np.full(3, 1.5e9), np.full(3, 5e8))
    np.testing.assert_allclose(
        plan.recommended / 1e6,
        optimise_budget(r, 1500.0, np.zeros(3), np.full(3, 1500.0), np.full(3, 500.0)).recommended,
        rtol=1e-3,
    )


def test_the_optimality_check_accepts_a_true_optimum_with_channels_at_bounds() -> None:
    check_optimality(
        np.array([2.0, 1.0, 0.5]),
        np.array([100.0, 50.0, 0.0]),
        np.array([0.0, 0.0, 0.0]),
        np.array([100.0, 200.0, 200.0]),
        ["a", "b", "c"],
    )


@pytest.mark.parametrize(
    ("total", "lower", "upper", "message"),
    [
        (-5.0, [0, 0, 0], [9, 9, 9], "budget=-5.0 must be positive"),
        (100.0, [0, 0, 0], [10, 10, 10], "cannot be split within the bounds: they allow 0.00"),
        (10.0, [0, 5, 0], [9, 2, 9], "bounds of channel 'social' \\(5..2\\) are invalid"),
    ],
)
def test_infeasible_problems_are_refused(
    total: float, lower: list[float], upper: list[float], message: str
) -> None:
    with pytest.raises(OptimisationError, match=message):
        optimise_budget(curves(), total, np.array(lower, float), np.array(upper, float), np.ones(3))
