"""API roles: analysts read (GET) analytics, segments, models, forecasts, text and profiles;
writes stay admin-only; viewers get profiles with PII masked and are refused elsewhere."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_workspace import WebWorkspace

from vantage.services.users import UserStore

SERIES = [{"ds": f"2025-01-{d:02d}", "y": float(d % 7)} for d in range(1, 29)]


@pytest.fixture(scope="module")
def api(web_app: FastAPI, workspace: WebWorkspace) -> dict[str, dict[str, str]]:
    users = UserStore(workspace.home)
    return {
        role: {"Authorization": f"Bearer {users.create_token(role, 'api-roles')}"}
        for role in ("admin", "analyst", "viewer")
    }


READS = [
    "/v1/models",
    "/v1/segments",
    "/v1/profiles?user_id=u1",
    "/v1/profiles/c1",
    "/v1/profiles/c1/events?limit=5",
]


@pytest.mark.parametrize("path", READS)
def test_analyst_tokens_read(web_app: FastAPI, api: dict[str, dict[str, str]], path: str) -> None:
    response = TestClient(web_app).get(path, headers=api["analyst"])
    assert response.status_code == 200, response.text


def test_analyst_tokens_run_read_only_computations(
    web_app: FastAPI, api: dict[str, dict[str, str]]
) -> None:
    client = TestClient(web_app)
    sentiment = client.post(
        "/v1/nlp/sentiment", json={"texts": ["Lovely fit, fast delivery."]}, headers=api["analyst"]
    )
    assert sentiment.status_code == 200 and sentiment.json()["results"][0]["label"] == "positive"
    forecast = client.post(
        "/v1/forecast",
        json={"series": SERIES, "horizon": 3, "models": ["naive", "mean"], "n_origins": 1},
        headers=api["analyst"],
    )
    assert forecast.status_code == 200, forecast.text
    assert len(forecast.json()["forecast"]) == 3


def test_analyst_writes_are_refused_with_the_fix(
    web_app: FastAPI, api: dict[str, dict[str, str]]
) -> None:
    definition = {"name": "api_roles", "where": {"consent": "email_marketing"}}
    client = TestClient(web_app)
    response = client.post("/v1/segments", json=definition, headers=api["analyst"])
    assert response.status_code == 403
    body = response.json()
    assert body["message"] == (
        "POST on this endpoint needs the admin role; the token of 'analyst' has the analyst "
        "role, which may only read (GET)."
    )
    assert "admin token" in body["fix"]
    assert client.post("/v1/segments", json=definition, headers=api["admin"]).status_code == 201


@pytest.mark.parametrize("path", ["/v1/models", "/v1/segments", "/v1/profiles/c1/events"])
def test_viewer_tokens_are_refused_where_records_cannot_be_masked(
    web_app: FastAPI, api: dict[str, dict[str, str]], path: str
) -> None:
    response = TestClient(web_app).get(path, headers=api["viewer"])
    assert response.status_code == 403
    assert response.json()["message"] == (
        "This endpoint needs the analyst role; the token of 'viewer' has the viewer role."
    )


@pytest.mark.parametrize("path", ["/v1/profiles/c1", "/v1/profiles?user_id=u1"])
def test_viewer_tokens_get_profiles_with_pii_masked(
    web_app: FastAPI, api: dict[str, dict[str, str]], workspace: WebWorkspace, path: str
) -> None:
    client = TestClient(web_app)
    masked = client.get(path, headers=api["viewer"])
    assert masked.status_code == 200, masked.text
    values = {i["id_type"]: i["id_value"] for i in masked.json()["identifiers"]}
    assert values["email"] == "a***@example.com" and values["phone"] == "+44********56"
    assert values["user_id"] == "u1"
    assert workspace.email not in masked.text and workspace.phone not in masked.text
    plain = client.get(path, headers=api["analyst"]).json()
    assert {i["id_value"] for i in plain["identifiers"]} >= {workspace.email, workspace.phone}


def test_viewers_cannot_write_either(web_app: FastAPI, api: dict[str, dict[str, str]]) -> None:
    response = TestClient(web_app).post(
        "/v1/segments", json={"name": "v", "where": {"consent": "email"}}, headers=api["viewer"]
    )
    assert response.status_code == 403
    assert response.json()["message"].startswith("POST on this endpoint needs the admin role")


def test_reads_without_a_token_are_401(web_app: FastAPI) -> None:
    response = TestClient(web_app).get("/v1/models")
    assert response.status_code == 401
    assert "needs a valid token (role analyst or higher)" in response.json()["message"]
