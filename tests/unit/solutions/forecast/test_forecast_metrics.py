from __future__ import annotations

import numpy as np
import pytest

from vantage.solutions.forecast import metrics as mt


def test_naive_scale_and_mase() -> None:
    history = np.array([1.0, 3.0, 2.0, 4.0])
    assert mt.naive_scale(history) == pytest.approx(5 / 3)
    assert mt.naive_scale(np.array([2.0, 2.0])) == 2.0
    assert mt.naive_scale(np.array([0.0, 0.0])) == 1.0
    assert mt.mase(np.array([2.0, 4.0]), np.array([1.0, 1.0]), 2.0) == pytest.approx(1.0)


def test_smape_rmse_coverage() -> None:
    y, f = np.array([100.0, 0.0]), np.array([50.0, 0.0])
    assert mt.smape(y, f) == pytest.approx(100 * (2 * 50 / 150) / 2)
    assert mt.rmse(np.array([1.0, 3.0]), np.array([0.0, 0.0])) == pytest.approx(np.sqrt(5))
    assert mt.coverage(np.array([1, 5, 10]), np.array([0, 0, 0]), np.array([2, 6, 8])) == (
        pytest.approx(2 / 3)
    )


def test_pinball_penalises_the_wrong_side_more() -> None:
    y = np.array([10.0])
    assert mt.pinball(y, np.array([12.0]), 0.9) == pytest.approx(0.2)
    assert mt.pinball(y, np.array([8.0]), 0.9) == pytest.approx(1.8)
    assert mt.pinball(y, np.array([8.0]), 0.9, scale=2.0) == pytest.approx(0.9)
