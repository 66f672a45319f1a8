"""Marketing API: attribution results, MMM summary, budget optimisation, errors, admin only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from vantage.core.settings import Settings
from vantage.services.context import ServiceContext
from vantage.services.marketing import save_mmm
from vantage.solutions.mmm import simulate_mmm


def with_model(settings: Settings) -> None:
    sim = simulate_mmm(weeks=40)
    spend = sim.data[sim.truth.channels].to_numpy()
    summary = {
        "computed_at": "2025-01-01T00:00:00+00:00",
        "method": "truth",
        "draws": 1,
        "weeks": 40,
        "contributions": [
            {"channel": c, "mean": float(v), "lo": float(v), "hi": float(v)}
            for c, v in sim.contributions.items()
        ],
        "roi": [
            {"channel": c, "mean": float(v), "lo": float(v), "hi": float(v)}
            for c, v in sim.roi.items()
        ],
        "sales": sim.data["sales"].tolist(),
    }
    save_mmm(ServiceContext(settings), sim.truth, spend[-13:].mean(0), spend.max(0), summary)


def test_results_are_404_until_computed(client: TestClient, admin: dict[str, str]) -> None:
    missing = client.get("/v1/marketing/attribution", headers=admin)
    assert missing.status_code == 404
    assert "vantage attribution" in missing.json()["fix"]
    assert client.get("/v1/marketing/mmm", headers=admin).status_code == 404
    assert client.post("/v1/marketing/optimise", json={}, headers=admin).status_code == 404


def test_mmm_summary_and_optimise(
    client: TestClient, settings: Settings, admin: dict[str, str]
) -> None:
    with_model(settings)
    summary = client.get("/v1/marketing/mmm", headers=admin)
    assert summary.status_code == 200, summary.text
    assert [r["channel"] for r in summary.json()["roi"]] == ["tv", "search", "social"]
    plan = client.post(
        "/v1/marketing/optimise",
        json={"budget": 6000, "bounds": {"tv": {"low": 500, "high": 3000}}, "weeks": 4},
        headers=admin,
    )
    assert plan.status_code == 200, plan.text
    body = plan.json()
    assert body["weeks"] == 4
    tv = next(c for c in body["channels"] if c["channel"] == "tv")
    assert 500 - 1e-6 <= tv["recommended"] <= 3000 + 1e-6
    assert abs(sum(c["recommended"] for c in body["channels"]) - 6000) < 1e-6


def test_bad_requests_name_the_problem(
    client: TestClient, settings: Settings, admin: dict[str, str]
) -> None:
    with_model(settings)
    unknown = client.post(
        "/v1/marketing/optimise", json={"bounds": {"radio": {"low": 0, "high": 1}}}, headers=admin
    )
    assert unknown.status_code == 422 and "unknown channel 'radio'" in unknown.json()["message"]
    inverted = client.post(
        "/v1/marketing/optimise", json={"bounds": {"tv": {"low": 5, "high": 1}}}, headers=admin
    )
    assert inverted.status_code == 422
    negative = client.post("/v1/marketing/optimise", json={"budget": -1}, headers=admin)
    assert negative.status_code == 422


def test_marketing_needs_the_admin_token(client: TestClient) -> None:
    assert client.get("/v1/marketing/attribution").status_code == 401
    assert client.post("/v1/marketing/optimise", json={}).status_code == 401


def test_an_integer_beyond_64_bits_is_a_clear_422(
    client: TestClient, admin: dict[str, str]
) -> None:
    bounds = {"tv": {"low": 1.0, "high": 0.0, "extra": -(2**63) - 1}}
    response = client.post("/v1/marketing/optimise", json={"bounds": bounds}, headers=admin)
    assert response.status_code == 422
    assert "high must be at least low" in response.json()["message"]
