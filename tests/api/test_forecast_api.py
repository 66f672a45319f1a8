"""POST /v1/forecast: compare models on a small series and forecast it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from api_helpers import TestClient


def _series(n: int = 70) -> list[dict[str, object]]:
    rng = np.random.default_rng(0)
    ds = pd.date_range("2025-01-01", periods=n)
    pattern = np.array([5, 6, 7, 8, 15, 20, 9.0])
    y = rng.poisson(pattern[ds.dayofweek])
    return [
        {"unique_id": "a", "ds": d.date().isoformat(), "y": float(v)}
        for d, v in zip(ds, y, strict=True)
    ]


def test_forecast_needs_admin(client: TestClient) -> None:
    response = client.post("/v1/forecast", json={"series": _series()})
    assert response.status_code == 401


def test_forecast_compares_and_forecasts(client: TestClient, admin: dict[str, str]) -> None:
    body = {
        "series": _series(),
        "freq": "D",
        "horizon": 7,
        "models": ["seasonal_naive"],
        "n_origins": 3,
    }
    response = client.post("/v1/forecast", json=body, headers=admin)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["selection"]["h7"] == "SeasonalNaive"
    assert {row["model"] for row in data["leaderboard"]} == {"RandomWalk", "SeasonalNaive"}
    assert len(data["forecast"]) == 7
    first = data["forecast"][0]
    assert first["lo_80"] <= first["hi_80"] and first["ds"] == "2025-03-12"


def test_forecast_invalid_payloads(client: TestClient, admin: dict[str, str]) -> None:
    unknown = client.post(
        "/v1/forecast", json={"series": _series(), "models": ["oracle"]}, headers=admin
    )
    assert unknown.status_code == 422
    gap = [p for i, p in enumerate(_series(30)) if i != 10]
    response = client.post("/v1/forecast", json={"series": gap, "models": ["naive"]}, headers=admin)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid_forecast"
    assert "missing time stamps" in error["message"] and "fill" in error["fix"]
