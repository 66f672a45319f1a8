"""Activation API: destinations, triggers, audit, next best action, and the real path from
``POST /v1/track`` to a local webhook receiver."""

from __future__ import annotations

import time
from pathlib import Path

from api_helpers import TestClient, auth

from vantage.activate.receiver import WebhookReceiver
from vantage.collect.sources import Source

SECRET = "z" * 32


def test_admin_token_required(client: TestClient) -> None:
    assert client.get("/v1/destinations").status_code == 401
    assert client.post("/v1/triggers", json={}).status_code == 401


def test_destination_and_trigger_lifecycle(client: TestClient, admin: dict[str, str]) -> None:
    body = {
        "name": "crm",
        "kind": "webhook",
        "purpose": "email_marketing",
        "url": "http://127.0.0.1:9/hook",
    }
    made = client.post("/v1/destinations", json=body, headers=admin)
    assert made.status_code == 201
    assert len(made.json()["secret"]) == 64
    again = client.post("/v1/destinations", json=body, headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    listed = client.get("/v1/destinations", headers=admin).json()
    assert [d["name"] for d in listed] == ["crm"] and "secret" not in listed[0]
    bad = client.post(
        "/v1/destinations", json={**body, "name": "x", "purpose": "spam"}, headers=admin
    )
    assert bad.status_code == 400
    assert "purpose: unknown consent purpose 'spam'" in bad.json()["message"]
    trigger = {"name": "t", "when": {"event": "Order Completed"}, "destination": "crm", "delay": 0}
    assert client.post("/v1/triggers", json=trigger, headers=admin).status_code == 201
    orphan = client.post(
        "/v1/triggers", json={**trigger, "name": "u", "destination": "nope"}, headers=admin
    )
    assert orphan.status_code == 404 and "Unknown destination 'nope'" in orphan.json()["message"]
    assert client.delete("/v1/destinations/crm", headers=admin).status_code == 409
    assert client.delete("/v1/triggers/t", headers=admin).status_code == 204
    assert client.delete("/v1/destinations/crm", headers=admin).status_code == 204
    assert client.get("/v1/destinations/crm", headers=admin).status_code == 404


def test_tracked_event_reaches_the_webhook(
    client: TestClient, admin: dict[str, str], source: Source
) -> None:
    with WebhookReceiver(SECRET) as receiver:
        body = {
            "name": "crm",
            "kind": "webhook",
            "purpose": "email_marketing",
            "url": receiver.url,
            "secret": SECRET,
        }
        assert client.post("/v1/destinations", json=body, headers=admin).status_code == 201
        trigger = {"name": "t", "when": {"event": "Order Completed"}, "destination": "crm"}
        assert client.post("/v1/triggers", json=trigger, headers=admin).status_code == 201
        consent = {"consent": {"categoryPreferences": {"email": True}}}
        event = {
            "userId": "u1",
            "event": "Order Completed",
            "properties": {"revenue": 9},
            "context": consent,
        }
        assert client.post("/v1/track", json=event, auth=auth(source)).status_code == 200
        assert receiver.wait_for(1, 10)
    got = receiver.received[0]
    assert got.verified is True
    assert got.body["event"]["properties"] == {"revenue": 9}
    audit = client.get("/v1/destinations/crm/deliveries", headers=admin).json()
    assert [(a["status"], a["trigger"]) for a in audit] == [("sent", "t")]
    tested = client.post("/v1/destinations/crm/test", headers=admin).json()
    assert tested["ok"] is False  # the receiver is gone
    assert client.post("/v1/destinations/crm/retry", headers=admin).json() == {"requeued": 0}


def test_next_best_action_needs_a_catalogue(
    client: TestClient, admin: dict[str, str], settings: object, home: Path
) -> None:
    missing = client.get("/v1/profiles/c1/next-best-action", headers=admin)
    assert missing.status_code == 409
    assert "No action catalogue" in missing.json()["message"]
    report = client.get("/v1/nba/report", headers=admin)
    assert report.status_code == 200 and report.json() == []
    outcome = client.post(
        "/v1/nba/outcomes", json={"decision_id": "nope", "converted": True}, headers=admin
    )
    assert outcome.status_code == 404


def test_next_best_action_for_a_live_profile(
    client: TestClient, admin: dict[str, str], source: Source, home: Path
) -> None:
    catalogue = home / "activate" / "actions.yml"
    catalogue.parent.mkdir(parents=True, exist_ok=True)
    catalogue.write_text(
        "control_share: 0\nactions:\n"
        "  - {name: welcome, value: 5, base_rate: 0.5}\n"
        "  - {name: vip, value: 50, eligibility: [{trait: orders, op: '>=', value: 3}]}\n"
    )
    event = {"userId": "u9", "traits": {"email": "nine@example.com"}}
    assert client.post("/v1/identify", json=event, auth=auth(source)).status_code == 200
    customer = None
    for _ in range(200):
        found = client.get("/v1/profiles", params={"user_id": "u9"}, headers=admin)
        if found.status_code == 200:
            customer = found.json()["customer_id"]
            break
        time.sleep(0.05)
    assert customer is not None
    decided = client.get(f"/v1/profiles/{customer}/next-best-action", headers=admin).json()
    assert decided["group"] == "treatment"
    assert decided["action"]["action"] == "welcome"
    assert decided["action"]["expected_value"] == 2.5
    assert decided["ineligible"]["vip"].startswith("trait orders >= 3 fails")
    outcome = {"decision_id": decided["decision_id"], "converted": True, "value": 30.0}
    assert client.post("/v1/nba/outcomes", json=outcome, headers=admin).status_code == 204
    overall = client.get("/v1/nba/report", headers=admin).json()[0]
    assert (overall["treated"], overall["treated_conversions"], overall["lift"]) == (1, 1, None)
