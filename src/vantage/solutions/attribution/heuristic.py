"""Rule-based attribution: first touch, last touch, linear, time decay, position based."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from vantage.solutions.attribution.base import Attribution
from vantage.solutions.attribution.journeys import AttributionError

Rule = Literal["first_touch", "last_touch", "linear", "time_decay", "position_based"]
RULES: tuple[Rule, ...] = ("first_touch", "last_touch", "linear", "time_decay", "position_based")


class HeuristicAttribution(Attribution):
    """Split each converting journey's credit among its touches by a fixed rule.

    Args:
        rule: ``first_touch`` and ``last_touch`` give all credit to one touch; ``linear``
            splits it equally; ``time_decay`` weights a touch ``age`` days before conversion by
            ``2 ** (-age / half_life)`` (by steps before conversion when journeys carry no
            times); ``position_based`` gives ``ends`` to each of the first and last touches
            and spreads the rest over the middle ones.
        half_life: Half-life of the time-decay weights, in days (or steps without times).
        ends: Share of each end touch for ``position_based`` (0.4 is the usual 40/20/40).
    """

    def __init__(self, rule: Rule = "last_touch", half_life: float = 7.0, ends: float = 0.4):
        self.rule = rule
        self.half_life = half_life
        self.ends = ends

    @property
    def name(self) -> str:  # type: ignore[override]
        """Model name as the CLI spells it."""
        return self.rule.replace("_", "-")

    def _credit(self, journeys: pd.DataFrame, channels: list[str]) -> tuple[np.ndarray, np.ndarray]:
        if self.rule not in RULES:
            raise AttributionError(
                f"Unknown heuristic rule {self.rule!r}.", f"Use one of {', '.join(RULES)}."
            )
        if self.half_life <= 0 or not 0 <= self.ends <= 0.5:
            raise AttributionError(
                f"half_life={self.half_life} and ends={self.ends} are out of range.",
                "half_life must be positive and ends between 0 and 0.5.",
            )
        index = {c: i for i, c in enumerate(channels)}
        conv = np.zeros(len(channels))
        value = np.zeros(len(channels))
        converted = journeys[journeys["conversions"] > 0]
        ages = converted["ages"] if "ages" in converted.columns else [()] * len(converted)
        for path, age, n, v in zip(
            converted["path"], ages, converted["conversions"], converted["value"], strict=True
        ):
            weights = self._weights(len(path), age)
            for channel, w in zip(path, weights, strict=True):
                conv[index[channel]] += w * n
                value[index[channel]] += w * v
        return conv, value

    def _weights(self, n: int, ages: tuple[float, ...]) -> np.ndarray:
        w = np.zeros(n)
        if self.rule == "first_touch":
            w[0] = 1.0
        elif self.rule == "last_touch":
            w[-1] = 1.0
        elif self.rule == "linear":
            w[:] = 1.0 / n
        elif self.rule == "time_decay":
            age = np.asarray(ages, float) if len(ages) == n else np.arange(n)[::-1].astype(float)
            w = 2.0 ** (-(age - age.min()) / self.half_life)
            w /= w.sum()
        elif n == 1:
            w[0] = 1.0
        elif n == 2:
            w[:] = 0.5
        else:
            w[0] = w[-1] = self.ends
            w[1:-1] = (1.0 - 2 * self.ends) / (n - 2)
        return w
