"""Uplift@k, Qini and uplift curves, Qini coefficient and AUUC against hand computations."""

from __future__ import annotations

import numpy as np
import pytest

from vantage.solutions.uplift import auuc, qini_coefficient, uplift_at_k, uplift_curves

# Four customers, best score first: treated responder, control non-responder,
# treated non-responder, control responder.
Y = np.array([1, 0, 0, 1])
T = np.array([1, 0, 1, 0])
S = np.array([0.9, 0.8, 0.2, 0.1])


def test_uplift_at_k_by_hand() -> None:
    assert uplift_at_k(Y, T, S, k=0.5) == 1.0  # top 2: treated 1/1, control 0/1
    assert uplift_at_k(Y, T, S, k=1.0) == 0.0  # everyone: 1/2 vs 1/2
    assert uplift_at_k(Y, T, S, k=0.5, strategy="by_group") == 1.0
    with pytest.raises(ValueError, match="no treated or no control"):
        uplift_at_k(Y, T, S, k=0.25)
    with pytest.raises(ValueError, match="k must be a share"):
        uplift_at_k(Y, T, S, k=0)
    with pytest.raises(ValueError, match="strategy"):
        uplift_at_k(Y, T, S, strategy="best")  # type: ignore[arg-type]


def test_curves_by_hand() -> None:
    curves = uplift_curves(Y, T, S)
    assert curves.n.tolist() == [0, 1, 2, 3, 4]
    # n=1: treated 1 responder, no control yet -> 0; n=2: 1 - 0*1/1 = 1;
    # n=3: 1 - 0*2/1 = 1; n=4: 1 - 1*2/2 = 0
    assert curves.qini.tolist() == [0.0, 0.0, 1.0, 1.0, 0.0]
    assert curves.uplift.tolist() == [0.0, 1.0, 2.0, 1.5, 0.0]
    assert curves.random_qini.iloc[-1] == curves.qini.iloc[-1]
    # area of qini/4 over fraction: trapezoids (0,0,.25,.25,0) * .25 each
    assert qini_coefficient(Y, T, S) == pytest.approx(0.25 * (0 + 0.125 + 0.25 + 0.125))
    assert auuc(Y, T, S) > 0
    assert qini_coefficient(Y, T, -S) < 0  # the reversed ranking is worse than random


def test_a_perfect_ranking_beats_random_on_simulated_uplift() -> None:
    rng = np.random.default_rng(0)
    n = 20000
    x = rng.uniform(size=n)
    t = rng.integers(0, 2, n)
    y = (rng.uniform(size=n) < 0.1 + 0.2 * x * t).astype(int)
    assert uplift_at_k(y, t, x, 0.3) > 0.1 > uplift_at_k(y, t, rng.uniform(size=n), 0.3) - 0.02
    assert qini_coefficient(y, t, x) > 0.007
    assert abs(qini_coefficient(y, t, rng.uniform(size=n))) < 0.003
    with pytest.raises(ValueError, match="lengths differ"):
        uplift_curves(y, t, x[:10])
    with pytest.raises(ValueError, match="both treated"):
        uplift_curves(y, np.ones(n), x)
