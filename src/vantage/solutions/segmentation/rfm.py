"""RFM: recency, frequency and monetary value per customer, scored 1-5 and named.

:func:`rfm_table` turns a long table of orders into one row per customer as of a cut-off date;
:class:`RFMSegmenter` learns quintile edges on a reference population and maps each customer's
recency and frequency scores to the classic named segments (champions, loyal, at risk,
hibernating, ...), the grid marketers know from RFM analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import numpy as np
import pandas as pd

RFM_COLUMNS = ("recency_days", "frequency", "monetary")


@dataclass(frozen=True)
class RfmSegment:
    """A named cell group of the recency x frequency score grid.

    Attributes:
        name: Segment name (lower-case, underscores).
        recency: Recency scores (1-5, 5 = most recent) in the segment.
        frequency: Frequency scores (1-5, 5 = most orders) in the segment.
        description: What the segment means and what to do about it.
    """

    name: str
    recency: tuple[int, ...]
    frequency: tuple[int, ...]
    description: str


SEGMENTS: tuple[RfmSegment, ...] = (
    RfmSegment("champions", (5,), (4, 5), "Bought recently, buy often: reward them."),
    RfmSegment("loyal", (3, 4), (4, 5), "Buy often and fairly recently: upsell, ask for reviews."),
    RfmSegment("potential_loyalist", (4, 5), (2, 3), "Recent, a few orders: offer membership."),
    RfmSegment("new_customers", (5,), (1,), "First order very recently: onboard them well."),
    RfmSegment("promising", (4,), (1,), "Recent single order: build the habit."),
    RfmSegment("need_attention", (3,), (3,), "Average on both: limited-time offers."),
    RfmSegment("about_to_sleep", (3,), (1, 2), "Slipping away after few orders: reactivate."),
    RfmSegment("at_risk", (1, 2), (3, 4), "Used to buy often, not lately: win them back."),
    RfmSegment("cannot_lose", (1, 2), (5,), "Best customers gone quiet: personal outreach."),
    RfmSegment("hibernating", (1, 2), (1, 2), "Few orders, long ago: low-cost reminders only."),
)


def segment_for(recency_score: int, frequency_score: int) -> str:
    """The segment name of one cell of the 5 x 5 recency x frequency grid."""
    for segment in SEGMENTS:
        if recency_score in segment.recency and frequency_score in segment.frequency:
            return segment.name
    raise ValueError(f"scores must be 1-5; got R={recency_score}, F={frequency_score}")


def rfm_table(
    orders: pd.DataFrame,
    *,
    as_of: pd.Timestamp | str | None = None,
    customer_col: str = "customer_id",
    time_col: str = "ts",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Recency, frequency and monetary value per customer from a long table of orders.

    Orders after ``as_of`` are ignored, so a table built at an earlier cut-off never sees the
    future.

    Args:
        orders: One row per order.
        as_of: Cut-off; default the latest order time.
        customer_col: Customer column.
        time_col: Order time column.
        amount_col: Order value column.

    Returns:
        Indexed by customer: ``recency_days`` (days since the last order), ``frequency``
        (orders), ``monetary`` (average order value), ``total`` (spend) and ``tenure_days``.

    Raises:
        ValueError: A named column is missing, or no order falls before ``as_of``.
    """
    missing = [c for c in (customer_col, time_col, amount_col) if c not in orders.columns]
    if missing:
        raise ValueError(f"orders lack column(s) {missing}; columns are {list(orders.columns)}")
    times = pd.to_datetime(orders[time_col], utc=True)
    cutoff = times.max() if as_of is None else pd.Timestamp(as_of)
    if cutoff.tzinfo is None:
        cutoff = cutoff.tz_localize("UTC")
    frame = pd.DataFrame(
        {
            "customer": orders[customer_col].to_numpy(),
            "ts": times,
            "amount": pd.to_numeric(orders[amount_col], errors="coerce").fillna(0.0),
        }
    )
    frame = frame[frame.ts <= cutoff]
    if frame.empty:
        raise ValueError(f"no order on or before {cutoff}")
    grouped = frame.groupby("customer")
    out = pd.DataFrame(
        {
            "recency_days": (cutoff - grouped.ts.max()).dt.total_seconds() / 86400,
            "frequency": grouped.size(),
            "monetary": grouped.amount.mean(),
            "total": grouped.amount.sum(),
            "tenure_days": (cutoff - grouped.ts.min()).dt.total_seconds() / 86400,
        }
    )
    out.index.name = customer_col
    return out


def _scores(values: np.ndarray, edges: np.ndarray, *, reverse: bool) -> np.ndarray:
    # Position among the inner quintile edges (0..4); a value on an edge takes the worse score.
    # Recency is better when smaller, so its scale is reversed.
    bins = np.searchsorted(edges, values, side="right" if reverse else "left")
    return (len(edges) + 1 - bins) if reverse else bins + 1


class RFMSegmenter:
    """Score recency, frequency and monetary value 1-5 and name the segment of each customer.

    Scores are quintiles of the population given to :meth:`fit` (5 is best: most recent, most
    orders, highest average order). Ties (many one-order customers) share the lower score.

    Args:
        bins: Number of score levels (5 gives the classic grid that :data:`SEGMENTS` names).
    """

    def __init__(self, bins: int = 5) -> None:
        self.bins = bins

    def fit(self, rfm: pd.DataFrame) -> Self:
        """Learn the score edges from an :func:`rfm_table`.

        Raises:
            ValueError: Columns missing, no rows, or ``bins`` not 5 (the named grid is 5 x 5).
        """
        if self.bins != 5:
            raise ValueError(f"bins must be 5 for the named segment grid; got {self.bins}")
        missing = [c for c in RFM_COLUMNS if c not in rfm.columns]
        if missing or rfm.empty:
            raise ValueError(
                f"fit needs a non-empty rfm_table with columns {list(RFM_COLUMNS)}; "
                f"missing {missing}, rows {len(rfm)}"
            )
        quantiles = np.linspace(0, 1, self.bins + 1)[1:-1]
        self.edges_ = {c: np.quantile(rfm[c].to_numpy(float), quantiles) for c in RFM_COLUMNS}
        self.n_customers_ = len(rfm)
        return self

    def transform(self, rfm: pd.DataFrame) -> pd.DataFrame:
        """Scores ``r``, ``f``, ``m`` (1-5), the ``rfm`` code ("545") and the ``segment``."""
        if not hasattr(self, "edges_"):
            raise ValueError("RFMSegmenter is not fitted; call fit first")
        out = rfm.copy()
        for column, short in zip(RFM_COLUMNS, "rfm", strict=True):
            values = rfm[column].to_numpy(float)
            out[short] = _scores(values, self.edges_[column], reverse=column == "recency_days")
        out["rfm"] = out.r.astype(str) + out.f.astype(str) + out.m.astype(str)
        out["segment"] = [segment_for(r, f) for r, f in zip(out.r, out.f, strict=True)]
        return out

    def fit_transform(self, rfm: pd.DataFrame) -> pd.DataFrame:
        """Fit on ``rfm`` and score it."""
        return self.fit(rfm).transform(rfm)

    def predict(self, rfm: pd.DataFrame) -> np.ndarray:
        """The segment name of each customer."""
        return self.transform(rfm)["segment"].to_numpy()


def segment_summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Customers, share and average R/F/M values per named segment, largest first."""
    grouped = scored.groupby("segment")
    summary = pd.DataFrame(
        {
            "customers": grouped.size(),
            "recency_days": grouped.recency_days.median(),
            "frequency": grouped.frequency.mean(),
            "monetary": grouped.monetary.mean(),
        }
    )
    summary["share"] = summary.customers / summary.customers.sum()
    described = {s.name: s.description for s in SEGMENTS}
    summary["description"] = [described[name] for name in summary.index]
    return summary.sort_values("customers", ascending=False)
