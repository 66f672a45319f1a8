"""Recommendations API: per customer, per product, errors, admin only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from vantage.core.settings import Settings
from vantage.services.warehouse import open_warehouse
from vantage.solutions.recommend.sample import load_sample_orders


def with_orders(settings: Settings) -> None:
    with open_warehouse(settings) as store:
        load_sample_orders(store, customers=120)


def test_recommendations_and_also_bought(
    client: TestClient, settings: Settings, admin: dict[str, str]
) -> None:
    with_orders(settings)
    found = client.get("/v1/profiles/c1/recommendations", params={"n": 4}, headers=admin)
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["customer_id"] == "c1" and len(body["items"]) == 4
    assert body["strategy"] == "personal"
    scores = [i["score"] for i in body["items"]]
    assert scores == sorted(scores, reverse=True)
    also = client.get("/v1/products/SKU-p03/also-bought", headers=admin)
    assert also.status_code == 200 and also.json()["product_id"] == "p03"
    assert also.json()["model"] == "co-occurrence"


def test_errors_and_auth(client: TestClient, settings: Settings, admin: dict[str, str]) -> None:
    with_orders(settings)
    missing = client.get("/v1/profiles/nobody/recommendations", headers=admin)
    assert missing.status_code == 404 and "No customer 'nobody'" in missing.json()["message"]
    unknown = client.get("/v1/products/kayak/also-bought", headers=admin)
    assert unknown.status_code == 404 and "never bought" in unknown.json()["message"]
    too_many = client.get("/v1/profiles/c1/recommendations", params={"n": 0}, headers=admin)
    assert too_many.status_code in (400, 422)
    assert client.get("/v1/profiles/c1/recommendations").status_code == 401
    assert client.get("/v1/products/p01/also-bought").status_code == 401
