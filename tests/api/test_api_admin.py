"""The admin API: bearer token, sources, tracking plans, failed events, violations, counts."""

from __future__ import annotations

import pytest
from api_helpers import TestClient, auth

from vantage.collect.sources import Source
from vantage.store.lake import EventLog

ROUTES = [
    ("GET", "/v1/admin/sources"),
    ("POST", "/v1/admin/sources"),
    ("GET", "/v1/admin/sources/web"),
    ("PATCH", "/v1/admin/sources/web"),
    ("GET", "/v1/admin/sources/web/tracking-plan"),
    ("PUT", "/v1/admin/sources/web/tracking-plan"),
    ("DELETE", "/v1/admin/sources/web/tracking-plan"),
    ("GET", "/v1/admin/failed-events"),
    ("GET", "/v1/admin/violations"),
    ("GET", "/v1/admin/events/count"),
]
PLAN = {
    "events": {
        "Order Completed": {
            "type": "object",
            "properties": {"revenue": {"type": "number"}, "currency": {"type": "string"}},
            "required": ["revenue"],
        }
    },
    "traits": {"type": "object", "properties": {"email": {"type": "string", "format": "email"}}},
    "policy": {"unplanned": "block", "violations": "drop_properties"},
}


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("token", [None, "Bearer wrong", "Basic abc"])
def test_admin_routes_need_the_token(
    client: TestClient, source: Source, method: str, path: str, token: str | None
) -> None:
    headers = {"Authorization": token} if token else {}
    response = client.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json()["message"] == "Admin endpoints need a valid admin token."
    assert "secrets.json" in response.json()["fix"]
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_write_key_is_not_an_admin_token(client: TestClient, source: Source) -> None:
    response = client.get(
        "/v1/admin/sources", headers={"Authorization": f"Bearer {source.write_key}"}
    )
    assert response.status_code == 401


def test_add_list_get_sources(client: TestClient, admin: dict[str, str]) -> None:
    created = client.post("/v1/admin/sources", json={"name": "app"}, headers=admin)
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "app" and body["enabled"] and len(body["write_key"]) > 20
    listing = client.get("/v1/admin/sources", headers=admin).json()
    assert [s["name"] for s in listing] == ["app"]
    assert "write_key" not in listing[0]
    one = client.get("/v1/admin/sources/app", headers=admin).json()
    assert one["write_key"] == body["write_key"]
    track = client.post(
        "/v1/track", json={"userId": "u", "event": "E"}, auth=(body["write_key"], "")
    )
    assert track.status_code == 200


def test_add_source_errors(client: TestClient, admin: dict[str, str], source: Source) -> None:
    taken = client.post("/v1/admin/sources", json={"name": "web"}, headers=admin)
    assert taken.status_code == 409
    assert taken.json()["message"] == "A source named 'web' already exists."
    bad = client.post("/v1/admin/sources", json={"name": "Bad Name"}, headers=admin)
    assert bad.status_code == 400
    assert bad.json()["message"] == "Invalid source name 'Bad Name'."
    assert "lower-case letters" in bad.json()["fix"]
    missing = client.post("/v1/admin/sources", json={}, headers=admin)
    assert missing.status_code == 422
    assert missing.json()["message"].startswith("name: Field required")


def test_unknown_source_is_404(client: TestClient, admin: dict[str, str]) -> None:
    for method, path in ROUTES[2:7]:
        body = {"enabled": True} if method == "PATCH" else {}
        response = client.request(method, path.replace("web", "nope"), headers=admin, json=body)
        assert response.status_code == 404, (method, path)
        assert response.json()["message"] == "Unknown source 'nope'."


def test_disable_and_enable_apply_at_once(
    client: TestClient, admin: dict[str, str], source: Source
) -> None:
    off = client.patch("/v1/admin/sources/web", json={"enabled": False}, headers=admin)
    assert off.status_code == 200 and off.json()["enabled"] is False
    event = {"userId": "u", "event": "E"}
    assert client.post("/v1/track", json=event, auth=auth(source)).status_code == 403
    client.patch("/v1/admin/sources/web", json={"enabled": True}, headers=admin)
    assert client.post("/v1/track", json=event, auth=auth(source)).status_code == 200


def test_tracking_plan_lifecycle(client: TestClient, admin: dict[str, str], source: Source) -> None:
    path = "/v1/admin/sources/web/tracking-plan"
    none = client.get(path, headers=admin)
    assert none.status_code == 404
    assert none.json()["message"] == "Source 'web' has no tracking plan."
    assert client.put(path, json=PLAN, headers=admin).json() == PLAN
    assert client.get(path, headers=admin).json() == PLAN
    listing = client.get("/v1/admin/sources", headers=admin).json()
    assert listing[0]["has_tracking_plan"] is True
    assert client.delete(path, headers=admin).status_code == 204
    assert client.get(path, headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"events": {"E": {"type": "nope"}}}, "Tracking plan events['E']['type'] is not a valid"),
        ({"policy": {"violations": "explode"}}, "Tracking plan policy.violations is 'explode'."),
        ({"evnts": {}}, "Unknown tracking plan key(s): evnts."),
        ({"traits": {"$ref": "https://example.com/s.json"}}, "only local references"),
    ],
)
def test_invalid_plans_are_400(
    client: TestClient, admin: dict[str, str], source: Source, plan: dict[str, object], message: str
) -> None:
    response = client.put("/v1/admin/sources/web/tracking-plan", json=plan, headers=admin)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert response.json()["fix"]


def test_plan_enforced_and_violations_listed(
    client: TestClient, admin: dict[str, str], source: Source, log: EventLog
) -> None:
    client.put("/v1/admin/sources/web/tracking-plan", json=PLAN, headers=admin)
    batch = [
        {"type": "track", "userId": "u", "event": "Order Completed", "messageId": "ok",
         "properties": {"revenue": 5, "currency": "EUR"}},
        {"type": "track", "userId": "u", "event": "Order Completed", "messageId": "bad-currency",
         "properties": {"revenue": 5, "currency": 978}},
        {"type": "track", "userId": "u", "event": "Unplanned", "messageId": "unplanned"},
        {"type": "identify", "userId": "u", "messageId": "bad-email",
         "traits": {"email": "not-an-email", "name": "Ann"}},
    ]  # fmt: skip
    body = client.post("/v1/batch", json={"batch": batch}, auth=auth(source)).json()
    assert (body["stored"], body["rejected"]) == (3, 1)
    assert body["rejections"][0]["index"] == 2
    assert body["rejections"][0]["field"] == "tracking_plan"
    assert "unplanned event" in body["rejections"][0]["reason"]
    stored = {row["message_id"]: row for row in log.tail(10)}
    assert b'"currency"' not in stored["bad-currency"]["payload"]
    assert b'"name":"Ann"' in stored["bad-email"]["payload"]
    assert b'"email"' not in stored["bad-email"]["payload"]
    violations = client.get("/v1/admin/violations", headers=admin).json()
    by_message = {v["message_id"]: v["violation"] for v in violations}
    assert set(by_message) == {"bad-currency", "unplanned", "bad-email"}
    assert (
        "properties.currency: 978 is not of type 'string' [property dropped]"
        in by_message["bad-currency"]
    )
    single = client.post("/v1/track", json={"userId": "u", "event": "Unplanned"}, auth=auth(source))
    assert single.status_code == 400
    assert single.json()["field"] == "tracking_plan"
    assert "tracking plan" in single.json()["fix"]


def test_failed_events_and_counts(
    client: TestClient, admin: dict[str, str], source: Source
) -> None:
    batch = [{"type": "track", "userId": "u", "event": "E"}, {"type": "track", "userId": "u"}]
    client.post("/v1/batch", json={"batch": batch}, auth=auth(source))
    failed = client.get("/v1/admin/failed-events", headers=admin).json()
    assert len(failed) == 1
    assert failed[0]["source"] == "web"
    assert failed[0]["payload"] == {"type": "track", "userId": "u"}
    assert "event is required" in failed[0]["reason"]
    only_other = client.get("/v1/admin/failed-events?source=other", headers=admin).json()
    assert only_other == []
    counts = client.get("/v1/admin/events/count", headers=admin).json()
    assert counts == {"stored": 1, "failed": 1, "violations": 0}
    too_many = client.get("/v1/admin/failed-events?limit=5000", headers=admin)
    assert too_many.status_code == 422
    assert too_many.json()["message"].startswith("query.limit: ")
