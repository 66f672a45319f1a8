"""Conformal prediction intervals from backtest errors.

Each backtest error is scaled by its series' naive scale (so series of any size pool), and
remembered with the step ahead and the date it became known. An interval ``h`` steps ahead is
the forecast plus the empirical quantiles of the scaled errors ``h`` steps ahead that were known
by then. Where a step has fewer than ``min_per_step`` errors, all steps are pooled, each error
divided by the square root of its step (errors of a random walk grow like that) and multiplied
back for the step asked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def level_taus(levels: tuple[int, ...]) -> list[float]:
    """Quantile levels of the bounds of central intervals, e.g. (80,) -> [0.1, 0.9]."""
    taus: list[float] = []
    for level in levels:
        alpha = 1 - level / 100
        taus += [alpha / 2, 1 - alpha / 2]
    return taus


class ErrorBank:
    """Scaled forecast errors of one model, by step ahead and date known.

    Args:
        step: Steps ahead of each error (1-based).
        known: Date each error became known (the target date).
        error: ``(actual - forecast) / scale``.
        min_per_step: Fewest errors for a step to use its own distribution.
    """

    def __init__(
        self, step: np.ndarray, known: np.ndarray, error: np.ndarray, min_per_step: int = 50
    ) -> None:
        order = np.argsort(known, kind="stable")
        self.step = np.asarray(step)[order]
        self.known = np.asarray(known, dtype="datetime64[ns]")[order]
        self.error = np.asarray(error, dtype=float)[order]
        self.min_per_step = min_per_step

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, min_per_step: int = 50) -> ErrorBank:
        """Bank from a frame with ``step, ds, y, yhat, scale`` columns."""
        error = (frame["y"].to_numpy() - frame["yhat"].to_numpy()) / frame["scale"].to_numpy()
        return cls(frame["step"].to_numpy(), frame["ds"].to_numpy(), error, min_per_step)

    def samples(
        self, steps: np.ndarray, until: np.datetime64 | None = None
    ) -> dict[int, np.ndarray]:
        """Scaled-error samples for each step, using only errors known by ``until``."""
        end = len(self.error) if until is None else int(np.searchsorted(self.known, until, "right"))
        step, error = self.step[:end], self.error[:end]
        pooled = error / np.sqrt(step) if end else error
        out: dict[int, np.ndarray] = {}
        for s in np.unique(steps):
            own = error[step == s]
            if len(own) >= self.min_per_step or len(own) >= len(pooled):
                out[int(s)] = own
            else:
                out[int(s)] = pooled * np.sqrt(s)
        return out

    def quantiles(
        self, steps: np.ndarray, taus: list[float], until: np.datetime64 | None = None
    ) -> np.ndarray:
        """Scaled-error quantiles, shape ``(len(steps), len(taus))``; NaN without errors."""
        samples = self.samples(steps, until)
        table = {}
        for s, sample in samples.items():
            if len(sample) == 0:
                table[s] = np.full(len(taus), np.nan)
                continue
            # Conservative order statistics: lower bounds round down, upper bounds up.
            table[s] = np.array(
                [np.quantile(sample, t, method="lower" if t < 0.5 else "higher") for t in taus]
            )
        return np.stack([table[int(s)] for s in steps]) if len(steps) else np.empty((0, len(taus)))


def add_intervals(
    frame: pd.DataFrame,
    bank: ErrorBank,
    levels: tuple[int, ...],
    until: np.datetime64 | None = None,
) -> pd.DataFrame:
    """Add ``lo_<level>`` and ``hi_<level>`` columns to a forecast frame.

    Args:
        frame: Rows with ``step, yhat, scale``.
        bank: Errors of the model that made the forecast.
        levels: Central interval levels in percent.
        until: Use only errors known by this date (honest backtests); None uses all.

    Returns:
        A copy of ``frame`` with the interval columns.
    """
    out = frame.copy()
    taus = level_taus(levels)
    q = bank.quantiles(out["step"].to_numpy(), taus, until)
    scale = out["scale"].to_numpy()
    for j, level in enumerate(levels):
        out[f"lo_{level}"] = out["yhat"].to_numpy() + q[:, 2 * j] * scale
        out[f"hi_{level}"] = out["yhat"].to_numpy() + q[:, 2 * j + 1] * scale
    return out
