"""Validation of long time-series frames (``unique_id, ds, y`` plus exogenous columns)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from vantage.core.errors import VantageError

Fill = Literal["ffill", "zero", "interpolate"]
FILLS: tuple[str, ...] = ("ffill", "zero", "interpolate")

# Main seasonal period, and the longer one MSTL adds when the history allows it.
_SEASONS: dict[str, tuple[int, ...]] = {
    "B": (5, 252),
    "D": (7, 365),
    "W": (52,),
    "M": (12,),
    "MS": (12,),
    "ME": (12,),
    "Q": (4,),
    "QS": (4,),
    "QE": (4,),
    "h": (24, 168),
    "H": (24, 168),
    "Y": (1,),
    "YS": (1,),
}


class ForecastError(VantageError):
    """A forecasting input or option is invalid."""


def seasonal_periods(freq: str) -> tuple[int, ...]:
    """Seasonal periods for a pandas frequency string (``(1,)`` when unknown)."""
    base = freq.split("-", maxsplit=1)[0]
    return _SEASONS.get(base, (1,))


def check_freq(freq: str) -> str:
    """Return ``freq`` if pandas understands it.

    Raises:
        ForecastError: Unknown frequency string.
    """
    try:
        pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        raise ForecastError(
            f"Unknown frequency {freq!r}.",
            "Use a pandas frequency: D (daily), B (business days), W, MS (month start), h, Q.",
        ) from None
    return freq


def validate_long(
    df: pd.DataFrame,
    freq: str,
    *,
    id_col: str = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
    fill: Fill | None = None,
    min_length: int = 3,
) -> pd.DataFrame:
    """Check a long frame and return it in canonical form.

    The result has columns ``unique_id`` (string), ``ds`` (timestamps on the ``freq`` grid),
    ``y`` (float) and the exogenous columns, sorted by series and time, with no gaps.

    Args:
        df: One row per series and time stamp.
        freq: Pandas frequency of every series (``D``, ``B``, ``W``, ``MS``...).
        id_col: Column naming the series; a frame without it is one series called ``series``.
        time_col: Time-stamp column.
        target_col: Value column.
        fill: How to fill missing time stamps (``ffill``, ``zero``, ``interpolate``); None
            refuses gaps.
        min_length: Shortest series accepted.

    Returns:
        The canonical frame.

    Raises:
        ForecastError: Missing column, unparseable dates, non-numeric or missing values,
            duplicated time stamps, gaps without ``fill``, or a series that is too short.
    """
    check_freq(freq)
    if fill is not None and fill not in FILLS:
        raise ForecastError(f"Unknown fill {fill!r}.", f"Use one of {', '.join(FILLS)}.")
    for column in (time_col, target_col):
        if column not in df.columns:
            raise ForecastError(
                f"Column {column!r} is missing; columns are {list(df.columns)}.",
                f"Rename your columns to {id_col}, {time_col}, {target_col} or name them "
                "in the options.",
            )
    frame = df.copy()
    if id_col not in frame.columns:
        frame[id_col] = "series"
    frame = frame.rename(columns={id_col: "unique_id", time_col: "ds", target_col: "y"})
    frame["unique_id"] = frame["unique_id"].astype(str)
    try:
        frame["ds"] = pd.to_datetime(frame["ds"])
    except (ValueError, TypeError) as exc:
        raise ForecastError(
            f"Column {time_col!r} holds values that are not dates ({exc}).",
            "Write dates as ISO 8601 (2025-01-31).",
        ) from None
    if getattr(frame["ds"].dt, "tz", None) is not None:
        frame["ds"] = frame["ds"].dt.tz_localize(None)
    y = pd.to_numeric(frame["y"], errors="coerce")
    bad = y.isna() & frame["y"].notna()
    if bad.any():
        raise ForecastError(
            f"Column {target_col!r} has {int(bad.sum())} non-numeric values "
            f"(first: {frame.loc[bad, 'y'].iloc[0]!r}).",
            "Clean the values or drop those rows.",
        )
    frame["y"] = y.astype(float)
    if not np.isfinite(frame["y"].dropna()).all():
        raise ForecastError(f"Column {target_col!r} has infinite values.", "Drop those rows.")
    dup = frame.duplicated(["unique_id", "ds"])
    if dup.any():
        first = frame.loc[dup].iloc[0]
        raise ForecastError(
            f"{int(dup.sum())} duplicated ({id_col}, {time_col}) rows, e.g. "
            f"({first['unique_id']}, {first['ds']:%Y-%m-%d}).",
            "Aggregate to one value per series and time stamp first.",
        )
    frame = frame.sort_values(["unique_id", "ds"], kind="stable")
    frame = _regularise(frame, freq, fill)
    lengths = frame.groupby("unique_id").size()
    short = lengths[lengths < min_length]
    if len(short):
        raise ForecastError(
            f"{len(short)} series are shorter than {min_length} points "
            f"(e.g. {short.index[0]!r} has {int(short.iloc[0])}).",
            "Drop them, use a coarser frequency, or a shorter horizon.",
        )
    exog = [c for c in frame.columns if c not in ("unique_id", "ds", "y")]
    return frame[["unique_id", "ds", "y", *exog]].reset_index(drop=True)


def _regularise(frame: pd.DataFrame, freq: str, fill: Fill | None) -> pd.DataFrame:
    """Put every series on the ``freq`` grid, filling gaps with ``fill`` or refusing them."""
    parts = []
    offset = pd.tseries.frequencies.to_offset(freq)
    for uid, part in frame.groupby("unique_id", sort=False):
        grid = pd.date_range(part["ds"].iloc[0], part["ds"].iloc[-1], freq=freq)
        off_grid = ~part["ds"].isin(grid)
        if off_grid.any():
            raise ForecastError(
                f"Series {uid!r}: time stamp {part.loc[off_grid, 'ds'].iloc[0]} is not on the "
                f"{freq!r} grid ({offset}).",
                "Check --freq (D, B, W-SUN, MS...) or aggregate the data to that frequency.",
            )
        indexed = part.set_index("ds").reindex(grid)
        missing = indexed["y"].isna()
        if missing.any():
            if fill is None:
                raise ForecastError(
                    f"Series {uid!r} has {int(missing.sum())} missing time stamps or values "
                    f"(first {indexed.index[missing][0]:%Y-%m-%d}).",
                    "Pass fill='ffill' (prices), 'zero' (sales) or 'interpolate' (CLI: --fill).",
                )
            indexed = _fill(indexed, fill)
        indexed["unique_id"] = uid
        parts.append(indexed.rename_axis("ds").reset_index())
    return pd.concat(parts, ignore_index=True)


def _fill(indexed: pd.DataFrame, fill: Fill) -> pd.DataFrame:
    exog = [c for c in indexed.columns if c not in ("unique_id", "y")]
    if exog:
        indexed[exog] = indexed[exog].ffill().bfill()
    if fill == "zero":
        indexed["y"] = indexed["y"].fillna(0.0)
    elif fill == "interpolate":
        indexed["y"] = indexed["y"].interpolate().ffill().bfill()
    else:
        indexed["y"] = indexed["y"].ffill().bfill()
    return indexed


def exogenous_columns(df: pd.DataFrame) -> list[str]:
    """Columns of a canonical frame other than ``unique_id, ds, y``."""
    return [c for c in df.columns if c not in ("unique_id", "ds", "y")]


def future_dates(last: pd.Timestamp, h: int, freq: str) -> pd.DatetimeIndex:
    """The ``h`` time stamps after ``last`` on the ``freq`` grid."""
    return pd.date_range(last, periods=h + 1, freq=freq)[1:]
