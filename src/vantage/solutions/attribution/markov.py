"""Markov-chain attribution by removal effect, of order one or higher.

Journeys become walks ``start -> s_1 -> ... -> s_n -> conversion | null`` where a state is the
last ``order`` channels seen. The chain's probability of reaching ``conversion`` from ``start`` is
solved exactly (absorbing-chain linear algebra, no simulation). Removing a channel sends every
walk through a state containing it to ``null``; the relative drop in conversion probability is
the channel's removal effect, and conversions are shared in proportion to removal effects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import spsolve

from vantage.solutions.attribution.base import Attribution
from vantage.solutions.attribution.journeys import AttributionError

State = tuple[str, ...]


class MarkovAttribution(Attribution):
    """Removal-effect attribution on a Markov chain of the given order.

    Args:
        order: How many past channels make a state (1 = first order).

    Attributes:
        removal_effects_: Per channel, the relative drop in conversion probability when the
            channel is removed (conversion-weighted chain).
        conversion_probability_: Probability of converting from ``start`` in the full chain.
    """

    def __init__(self, order: int = 1):
        self.order = order

    @property
    def name(self) -> str:  # type: ignore[override]
        """Model name as the CLI spells it."""
        return "markov" if self.order == 1 else f"markov-{self.order}"

    def _credit(self, journeys: pd.DataFrame, channels: list[str]) -> tuple[np.ndarray, np.ndarray]:
        if self.order < 1:
            raise AttributionError(
                f"order={self.order} is not a Markov order.", "Use order 1, 2, 3 or 4."
            )
        conv_total = float(journeys["conversions"].sum())
        value_total = float(journeys["value"].sum())
        effects = self._removal_effects(journeys, channels, journeys["conversions"])
        self.removal_effects_ = pd.Series(effects, index=channels, name="removal_effect")
        conv = _share(effects) * conv_total
        if value_total > 0:
            value_effects = self._removal_effects(journeys, channels, journeys["value"])
            value = _share(value_effects) * value_total
        else:
            value = np.zeros(len(channels))
        return conv, value

    def _removal_effects(
        self, journeys: pd.DataFrame, channels: list[str], success: pd.Series
    ) -> np.ndarray:
        chain = _Chain.build(journeys, success, self.order)
        base = chain.conversion_probability()
        self.conversion_probability_ = base
        effects = np.zeros(len(channels))
        if base <= 0:
            return effects
        for i, channel in enumerate(channels):
            effects[i] = 1.0 - chain.conversion_probability(without=channel) / base
        return effects


def _share(effects: np.ndarray) -> np.ndarray:
    total = float(np.clip(effects, 0, None).sum())
    return np.clip(effects, 0, None) / total if total > 0 else np.zeros(len(effects))


class _Chain:
    """Transition counts between states, with the two absorbing outcomes."""

    def __init__(self, states: list[State], counts: sparse.csr_matrix, to_conv: np.ndarray):
        self.states = states
        self.counts = counts
        self.to_conv = to_conv

    @classmethod
    def build(cls, journeys: pd.DataFrame, success: pd.Series, order: int) -> _Chain:
        index: dict[State, int] = {(): 0}
        rows: list[int] = []
        cols: list[int] = []
        weights: list[float] = []
        conv_from: list[tuple[int, float]] = []
        null_from: list[tuple[int, float]] = []
        for path, good, bad in zip(
            journeys["path"],
            success.to_numpy(float),
            journeys["nulls"].to_numpy(float),
            strict=True,
        ):
            weight = good + bad
            if weight <= 0:
                continue
            previous = 0
            for i in range(len(path)):
                state = tuple(path[max(0, i - order + 1) : i + 1])
                current = index.setdefault(state, len(index))
                rows.append(previous)
                cols.append(current)
                weights.append(weight)
                previous = current
            conv_from.append((previous, good))
            null_from.append((previous, bad))
        n = len(index)
        counts = sparse.csr_matrix((weights, (rows, cols)), shape=(n, n))
        to_conv = np.zeros(n)
        to_null = np.zeros(n)
        for at, w in conv_from:
            to_conv[at] += w
        for at, w in null_from:
            to_null[at] += w
        out = np.asarray(counts.sum(axis=1)).ravel() + to_conv + to_null
        out[out == 0] = 1.0
        scale = sparse.diags(1.0 / out)
        chain = cls(list(index), (scale @ counts).tocsr(), to_conv / out)
        return chain

    def conversion_probability(self, without: str | None = None) -> float:
        """Probability of absorbing in conversion from ``start``, optionally with a channel gone."""
        keep = np.array([without is None or without not in s for s in self.states])
        q = self.counts[keep][:, keep]
        r = self.to_conv[keep]
        system = sparse.identity(q.shape[0], format="csc") - q.tocsc()
        x = np.atleast_1d(spsolve(system, r))
        return float(x[0])
