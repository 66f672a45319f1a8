"""Shapley-value attribution over the channels a journey touched.

The cooperative game: a coalition ``S`` of channels is worth the conversions of the journeys that
touched only channels in ``S`` (their channel set is a subset of ``S``), as in Zhao et al. (2018),
"Shapley value methods for attribution modeling in online advertising"; with ``game="rate"`` it
is worth their conversion rate instead (it also rewards channels whose journeys convert more
often, but rare channel sets make it noisy: on ChannelAttribution's example it credits a
channel seen in 2 conversions as much as one seen in 8,000, so it is not offered by name).
The empty coalition is worth nothing. Each channel's Shapley value is its average marginal worth
over every order of joining; conversions and value are shared in proportion to the
(non-negative) Shapley values. Exact enumeration over
``2 ** channels`` coalitions, so at most :data:`MAX_CHANNELS` channels.
"""

from __future__ import annotations

from math import factorial
from typing import Literal

import numpy as np
import pandas as pd

from vantage.solutions.attribution.base import Attribution, spread_by_share
from vantage.solutions.attribution.journeys import AttributionError

MAX_CHANNELS = 16


class ShapleyAttribution(Attribution):
    """Shapley values of channels in the conversions (or conversion-rate) game.

    Args:
        game: ``"conversions"`` (default) or ``"rate"``.

    Attributes:
        shapley_values_: Per channel, its Shapley value (in conversion-rate units).
    """

    def __init__(self, game: Literal["conversions", "rate"] = "conversions"):
        self.game = game

    @property
    def name(self) -> str:  # type: ignore[override]
        """Model name as the CLI spells it."""
        return "shapley" if self.game == "conversions" else "shapley-rate"

    def _credit(self, journeys: pd.DataFrame, channels: list[str]) -> tuple[np.ndarray, np.ndarray]:
        n = len(channels)
        if self.game not in ("conversions", "rate"):
            raise AttributionError(
                f"Unknown Shapley game {self.game!r}.", "Use 'conversions' or 'rate'."
            )
        if n > MAX_CHANNELS:
            raise AttributionError(
                f"Shapley attribution enumerates every coalition; {n} channels is more than "
                f"{MAX_CHANNELS}.",
                "Group channels (e.g. by medium) or use the Markov model.",
            )
        bit = {c: 1 << i for i, c in enumerate(channels)}
        masks = np.array([sum(bit[c] for c in set(p)) for p in journeys["path"]], dtype=np.int64)
        size = 1 << n
        conv = np.bincount(masks, weights=journeys["conversions"].to_numpy(float), minlength=size)
        seen = conv + np.bincount(masks, weights=journeys["nulls"].to_numpy(float), minlength=size)
        conv_sub, seen_sub = _subset_sums(conv, n), _subset_sums(seen, n)
        if self.game == "rate":
            worth = np.divide(conv_sub, seen_sub, out=np.zeros(size), where=seen_sub > 0)
        else:
            worth = conv_sub
        popcount = np.array([bin(s).count("1") for s in range(size)])
        weight = np.array([factorial(k) * factorial(n - k - 1) / factorial(n) for k in range(n)])
        values = np.zeros(n)
        coalitions = np.arange(size)
        for i in range(n):
            without = coalitions[(coalitions >> i) & 1 == 0]
            gain = worth[without | (1 << i)] - worth[without]
            values[i] = float((weight[popcount[without]] * gain).sum())
        self.shapley_values_ = pd.Series(values, index=channels, name="shapley_value")
        return spread_by_share(journeys, channels, values)


def _subset_sums(values: np.ndarray, n: int) -> np.ndarray:
    """For every mask, the sum of ``values`` over its sub-masks (zeta transform)."""
    out = values.copy()
    for i in range(n):
        has = (np.arange(len(out)) >> i) & 1 == 1
        out[has] += out[np.flatnonzero(has) ^ (1 << i)]
    return out
