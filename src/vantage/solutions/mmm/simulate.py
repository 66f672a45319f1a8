"""Weekly spend and sales drawn from the MMM's own equations, with the truth kept."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vantage.solutions.mmm.response import ResponseSamples


@dataclass
class SimulatedMMM:
    """Simulated data and the truth behind it.

    Attributes:
        data: Columns ``week_start``, ``sales``, one spend column per channel, ``promo``.
        truth: The true media parameters (one draw).
        contributions: True total contribution per channel.
        roi: True sales per unit spend per channel.
    """

    data: pd.DataFrame
    truth: ResponseSamples
    contributions: pd.Series
    roi: pd.Series


def simulate_mmm(weeks: int = 104, seed: int = 0, noise: float = 0.03) -> SimulatedMMM:
    """Draw weekly data for three channels with different carry-over and saturation.

    Args:
        weeks: Number of weeks.
        seed: Random seed.
        noise: Standard deviation of sales noise, relative to the baseline.
    """
    rng = np.random.default_rng(seed)
    channels = ["tv", "search", "social"]
    spend = np.column_stack(
        [
            rng.uniform(0, 8000, weeks) * (rng.random(weeks) < 0.5),
            rng.uniform(1500, 4000, weeks),
            rng.uniform(0, 3000, weeks) * (rng.random(weeks) < 0.7),
        ]
    )
    scale = spend.max(0)
    baseline = 20_000.0
    truth = ResponseSamples(
        channels=channels,
        alpha=np.array([[0.6, 0.1, 0.3]]),
        lam=np.array([[1.5, 3.0, 2.0]]),
        beta=np.array([[0.25, 0.2, 0.1]]),
        channel_scale=scale,
        target_scale=baseline,
        l_max=8,
    )
    media = truth.contributions(spend)[0]
    t = np.arange(weeks)
    season = 0.08 * baseline * np.sin(2 * np.pi * t / 52.18)
    promo = (rng.random(weeks) < 0.1).astype(float)
    sales = (
        baseline
        + season
        + 0.05 * baseline * promo
        + media.sum(1)
        + rng.normal(0, noise * baseline, weeks)
    )
    data = pd.DataFrame(
        {
            "week_start": pd.date_range("2023-01-02", periods=weeks, freq="W-MON"),
            "sales": sales,
            **{c: spend[:, i] for i, c in enumerate(channels)},
            "promo": promo,
        }
    )
    totals = pd.Series(media.sum(0), index=channels)
    return SimulatedMMM(data, truth, totals, totals / spend.sum(0))
