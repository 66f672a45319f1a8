from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vantage.solutions.forecast import Forecaster
from vantage.solutions.forecast.charts import save_html, save_png
from vantage.solutions.forecast.decision import monthly_view, probability_above
from vantage.solutions.forecast.hierarchy import aggregate, forecast_hierarchy, reconcile
from vantage.solutions.forecast.models import StatsModel


@pytest.fixture
def fitted(make_walk) -> Forecaster:  # type: ignore[no-untyped-def]
    data = make_walk(n=260, n_series=1, seed=5)
    fc = Forecaster("B", {"1w": 5, "1m": 21}, models=["naive", "drift"], n_origins=8, step=5)
    return fc.fit(data)


def test_probability_above_is_monotone_and_matches_intervals(fitted: Forecaster) -> None:
    final, banks = fitted.final_, fitted.evaluation_.banks
    mid = float(final["yhat"].iloc[0])
    low, high = probability_above(final, banks, mid - 5), probability_above(final, banks, mid + 5)
    assert (low >= high).all()
    at_lo = probability_above(final.head(1), banks, float(final["lo_80"].iloc[0]) - 1e-9)
    assert at_lo[0] >= 0.85


def test_monthly_view_bands(fitted: Forecaster) -> None:
    view = monthly_view(fitted.final_, fitted.evaluation_.banks, level=50.0)
    assert list(view.columns) == ["unique_id", "month", "expected", "low", "high", "p_above"]
    assert view["month"].is_monotonic_increasing
    assert (view["low"] <= view["expected"]).all() and (view["expected"] <= view["high"]).all()
    assert view["p_above"].between(0, 1).all()


def test_charts_written(fitted: Forecaster, tmp_path: Path) -> None:
    png = save_png(fitted.data_, fitted.forecast_, tmp_path / "c" / "f.png")
    html = save_html(fitted.data_, fitted.forecast_, tmp_path / "c" / "f.html")
    assert png.read_bytes()[:4] == b"\x89PNG"
    text = html.read_text()
    assert "plotly" in text and "cdn.plot.ly" not in text.split("<body>")[0]


def _bottom() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    ds = pd.date_range("2024-01-01", periods=40, freq="W-MON")
    rows = [
        pd.DataFrame({"store": s, "category": c, "ds": ds, "y": rng.poisson(10 + 5 * k, 40)})
        for k, (s, c) in enumerate([("S1", "a"), ("S1", "b"), ("S2", "a")])
    ]
    return pd.concat(rows, ignore_index=True).astype({"y": float})


def test_aggregate_and_reconciled_forecasts_add_up() -> None:
    y_df, s_df, tags = aggregate(_bottom(), ["store", "category"])
    assert set(tags) == {"total", "total/store", "total/store/category"}
    total = y_df[y_df["unique_id"] == "Total"]["y"].sum()
    assert total == pytest.approx(_bottom()["y"].sum())
    base = StatsModel("naive").forecast(y_df, 3, "W-MON").rename(columns={"yhat": "base"})
    base.loc[base["unique_id"] == "Total", "base"] += 50
    out = reconcile(base, s_df, tags)
    for method in ("BottomUp", "MinTrace_ols", "MinTrace_wls_struct"):
        wide = out.pivot(index="ds", columns="unique_id", values=method)
        leaves = [c for c in wide.columns if c.count("/") == 2]
        np.testing.assert_allclose(wide["Total"], wide[leaves].sum(axis=1))


def test_forecast_hierarchy_reports_accuracy_per_level() -> None:
    result = forecast_hierarchy(_bottom(), ["store", "category"], StatsModel("naive"), "W-MON", 4)
    assert set(result.accuracy["level"]) == {"total", "total/store", "total/store/category"}
    assert set(result.accuracy["method"]) == {
        "base",
        "BottomUp",
        "MinTrace_ols",
        "MinTrace_wls_struct",
    }
    assert result.forecast["ds"].nunique() == 4


def test_hierarchy_errors() -> None:
    from vantage.solutions.forecast.data import ForecastError

    with pytest.raises(ForecastError, match="lacks columns \\['category'\\]"):
        aggregate(_bottom().drop(columns="category"), ["store", "category"])
    with pytest.raises(ForecastError, match="too few to hold out"):
        forecast_hierarchy(_bottom(), ["store"], StatsModel("naive"), "W-MON", 30)
