"""Segments API: create, list, preview, members (paged), history, per customer; admin only."""

from __future__ import annotations

import time

from api_helpers import auth
from fastapi.testclient import TestClient

from vantage.collect.sources import Source
from vantage.core.settings import Settings
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features.sample import load_sample_shop

REPEAT = {
    "name": "repeat_buyers",
    "description": "Three orders or more",
    "where": {"trait": "orders", "op": ">=", "value": 3},
}


def with_shop(settings: Settings) -> None:
    with open_warehouse(settings) as store:
        load_sample_shop(store, customers=40)


def test_create_list_preview_members(
    client: TestClient, settings: Settings, admin: dict[str, str]
) -> None:
    with_shop(settings)
    preview = client.post("/v1/segments/preview", json=REPEAT, params={"sample": 3}, headers=admin)
    assert preview.status_code == 200, preview.text
    size = preview.json()["size"]
    assert size > 3 and len(preview.json()["sample"]) == 3
    assert client.get("/v1/segments", headers=admin).json() == []
    created = client.post("/v1/segments", json=REPEAT, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["size"] == size == created.json()["entered"]
    again = client.post("/v1/segments", json=REPEAT, headers=admin)
    assert again.status_code == 409 and "already exists" in again.json()["message"]
    replaced = client.post("/v1/segments", json=REPEAT, params={"replace": True}, headers=admin)
    assert replaced.status_code == 201 and replaced.json()["entered"] == 0
    listed = client.get("/v1/segments", headers=admin).json()
    assert [(s["name"], s["size"]) for s in listed] == [("repeat_buyers", size)]
    one = client.get("/v1/segments/repeat_buyers", headers=admin).json()
    assert one["definition"]["where"] == REPEAT["where"]
    page = client.get(
        "/v1/segments/repeat_buyers/members", params={"page": 2, "page_size": 2}, headers=admin
    )
    assert (
        page.status_code == 200
        and page.json()["total"] == size
        and len(page.json()["members"]) == 2
    )
    csv = client.get("/v1/segments/repeat_buyers/export", headers=admin)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0] == "customer_id,since" and len(lines) == size + 1
    history = client.get("/v1/segments/repeat_buyers/history", headers=admin).json()
    assert len(history) == size and history[0]["event"] == "Segment Entered"
    member = page.json()["members"][0]["customer_id"]
    mine = client.get(f"/v1/profiles/{member}/segments", headers=admin).json()
    assert mine == {"customer_id": member, "segments": ["repeat_buyers"]}


def test_errors_name_the_path_and_auth_is_required(
    client: TestClient, settings: Settings, admin: dict[str, str]
) -> None:
    with_shop(settings)
    typo = {
        "name": "x",
        "where": {
            "all": [{"consent": "email_marketing"}, {"trait": "order_30d", "op": ">", "value": 1}]
        },
    }
    bad = client.post("/v1/segments/preview", json=typo, headers=admin)
    assert bad.status_code == 422
    assert (
        bad.json()["message"]
        == "where.all[1].trait: unknown trait 'order_30d'; did you mean 'orders_30d'?"
    )
    shape = client.post("/v1/segments", json={"name": "x", "where": {"orders": 1}}, headers=admin)
    assert shape.status_code == 422 and "exactly one of the keys" in shape.json()["message"]
    window = {"name": "x", "realtime": True, "where": {"event": "Order Completed", "within": "7d"}}
    refused = client.post("/v1/segments", json=window, headers=admin)
    assert (
        refused.status_code == 422
        and "cannot be evaluated in real time" in refused.json()["message"]
    )
    missing = client.get("/v1/segments/nope/members", headers=admin)
    assert missing.status_code == 404 and "No segment named 'nope'" in missing.json()["message"]
    assert client.get("/v1/segments").status_code == 401
    assert client.post("/v1/segments/preview", json=REPEAT).status_code == 401


def test_a_tracked_order_moves_its_customer_into_a_realtime_segment(
    client: TestClient, source: Source, admin: dict[str, str]
) -> None:
    spec = {
        "name": "buyers",
        "realtime": True,
        "where": {"trait": "orders", "op": ">=", "value": 1},
    }
    assert client.post("/v1/segments", json=spec, headers=admin).status_code == 201
    order = {
        "type": "track",
        "userId": "rt-1",
        "event": "Order Completed",
        "properties": {"revenue": 9},
    }
    assert client.post("/v1/track", json=order, auth=auth(source)).is_success
    sent = time.monotonic()
    while True:
        found = client.get("/v1/profiles", params={"user_id": "rt-1"}, headers=admin)
        if found.status_code == 200:
            customer = found.json()["customer_id"]
            mine = client.get(f"/v1/profiles/{customer}/segments", headers=admin).json()
            if mine["segments"] == ["buyers"]:
                break
        assert time.monotonic() - sent < 20.0, found.text
        time.sleep(0.05)
    history = client.get("/v1/segments/buyers/history", headers=admin).json()
    assert history[0]["source"] == "realtime" and history[0]["customer_id"] == customer
