"""Forecasting services: a frame with outputs, demand from warehouse orders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pytest

from vantage.core.settings import Settings
from vantage.core.workspace import Workspace
from vantage.services import forecast as service
from vantage.services.forecast_data import demand_bottom, read_series_file
from vantage.services.warehouse import open_warehouse
from vantage.solutions.forecast.data import ForecastError


def _walk(n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    ds = pd.bdate_range("2024-01-01", periods=n)
    return pd.DataFrame({"unique_id": "gas", "ds": ds, "y": 3 + np.cumsum(rng.normal(0, 0.05, n))})


def test_run_frame_writes_forecast_leaderboard_purchase_and_charts(tmp_path: Path) -> None:
    run = service.run_frame(
        _walk(), "B", {"1w": 5, "1m": 21}, models=["naive", "drift"], n_origins=4, step=5
    )
    files = service.write_outputs(
        run, tmp_path / "out" / "f.csv", tmp_path / "charts", purchase_level=3.0
    )
    assert set(files) == {"forecast", "leaderboard", "purchase", "png", "html"}
    out = pd.read_csv(files["forecast"])
    assert len(out) == 21 and {"unique_id", "ds", "yhat", "lo_80", "hi_95"} <= set(out.columns)
    purchase = pd.read_csv(files["purchase"])
    assert purchase["p_above"].between(0, 1).all()
    summary = run.as_dict(rows=3)
    assert len(summary["forecast"]) == 3 and summary["selection"].keys() == {"1w", "1m"}
    orjson.dumps(summary)


def test_read_series_file(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    _walk(5).rename(columns={"ds": "date"}).to_parquet(path)
    assert list(read_series_file(path, time_col="date").columns) == ["unique_id", "ds", "y"]
    with pytest.raises(ForecastError, match="does not exist"):
        read_series_file(tmp_path / "missing.csv")
    (tmp_path / "s.xlsx").write_text("x")
    with pytest.raises(ForecastError, match="neither CSV nor Parquet"):
        read_series_file(tmp_path / "s.xlsx")


def _order(seq: int, ts: pd.Timestamp, props: dict) -> dict:  # type: ignore[type-arg]
    payload = {"type": "track", "event": "Order Completed", "properties": props}
    return {
        "seq": seq,
        "message_id": f"m{seq}",
        "source": "test",
        "type": "track",
        "event": "Order Completed",
        "user_id": None,
        "anonymous_id": "a",
        "timestamp": ts,
        "received_at": ts,
        "payload": orjson.dumps(payload).decode(),
    }


@pytest.fixture
def settings_with_orders(home: Path) -> Settings:
    Workspace(home).init()
    settings = Settings(home=home)
    rng = np.random.default_rng(0)
    rows, seq = [], 0
    for day in pd.date_range("2025-01-06", periods=7 * 30, freq="D", tz="UTC"):
        for _ in range(rng.poisson(3)):
            seq += 1
            rows.append(_order(seq, day, {"store_id": "S01", "items": 2}))
        seq += 1
        item = {"category": "home" if seq % 2 else "beauty", "quantity": 1}
        rows.append(_order(seq, day, {"products": [item, item]}))
    with open_warehouse(settings) as store:
        store.append("events", pd.DataFrame(rows))
    return settings


def test_demand_bottom_from_orders(settings_with_orders: Settings) -> None:
    weekly = demand_bottom(settings_with_orders, "W")
    assert set(map(tuple, weekly[["store", "category"]].drop_duplicates().to_numpy())) == {
        ("S01", "in-store"),
        ("online", "home"),
        ("online", "beauty"),
    }
    assert (weekly["ds"].dt.dayofweek == 0).all()
    online = weekly[weekly["store"] == "online"]["y"].sum()
    assert online == 2 * 7 * 30
    with pytest.raises(ForecastError, match="not supported"):
        demand_bottom(settings_with_orders, "M")


def test_demand_without_orders(home: Path) -> None:
    Workspace(home).init()
    with pytest.raises(ForecastError, match="no 'Order Completed' events"):
        demand_bottom(Settings(home=home), "W")


@pytest.mark.slow
def test_run_demand_reconciles(settings_with_orders: Settings) -> None:
    run = service.run_demand(
        settings_with_orders,
        freq="W",
        horizon=4,
        models=["naive", "seasonal_naive", "mean"],
        n_origins=3,
    )
    assert run.hierarchy is not None
    ids = set(run.forecaster.forecast_["unique_id"])
    assert {"Total", "Total/S01", "Total/online", "Total/online/home"} <= ids
    wide = run.hierarchy.forecast.pivot(index="ds", columns="unique_id", values="BottomUp")
    np.testing.assert_allclose(wide["Total"], wide["Total/S01"] + wide["Total/online"])
    assert set(run.hierarchy.accuracy["method"]) >= {"base", "BottomUp", "MinTrace_ols"}
