"""What every attribution model shares: the estimator contract and the result frame."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Self

import numpy as np
import pandas as pd

from vantage.solutions.attribution.journeys import channels_of, validate_journeys

RESULT_COLUMNS = ("channel", "conversions", "value", "share")


class Attribution(ABC):
    """Base class: ``fit(journeys)`` learns ``attribution_`` (one row per channel).

    ``attribution_`` has the columns of :data:`RESULT_COLUMNS`: conversions and value credited
    to each channel (they add up to the journeys' totals) and the channel's share of conversions.
    """

    name = "base"

    def fit(self, journeys: pd.DataFrame) -> Self:
        """Attribute the conversions of ``journeys`` to channels.

        Args:
            journeys: Journeys (see :mod:`vantage.solutions.attribution.journeys`).

        Returns:
            self, with ``attribution_``, ``channels_`` and ``total_conversions_`` set.
        """
        kept = validate_journeys(journeys)
        if "value" not in kept.columns:
            kept = kept.assign(value=0.0)
        self.channels_ = channels_of(kept)
        conversions, value = self._credit(kept, self.channels_)
        self.total_conversions_ = float(kept["conversions"].sum())
        self.attribution_ = result_frame(self.channels_, conversions, value)
        return self

    @abstractmethod
    def _credit(self, journeys: pd.DataFrame, channels: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Conversions and value credited to each channel, in ``channels`` order."""


def result_frame(channels: list[str], conversions: np.ndarray, value: np.ndarray) -> pd.DataFrame:
    """Build ``attribution_`` from per-channel credit."""
    total = float(conversions.sum())
    return pd.DataFrame(
        {
            "channel": channels,
            "conversions": conversions,
            "value": value,
            "share": conversions / total if total else np.zeros(len(channels)),
        }
    )


def spread_by_share(
    journeys: pd.DataFrame, channels: list[str], weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Share total conversions and value among channels in proportion to ``weights``."""
    clipped = np.clip(weights, 0.0, None)
    total = float(clipped.sum())
    share = clipped / total if total > 0 else np.full(len(channels), 1.0 / len(channels))
    return (
        share * float(journeys["conversions"].sum()),
        share * float(journeys["value"].sum()),
    )
