"""Segment's and RudderStack's documented example payloads are accepted unchanged."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from api_helpers import TestClient, auth, fixture

from vantage.collect.sources import Source
from vantage.store.lake import EventLog

SINGLE = ["identify", "track", "page", "screen", "group", "alias"]


def messages(log: EventLog) -> list[dict[str, Any]]:
    return [orjson.loads(row["payload"]) for row in reversed(log.tail(100))]


@pytest.mark.parametrize("kind", SINGLE)
def test_segment_http_api_examples(
    client: TestClient, source: Source, log: EventLog, kind: str
) -> None:
    """The examples carry the key as ``writeKey`` in the body (Segment's writeKey auth)."""
    body = fixture(f"segment/{kind}.json", source.write_key)
    response = client.post(f"/v1/{kind}", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 1
    (message,) = messages(log)
    expected = {k: v for k, v in body.items() if k not in ("writeKey", "timestamp")}
    assert {k: message[k] for k in expected} == expected
    assert message["originalTimestamp"].startswith(body["timestamp"][:19])


@pytest.mark.parametrize("kind", SINGLE)
def test_rudderstack_http_api_examples(
    client: TestClient, source: Source, log: EventLog, kind: str
) -> None:
    body = fixture(f"rudderstack/{kind}.json")
    response = client.post(f"/v1/{kind}", json=body, auth=auth(source))
    assert response.status_code == 200, response.text
    (message,) = messages(log)
    assert message["type"] == kind
    assert message["context"] == body["context"]
    assert message["userId"] == body["userId"]


def test_segment_batch_example(client: TestClient, source: Source, log: EventLog) -> None:
    body = fixture("segment/batch.json", source.write_key)
    response = client.post("/v1/batch", json=body)
    assert response.json() == {
        "success": True,
        "stored": 4,
        "duplicates": 0,
        "rejected": 0,
        "rejections": [],
    }
    stored = messages(log)
    assert [m["type"] for m in stored] == ["identify", "track", "identify", "track"]
    assert all(m["context"]["device"]["name"] == "Apple iPhone 6" for m in stored)
    assert stored[2]["originalTimestamp"].startswith("2015-02-02T00:30:08")


def test_rudderstack_batch_example(client: TestClient, source: Source, log: EventLog) -> None:
    body = fixture("rudderstack/batch.json")
    response = client.post("/v1/batch", json=body, auth=auth(source))
    assert response.json()["stored"] == 6
    assert [m["type"] for m in messages(log)] == [
        "identify",
        "track",
        "page",
        "screen",
        "group",
        "alias",
    ]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("segment/identify_integrations.json", "/v1/identify"),
        ("segment/track_writekey_auth.json", "/v1/track"),
        ("segment/consent_preference_track.json", "/v1/track"),
        ("segment/identify_external_ids.json", "/v1/identify"),
        ("rudderstack/track_consent_management.json", "/v1/track"),
    ],
)
def test_context_extensions_are_kept(
    client: TestClient, source: Source, log: EventLog, name: str, path: str
) -> None:
    body = fixture(name, source.write_key)
    response = client.post(path, json=body, auth=auth(source))
    assert response.status_code == 200, response.text
    (message,) = messages(log)
    for key in ("context", "integrations", "traits", "email"):
        if key in body:
            assert message[key] == body[key]


def test_consent_and_external_ids_in_a_batch(
    client: TestClient, source: Source, log: EventLog
) -> None:
    batch = [
        fixture("segment/consent_preference_track.json"),
        fixture("segment/identify_external_ids.json"),
    ]
    response = client.post("/v1/batch", json={"batch": batch}, auth=auth(source))
    assert response.json()["stored"] == 2
    consent, identify = messages(log)
    assert consent["context"]["consent"]["categoryPreferences"]["Analytics"] is False
    assert identify["context"]["externalIds"][1] == {
        "id": "cus_9a8b7c6d",
        "type": "stripe_customer_id",
        "collection": "users",
        "encoding": "none",
    }
