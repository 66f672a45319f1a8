"""Inputs for forecasting: files, Henry Hub from the dataset registry, demand from the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from vantage.core.settings import Settings
from vantage.services.warehouse import open_warehouse
from vantage.solutions.forecast.data import ForecastError

HENRY_HUB_DAILY: dict[str, int] = {"1d": 1, "1w": 5, "1m": 21, "3m": 63, "12m": 252}
HENRY_HUB_MONTHLY: dict[str, int] = {"1m": 1, "3m": 3, "6m": 6, "12m": 12}
DEMAND_FREQS: dict[str, str] = {"D": "D", "W": "W-MON"}
ONLINE = "online"
IN_STORE = "in-store"


def read_series_file(
    path: Path, *, id_col: str = "unique_id", time_col: str = "ds", target_col: str = "y"
) -> pd.DataFrame:
    """Read a long CSV or Parquet file and name its columns ``unique_id, ds, y``.

    Raises:
        ForecastError: The file is missing or not CSV/Parquet.
    """
    if not path.is_file():
        raise ForecastError(f"File {path} does not exist.", "Check the path.")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif suffix in (".csv", ".txt", ".gz"):
        frame = pd.read_csv(path)
    else:
        raise ForecastError(
            f"File {path} is neither CSV nor Parquet.", "Save it as .csv or .parquet."
        )
    return frame.rename(columns={id_col: "unique_id", time_col: "ds", target_col: "y"})


def henry_hub(table: str = "daily", *, mirror: Path | None = None) -> pd.DataFrame:
    """Henry Hub spot prices as one long series ``henry_hub`` (USD/MMBtu).

    Args:
        table: ``daily`` (trading days, use frequency ``B`` with ``fill="ffill"`` for
            holidays) or ``monthly`` (frequency ``MS``).
        mirror: Data mirror folder (default: ``VANTAGE_DATA_MIRROR``).
    """
    from vantage.datasets.registry import load

    if table not in ("daily", "monthly"):
        raise ForecastError(f"Unknown Henry Hub table {table!r}.", "Use daily or monthly.")
    raw = load("henry_hub", table, mirror=mirror)
    frame = pd.DataFrame({"unique_id": "henry_hub", "ds": raw["date"], "y": raw["price"]})
    if table == "daily":
        frame = frame[frame["ds"].dt.dayofweek < 5]
    return frame.dropna(subset=["y"]).reset_index(drop=True)


def demand_bottom(settings: Settings, freq: str = "W") -> pd.DataFrame:
    """Units sold per store, category and period, from ``Order Completed`` events.

    Store orders (POS) carry a store and an item count but no products: their category is
    ``in-store``. Web and app orders carry products with categories and quantities: their
    store is ``online``. Periods with no sale are zeros.

    Args:
        settings: Settings naming the workspace.
        freq: ``D`` (days) or ``W`` (weeks starting on Monday, pandas frequency ``W-MON``).

    Returns:
        ``store, category, ds, y``.

    Raises:
        ForecastError: The warehouse has no orders (run ``vantage demo`` or import orders).
    """
    if freq not in DEMAND_FREQS:
        raise ForecastError(f"Demand frequency {freq!r} is not supported.", "Use D or W.")
    with open_warehouse(settings) as store:
        if not store.has_table("events"):
            raise _no_orders()
        events = store.table("events")
        query = events.filter(events.event == "Order Completed").select("timestamp", "payload")
        raw = store.execute(query)
    if raw.empty:
        raise _no_orders()
    lines: list[tuple[Any, str, str, float]] = []
    for ts, payload in zip(raw["timestamp"], raw["payload"], strict=True):
        props = orjson.loads(payload).get("properties") or {}
        products = props.get("products")
        if products:
            for item in products:
                category = str(item.get("category") or "other")
                lines.append((ts, ONLINE, category, float(item.get("quantity") or 1)))
        elif props.get("store_id"):
            lines.append((ts, str(props["store_id"]), IN_STORE, float(props.get("items") or 1)))
    if not lines:
        raise _no_orders()
    frame = pd.DataFrame(lines, columns=["ts", "store", "category", "y"])
    frame["ds"] = pd.to_datetime(frame["ts"], utc=True).dt.tz_localize(None)
    frame["ds"] = frame["ds"].dt.normalize()
    if freq == "W":
        frame["ds"] -= pd.to_timedelta(frame["ds"].dt.dayofweek, unit="D")
    sums = frame.groupby(["store", "category", "ds"])["y"].sum()
    grid = pd.date_range(
        sums.index.get_level_values("ds").min(), frame["ds"].max(), freq=DEMAND_FREQS[freq]
    )
    pairs = sums.reset_index()[["store", "category"]].drop_duplicates()
    full = pd.MultiIndex.from_tuples(
        [(s, c, d) for s, c in pairs.itertuples(index=False) for d in grid],
        names=["store", "category", "ds"],
    )
    return sums.reindex(full, fill_value=0.0).reset_index()


def _no_orders() -> ForecastError:
    return ForecastError(
        "The warehouse holds no 'Order Completed' events to forecast demand from.",
        "Run `vantage demo` (or import orders) first.",
    )
