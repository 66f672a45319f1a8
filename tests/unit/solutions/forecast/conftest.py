"""Small generated series for the forecasting tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def random_walk(n: int = 200, n_series: int = 2, freq: str = "B", seed: int = 0) -> pd.DataFrame:
    """Random walks around 50: nothing should beat the naive forecast."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2022-01-03", periods=n, freq=freq)
    frames = [
        pd.DataFrame({"unique_id": f"s{i}", "ds": ds, "y": 50 + np.cumsum(rng.normal(0, 1, n))})
        for i in range(n_series)
    ]
    return pd.concat(frames, ignore_index=True)


def weekly_sales(n: int = 140, n_series: int = 2, seed: int = 0) -> pd.DataFrame:
    """Daily counts with a strong day-of-week pattern: seasonal models should win."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2024-01-01", periods=n, freq="D")
    pattern = np.array([10, 12, 14, 16, 30, 45, 20], dtype=float)
    frames = [
        pd.DataFrame(
            {"unique_id": f"p{i}", "ds": ds, "y": rng.poisson(pattern[ds.dayofweek] * (1 + i))}
        )
        for i in range(n_series)
    ]
    return pd.concat(frames, ignore_index=True).astype({"y": float})


@pytest.fixture
def walk() -> pd.DataFrame:
    return random_walk()


@pytest.fixture
def sales() -> pd.DataFrame:
    return weekly_sales()


@pytest.fixture
def make_walk():  # type: ignore[no-untyped-def]
    return random_walk


@pytest.fixture
def make_sales():  # type: ignore[no-untyped-def]
    return weekly_sales
