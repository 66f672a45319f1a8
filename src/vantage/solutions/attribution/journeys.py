"""Customer journeys: ordered touchpoints per customer, each ending in a conversion or not.

A journey is one row of a :class:`pandas.DataFrame` with the columns of :data:`JOURNEY_COLUMNS`:
``path`` (tuple of channel names, oldest first), ``ages`` (days from each touch to the end of
the journey; empty when unknown), ``conversions``, ``nulls`` (journeys that did not convert) and
``value`` (revenue of the conversions). Per-customer journeys have ``conversions + nulls == 1``;
aggregated paths (ChannelAttribution's format) hold counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vantage.core.errors import VantageError

JOURNEY_COLUMNS = ("path", "ages", "conversions", "nulls", "value")
DAY_S = 86_400.0


class AttributionError(VantageError):
    """Journeys or attribution settings are unusable."""


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AttributionError(
            f"The {name} frame lacks column(s) {missing}; it has {list(frame.columns)}.",
            f"Rename the columns or pass their names ({', '.join(columns)}).",
        )


def build_journeys(
    touches: pd.DataFrame,
    conversions: pd.DataFrame,
    *,
    lookback_days: float | None = 30.0,
    customer: str = "customer_id",
    ts: str = "ts",
    channel: str = "channel",
    value: str = "value",
) -> pd.DataFrame:
    """Cut each customer's touchpoints into journeys that end at a conversion or at the end.

    Touches before a conversion (and after the previous one) form that conversion's journey;
    with ``lookback_days`` only touches within that many days of the conversion count. Touches
    after a customer's last conversion form one journey that did not convert. Conversions
    without any touch in their window are direct and get no journey (they are not attributable).

    Args:
        touches: One row per touchpoint: customer, timestamp, channel.
        conversions: One row per conversion: customer, timestamp, value.
        lookback_days: Attribution window in days; None keeps every earlier touch.
        customer: Customer column name in both frames.
        ts: Timestamp column name (datetimes or seconds) in both frames.
        channel: Channel column name in ``touches``.
        value: Conversion value column name in ``conversions``.

    Returns:
        Journeys with the columns of :data:`JOURNEY_COLUMNS` plus ``customer_id``.
    """
    _require(touches, (customer, ts, channel), "touches")
    _require(conversions, (customer, ts, value), "conversions")
    if lookback_days is not None and lookback_days <= 0:
        raise AttributionError(
            f"lookback_days={lookback_days} must be positive.", "Pass a positive number of days."
        )
    t = pd.DataFrame(
        {"c": touches[customer].astype(str), "t": _seconds(touches[ts]), "k": 0, "v": 0.0}
    )
    t["ch"] = touches[channel].astype(str).to_numpy()
    conv = pd.DataFrame(
        {
            "c": conversions[customer].astype(str),
            "t": _seconds(conversions[ts]),
            "k": 1,
            "v": conversions[value].astype(float).fillna(0.0),
        }
    )
    conv["ch"] = ""
    events = pd.concat([t, conv], ignore_index=True).sort_values(["c", "t", "k"], kind="stable")
    window = np.inf if lookback_days is None else lookback_days * DAY_S
    rows: list[tuple[str, tuple[str, ...], tuple[float, ...], float, float, float]] = []
    for cust, group in events.groupby("c", sort=False):
        path: list[tuple[float, str]] = []
        for when, kind, amount, ch in zip(
            group["t"].to_numpy(),
            group["k"].to_numpy(),
            group["v"].to_numpy(),
            group["ch"],
            strict=True,
        ):
            if kind == 0:
                path.append((float(when), ch))
                continue
            kept = [(w, c) for w, c in path if when - w <= window]
            if kept:
                ages = tuple((when - w) / DAY_S for w, _ in kept)
                rows.append((str(cust), tuple(c for _, c in kept), ages, 1.0, 0.0, float(amount)))
            path = []
        if path:
            end = path[-1][0]
            ages = tuple((end - w) / DAY_S for w, _ in path)
            rows.append((str(cust), tuple(c for _, c in path), ages, 0.0, 1.0, 0.0))
    return pd.DataFrame(rows, columns=["customer_id", *JOURNEY_COLUMNS])


def _seconds(column: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column):
        stamps = pd.to_datetime(column, utc=True)
        return (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    return column.astype(float)


def journeys_from_paths(
    frame: pd.DataFrame,
    *,
    path: str = "path",
    conversions: str = "total_conversions",
    nulls: str = "total_null",
    value: str | None = "total_conversion_value",
    sep: str = ">",
) -> pd.DataFrame:
    """Read aggregated paths (``"a > b > c"`` with conversion and null counts).

    Args:
        frame: One row per distinct path, as ChannelAttribution's ``Data.csv``.
        path: Column holding the path text.
        conversions: Column with the number of journeys of that path that converted.
        nulls: Column with the number that did not.
        value: Column with the conversions' total value, or None.
        sep: Separator between channels in the path text.

    Returns:
        Journeys with the columns of :data:`JOURNEY_COLUMNS` (``ages`` empty).
    """
    _require(frame, [c for c in (path, conversions, nulls, value) if c], "paths")
    paths = [tuple(p.strip() for p in str(text).split(sep) if p.strip()) for text in frame[path]]
    return pd.DataFrame(
        {
            "path": paths,
            "ages": [()] * len(paths),
            "conversions": frame[conversions].astype(float).to_numpy(),
            "nulls": frame[nulls].astype(float).to_numpy(),
            "value": frame[value].astype(float).to_numpy() if value else 0.0,
        }
    )


def aggregate_paths(journeys: pd.DataFrame, sep: str = " > ") -> pd.DataFrame:
    """Count conversions, nulls and value per distinct path (ChannelAttribution's input format).

    Args:
        journeys: Journeys as from :func:`build_journeys`.
        sep: Separator written between channels.

    Returns:
        Columns ``path``, ``total_conversions``, ``total_conversion_value``, ``total_null``.
    """
    validate_journeys(journeys)
    text = journeys["path"].map(sep.join)
    out = (
        journeys.assign(path=text)
        .groupby("path", sort=True)
        .agg(
            total_conversions=("conversions", "sum"),
            total_conversion_value=("value", "sum"),
            total_null=("nulls", "sum"),
        )
        .reset_index()
    )
    return out


def validate_journeys(journeys: pd.DataFrame) -> pd.DataFrame:
    """Check a journeys frame and drop journeys with no touch.

    Raises:
        AttributionError: A column is missing, counts are negative, or nothing converted.
    """
    _require(journeys, ("path", "conversions", "nulls"), "journeys")
    if (journeys["conversions"] < 0).any() or (journeys["nulls"] < 0).any():
        raise AttributionError(
            "The journeys frame has negative conversions or nulls.",
            "Counts must be zero or more; check how the journeys were aggregated.",
        )
    kept = journeys[journeys["path"].map(len) > 0]
    if float(kept["conversions"].sum()) <= 0:
        raise AttributionError(
            "No journey with a touchpoint converted, so there is nothing to attribute.",
            "Check the conversion event and the lookback window (or load touchpoint events).",
        )
    return kept


def channels_of(journeys: pd.DataFrame) -> list[str]:
    """Sorted distinct channels appearing in the journeys."""
    return sorted({c for p in journeys["path"] for c in p})
