"""Point and probabilistic accuracy: MASE, sMAPE, RMSE, interval coverage, pinball loss."""

from __future__ import annotations

import numpy as np


def naive_scale(history: np.ndarray, season: int = 1) -> float:
    """MASE denominator: mean absolute ``season``-step change of the history (never 0)."""
    values = np.asarray(history, dtype=float)
    if len(values) > season:
        scale = float(np.mean(np.abs(values[season:] - values[:-season])))
        if scale > 0:
            return scale
    level = float(np.mean(np.abs(values))) if len(values) else 0.0
    return level if level > 0 else 1.0


def mase(y: np.ndarray, yhat: np.ndarray, scale: np.ndarray | float) -> float:
    """Mean absolute error divided by the in-sample naive error (1.0 = random-walk quality)."""
    return float(np.mean(np.abs(np.asarray(y) - np.asarray(yhat)) / scale))


def smape(y: np.ndarray, yhat: np.ndarray) -> float:
    """Symmetric mean absolute percentage error, in percent (0 to 200; 0/0 counts as 0)."""
    y, yhat = np.asarray(y, dtype=float), np.asarray(yhat, dtype=float)
    denom = np.abs(y) + np.abs(yhat)
    ratio = np.divide(2 * np.abs(y - yhat), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(100 * np.mean(ratio))


def rmse(y: np.ndarray, yhat: np.ndarray) -> float:
    """Root mean squared error, in the units of the series."""
    return float(np.sqrt(np.mean((np.asarray(y) - np.asarray(yhat)) ** 2)))


def coverage(y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of actual values inside their interval."""
    y = np.asarray(y)
    return float(np.mean((y >= np.asarray(lo)) & (y <= np.asarray(hi))))


def pinball(y: np.ndarray, q: np.ndarray, tau: float, scale: np.ndarray | float = 1.0) -> float:
    """Mean pinball (quantile) loss of the ``tau`` quantile forecast ``q``, divided by ``scale``.

    Averaged over many quantiles, the pinball loss approximates the CRPS.
    """
    diff = np.asarray(y, dtype=float) - np.asarray(q, dtype=float)
    loss = np.maximum(tau * diff, (tau - 1) * diff)
    return float(np.mean(loss / scale))
