"""Customer features from a long transactions frame (pandas), as of a cut-off date.

The pandas path serves public data sets (CDNOW, Online Retail) and anything already in memory; the
warehouse path (:mod:`vantage.solutions.features.warehouse`) produces the same kind of table
from the ``events`` table. Every function drops transactions after ``cutoff`` before looking at
the data, so features never see the future.

Input: one row per transaction with columns ``customer_id``, ``ts`` and ``amount`` (names are
parameters), optionally a categorical column for a mix (``category``, ``channel``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vantage.core.errors import VantageError

WINDOWS_DAYS: tuple[int, ...] = (30, 90, 180, 365)


class FeatureInputError(VantageError):
    """A transactions frame lacks a column or holds unusable values."""


def _check(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise FeatureInputError(
            f"The transactions frame has no column {missing[0]!r} (columns: "
            f"{sorted(map(str, frame.columns))}).",
            "Rename your columns or pass customer_id=, ts=, amount= naming them.",
        )


def aligned(value: object, times: pd.Series) -> pd.Timestamp:
    """``value`` as a Timestamp comparable with ``times``.

    A naive cut-off is read in the zone of ``times``; an aware one is made naive (UTC) when
    ``times`` are naive.
    """
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    zone = getattr(times.dt, "tz", None)
    if stamp.tzinfo is None and zone is not None:
        return stamp.tz_localize(zone)
    if stamp.tzinfo is not None and zone is None:
        return stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def _before(
    frame: pd.DataFrame, cutoff: object, ts: str, start: object | None = None
) -> pd.DataFrame:
    times = pd.to_datetime(frame[ts])
    keep = times <= aligned(cutoff, times)
    if start is not None:
        keep &= times >= aligned(start, times)
    return frame.loc[keep]


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    cutoff: object,
    start: object | None = None,
    customer_id: str = "customer_id",
    ts: str = "ts",
    amount: str = "amount",
    period_days: float = 1.0,
) -> pd.DataFrame:
    """The BG/NBD and Gamma-Gamma summary per customer, as of ``cutoff`` (``lifetimes`` layout).

    Transactions are first grouped per customer and period (a day by default), as in Fader,
    Hardie and Lee (2005).

    Args:
        transactions: One row per transaction.
        cutoff: End of the calibration period (inclusive).
        start: Transactions before this are ignored (None: all).
        customer_id: Customer column.
        ts: Timestamp column.
        amount: Spend column.
        period_days: Length of a period, in days (7 for weeks).

    Returns:
        Indexed by customer: ``frequency`` (repeat periods with a purchase), ``recency`` (first
        to last purchase), ``T`` (first purchase to cutoff), both in periods, and
        ``monetary_value`` (mean spend of the repeat periods, 0 without repeats).

    Raises:
        FeatureInputError: A column is missing.
    """
    _check(transactions, [customer_id, ts, amount])
    rows = _before(transactions, cutoff, ts, start)
    day = pd.to_datetime(rows[ts]).dt.floor("D")
    per_day = (
        rows.assign(_day=day)
        .groupby([customer_id, "_day"], sort=True)[amount]
        .sum()
        .reset_index()
        .rename(columns={customer_id: "customer_id"})
    )
    cut = aligned(cutoff, per_day["_day"]).floor("D")
    grouped = per_day.groupby("customer_id")
    first = grouped["_day"].min()
    last = grouped["_day"].max()
    count = grouped.size()
    first_spend = per_day.sort_values("_day").groupby("customer_id")[amount].first()
    total = grouped[amount].sum()
    unit = pd.Timedelta(days=period_days)
    frequency = (count - 1).astype(float)
    repeat_spend = total - first_spend
    monetary = np.where(frequency > 0, repeat_spend / frequency.where(frequency > 0, 1.0), 0.0)
    return pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first).dt.total_seconds() / unit.total_seconds(),
            "T": (cut - first).dt.total_seconds() / unit.total_seconds(),
            "monetary_value": monetary,
        }
    ).rename_axis("customer_id")


def holdout_targets(
    transactions: pd.DataFrame,
    *,
    cutoff: object,
    end: object,
    customers: pd.Index | None = None,
    customer_id: str = "customer_id",
    ts: str = "ts",
    amount: str = "amount",
) -> pd.DataFrame:
    """What each customer did after ``cutoff`` up to ``end``: the holdout targets.

    Args:
        transactions: One row per transaction.
        cutoff: End of the calibration period (exclusive start of the holdout).
        end: End of the holdout (inclusive).
        customers: Customers to report (zeros for those without holdout purchases).
        customer_id: Customer column.
        ts: Timestamp column.
        amount: Spend column.

    Returns:
        Indexed by customer: ``holdout_transactions`` (purchase days) and ``holdout_spend``.
    """
    _check(transactions, [customer_id, ts, amount])
    times = pd.to_datetime(transactions[ts])
    rows = transactions.loc[(times > aligned(cutoff, times)) & (times <= aligned(end, times))]
    day = pd.to_datetime(rows[ts]).dt.floor("D")
    per_day = rows.assign(_day=day).groupby([customer_id, "_day"])[amount].sum().reset_index()
    grouped = per_day.groupby(customer_id)
    out = pd.DataFrame(
        {
            "holdout_transactions": grouped.size().astype(float),
            "holdout_spend": grouped[amount].sum().astype(float),
        }
    ).rename_axis("customer_id")
    if customers is not None:
        out = out.reindex(customers, fill_value=0.0)
    return out


def _gaps(days: pd.DataFrame, customer_id: str) -> pd.DataFrame:
    ordered = days.sort_values([customer_id, "_day"])
    gap = ordered.groupby(customer_id)["_day"].diff().dt.total_seconds() / 86400.0
    stats = gap.groupby(ordered[customer_id]).agg(["mean", "std", "last"])
    return stats.rename(columns={"mean": "gap_mean", "std": "gap_std", "last": "gap_last"})


def customer_features(
    transactions: pd.DataFrame,
    *,
    cutoff: object,
    customer_id: str = "customer_id",
    ts: str = "ts",
    amount: str = "amount",
    mix: Sequence[str] = (),
    windows_days: Sequence[int] = WINDOWS_DAYS,
) -> pd.DataFrame:
    """Behavioural features per customer as of ``cutoff`` (for gradient boosting).

    Columns: ``recency_days``, ``tenure_days``, ``orders``, ``spend``, ``aov``; inter-purchase
    ``gap_mean``, ``gap_std``, ``gap_last`` (days between purchase days; NaN with one purchase
    day); ``overdue`` (days since last purchase over the mean gap); per window W in
    ``windows_days``: ``orders_W`` and ``spend_W``; trend ``orders_trend`` (last 90 days against
    the 90 before, +1 smoothed ratio); and for each column in ``mix`` the share of transactions per
    value (``{column}_{value}``).

    Args:
        transactions: One row per transaction.
        cutoff: The as-of time; later rows are ignored.
        customer_id: Customer column.
        ts: Timestamp column.
        amount: Spend column.
        mix: Categorical columns to turn into shares.
        windows_days: Window lengths for counts and spend.

    Returns:
        One row per customer with at least one transaction up to ``cutoff``.
    """
    _check(transactions, [customer_id, ts, amount, *mix])
    rows = _before(transactions, cutoff, ts)
    times = pd.to_datetime(rows[ts])
    cut = aligned(cutoff, times)
    rows = rows.assign(_ts=times, _day=times.dt.floor("D"))
    grouped = rows.groupby(customer_id)
    age = (cut - rows["_ts"]).dt.total_seconds() / 86400.0
    out = pd.DataFrame(
        {
            "recency_days": (cut - grouped["_ts"].max()).dt.total_seconds() / 86400.0,
            "tenure_days": (cut - grouped["_ts"].min()).dt.total_seconds() / 86400.0,
            "orders": grouped.size().astype(float),
            "spend": grouped[amount].sum().astype(float),
        }
    )
    out["aov"] = out["spend"] / out["orders"]
    days = rows.drop_duplicates([customer_id, "_day"])[[customer_id, "_day"]]
    out = out.join(_gaps(days, customer_id))
    out["overdue"] = out["recency_days"] / out["gap_mean"]
    for window in windows_days:
        inside = rows.loc[age <= window]
        by = inside.groupby(customer_id)
        out[f"orders_{window}"] = by.size().reindex(out.index, fill_value=0).astype(float)
        out[f"spend_{window}"] = by[amount].sum().reindex(out.index, fill_value=0.0)
    recent = rows.loc[age <= 90].groupby(customer_id).size()
    before = rows.loc[(age > 90) & (age <= 180)].groupby(customer_id).size()
    out["orders_trend"] = (recent.reindex(out.index, fill_value=0) + 1) / (
        before.reindex(out.index, fill_value=0) + 1
    )
    for column in mix:
        shares = pd.crosstab(rows[customer_id], rows[column].astype(str), normalize="index")
        shares.columns = [f"{column}_{value}" for value in shares.columns]
        out = out.join(shares).fillna({c: 0.0 for c in shares.columns})
    return out.rename_axis("customer_id")
