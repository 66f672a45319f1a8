"""Response curves, adstock and saturation in NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from vantage.solutions.mmm import ResponseSamples, geometric_adstock, logistic_saturation


def curves(target_scale: float = 1000.0) -> ResponseSamples:
    return ResponseSamples(
        channels=["a", "b"],
        alpha=np.array([[0.5, 0.0], [0.5, 0.0]]),
        lam=np.array([[1.0, 2.0], [1.0, 2.0]]),
        beta=np.array([[0.5, 0.2], [0.7, 0.2]]),
        channel_scale=np.array([100.0, 50.0]),
        target_scale=target_scale,
        l_max=4,
    )


def test_logistic_saturation_is_the_pymc_marketing_formula() -> None:
    x = np.array([0.0, 0.5, 3.0])
    expected = (1 - np.exp(-2 * x)) / (1 + np.exp(-2 * x))
    np.testing.assert_allclose(logistic_saturation(x, 2.0), expected)


def test_normalised_adstock_carries_a_pulse_over_and_keeps_a_constant() -> None:
    pulse = np.zeros((6, 1))
    pulse[0] = 1.0
    out = geometric_adstock(pulse[None], np.array([[0.5]]), l_max=3)[0, :, 0]
    np.testing.assert_allclose(out[:3], np.array([1, 0.5, 0.25]) / 1.75)
    assert out[3:].sum() == 0
    flat = geometric_adstock(np.full((1, 8, 1), 2.0), np.array([[0.5]]), l_max=3)[0, 3:, 0]
    np.testing.assert_allclose(flat, 2.0)


def test_contributions_settle_at_the_steady_state_response() -> None:
    r = curves()
    spend = np.tile([60.0, 20.0], (10, 1))
    contributions = r.contributions(spend)
    np.testing.assert_allclose(contributions[:, -1, :], r.weekly_response(np.array([60.0, 20.0])))


def test_marginal_response_is_the_derivative() -> None:
    r = curves()
    x = np.array([40.0, 30.0])
    h = 1e-4
    numeric = (r.weekly_response(x + h) - r.weekly_response(x - h)) / (2 * h)
    np.testing.assert_allclose(r.marginal_response(x), numeric, rtol=1e-5)
    assert r.rescaled(2.0).weekly_response(x) == pytest.approx(2 * r.weekly_response(x))
