from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vantage.solutions.forecast.data import (
    ForecastError,
    check_freq,
    future_dates,
    seasonal_periods,
    validate_long,
)


def test_canonical_frame_sorted_with_exogenous(walk: pd.DataFrame) -> None:
    df = walk.assign(promo=1.0).sample(frac=1, random_state=0)
    out = validate_long(df, "B")
    assert list(out.columns) == ["unique_id", "ds", "y", "promo"]
    assert out.groupby("unique_id")["ds"].is_monotonic_increasing.all()
    assert len(out) == len(walk)


def test_single_series_without_id_and_renamed_columns() -> None:
    df = pd.DataFrame({"date": ["2025-01-01", "2025-01-02", "2025-01-03"], "sales": [1, 2, 3]})
    out = validate_long(df, "D", time_col="date", target_col="sales")
    assert set(out["unique_id"]) == {"series"}
    assert out["y"].dtype == float


def test_missing_column_names_it() -> None:
    with pytest.raises(ForecastError, match="Column 'y' is missing"):
        validate_long(pd.DataFrame({"ds": ["2025-01-01"]}), "D")


def test_non_numeric_values() -> None:
    df = pd.DataFrame({"ds": pd.date_range("2025-01-01", periods=3), "y": [1, "x", 3]})
    with pytest.raises(ForecastError, match="1 non-numeric values"):
        validate_long(df, "D")


def test_bad_dates() -> None:
    df = pd.DataFrame({"ds": ["2025-01-01", "not a date"], "y": [1, 2]})
    with pytest.raises(ForecastError, match="not dates"):
        validate_long(df, "D")


def test_duplicates() -> None:
    df = pd.DataFrame({"ds": ["2025-01-01", "2025-01-01", "2025-01-02"], "y": [1, 2, 3]})
    with pytest.raises(ForecastError, match="1 duplicated"):
        validate_long(df, "D")


def test_infinite_values() -> None:
    df = pd.DataFrame({"ds": pd.date_range("2025-01-01", periods=3), "y": [1, np.inf, 3]})
    with pytest.raises(ForecastError, match="infinite"):
        validate_long(df, "D")


def test_gap_refused_without_fill_then_filled() -> None:
    ds = pd.to_datetime(["2025-01-06", "2025-01-07", "2025-01-09", "2025-01-10"])
    df = pd.DataFrame({"ds": ds, "y": [1.0, 2.0, 4.0, 5.0]})
    with pytest.raises(ForecastError, match="1 missing time stamps"):
        validate_long(df, "B")
    assert validate_long(df, "B", fill="ffill")["y"].tolist() == [1, 2, 2, 4, 5]
    assert validate_long(df, "B", fill="zero")["y"].tolist() == [1, 2, 0, 4, 5]
    assert validate_long(df, "B", fill="interpolate")["y"].tolist() == [1, 2, 3, 4, 5]


def test_off_grid_dates() -> None:
    df = pd.DataFrame({"ds": ["2025-01-04", "2025-01-06", "2025-01-07"], "y": [1, 2, 3]})
    with pytest.raises(ForecastError, match="not on the 'B' grid"):
        validate_long(df, "B")


def test_short_series() -> None:
    df = pd.DataFrame({"ds": ["2025-01-01", "2025-01-02"], "y": [1, 2]})
    with pytest.raises(ForecastError, match="shorter than 3 points"):
        validate_long(df, "D")


def test_unknown_freq_and_fill() -> None:
    with pytest.raises(ForecastError, match="Unknown frequency 'fortnightly'"):
        check_freq("fortnightly")
    df = pd.DataFrame({"ds": pd.date_range("2025-01-01", periods=3), "y": [1, 2, 3]})
    with pytest.raises(ForecastError, match="Unknown fill 'mean'"):
        validate_long(df, "D", fill="mean")  # type: ignore[arg-type]


def test_seasons_and_future_dates() -> None:
    assert seasonal_periods("B") == (5, 252)
    assert seasonal_periods("W-MON") == (52,)
    assert seasonal_periods("unknown") == (1,)
    dates = future_dates(pd.Timestamp("2025-01-03"), 2, "B")
    assert list(dates) == [pd.Timestamp("2025-01-06"), pd.Timestamp("2025-01-07")]
