"""The tracking endpoints in-process: every status code, every message, stored fields."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from api_helpers import TestClient, auth, gzipped, make_settings
from fastapi import FastAPI

from vantage.api.app import create_app
from vantage.api.deps import SourceCache
from vantage.collect.sources import Source, SourceRegistry
from vantage.core.settings import Settings
from vantage.store.lake import EventLog
from vantage.store.records import from_micros

CALLS = {
    "track": {"userId": "u1", "event": "Order Completed", "properties": {"revenue": 9.5}},
    "identify": {"userId": "u1", "traits": {"email": "ann@example.com"}},
    "page": {"anonymousId": "a1", "name": "Home", "properties": {"path": "/"}},
    "screen": {"anonymousId": "a1", "name": "Settings"},
    "group": {"userId": "u1", "groupId": "g1", "traits": {"name": "Initech"}},
    "alias": {"userId": "u1", "previousId": "a1"},
}


def stored(log: EventLog) -> list[dict[str, object]]:
    """Stored events, oldest first, with the payload decoded."""
    rows = list(reversed(log.tail(1000)))
    for row in rows:
        row["message"] = orjson.loads(row["payload"])  # type: ignore[arg-type]
    return rows


@pytest.mark.parametrize("kind", list(CALLS))
def test_each_call_is_stored_with_its_fields(
    client: TestClient, source: Source, log: EventLog, kind: str
) -> None:
    response = client.post(f"/v1/{kind}", json=CALLS[kind], auth=auth(source))
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "stored": 1,
        "duplicates": 0,
        "rejected": 0,
        "rejections": [],
    }
    (row,) = stored(log)
    message = row["message"]
    assert isinstance(message, dict)
    assert row["type"] == kind == message["type"]
    assert row["source"] == "web"
    for key, value in CALLS[kind].items():
        assert message[key] == value
    assert "receivedAt" in message and "messageId" in message


def test_endpoint_decides_the_type(client: TestClient, source: Source, log: EventLog) -> None:
    body = {**CALLS["track"], "type": "identify"}
    assert client.post("/v1/track", json=body, auth=auth(source)).status_code == 200
    assert stored(log)[0]["type"] == "track"


def test_generic_endpoint_takes_type_from_body(
    client: TestClient, source: Source, log: EventLog
) -> None:
    ok = client.post("/v1/event", json={**CALLS["page"], "type": "page"}, auth=auth(source))
    assert ok.status_code == 200 and stored(log)[0]["type"] == "page"
    bad = client.post("/v1/event", json=CALLS["page"], auth=auth(source))
    assert bad.status_code == 400
    assert bad.json()["field"] == "type"
    assert "type: None is not a call type" in bad.json()["message"]
    assert "one of track, identify" in bad.json()["fix"]


def test_write_key_in_header_and_in_body(client: TestClient, source: Source, log: EventLog) -> None:
    header = client.post(
        "/v1/track", json=CALLS["track"], headers={"X-Write-Key": source.write_key}
    )
    assert header.status_code == 200
    body = client.post("/v1/track", json={**CALLS["track"], "writeKey": source.write_key})
    assert body.status_code == 200
    in_batch = client.post(
        "/v1/batch",
        json={"batch": [CALLS["track"] | {"type": "track"}], "writeKey": source.write_key},
    )
    assert in_batch.status_code == 200
    assert all("writeKey" not in row["message"] for row in stored(log))  # type: ignore[operator]
    assert source.write_key.encode() not in b"".join(r["payload"] for r in log.tail(10))


def test_basic_auth_without_colon_is_accepted(client: TestClient, source: Source) -> None:
    token = base64.b64encode(source.write_key.encode()).decode()
    response = client.post(
        "/v1/track", json=CALLS["track"], headers={"Authorization": f"Basic {token}"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "No write key was sent."),
        ({"Authorization": "Basic " + base64.b64encode(b"nope:").decode()}, "does not belong"),
        ({"X-Write-Key": "nope"}, "does not belong to any source"),
        ({"Authorization": "Basic !!!"}, "not valid Basic auth"),
    ],
)
def test_wrong_or_missing_key_is_401(
    client: TestClient, source: Source, headers: dict[str, str], message: str
) -> None:
    response = client.post("/v1/track", json=CALLS["track"], headers=headers)
    assert response.status_code == 401
    assert message in response.json()["message"]
    assert "HTTP Basic user" in response.json()["fix"]
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.json()["code"] == "unauthorized"


def test_batch_without_key_is_401(client: TestClient, source: Source) -> None:
    response = client.post("/v1/batch", json={"batch": []})
    assert response.status_code == 401


def test_disabled_source_is_403(
    client: TestClient, app: FastAPI, settings: Settings, source: Source
) -> None:
    SourceRegistry(settings.home).set_enabled("web", False)
    app.state.runtime.changed()  # another process's change is seen after the cache TTL (2 s)
    response = client.post("/v1/track", json=CALLS["track"], auth=auth(source))
    assert response.status_code == 403
    assert response.json()["message"] == "Source 'web' is disabled."
    assert '{"enabled": true}' in response.json()["fix"]


def test_source_cache_sees_changes_after_its_ttl(settings: Settings, source: Source) -> None:
    now = [0.0]
    cache = SourceCache(SourceRegistry(settings.home), ttl_s=2.0, clock=lambda: now[0])
    assert cache.get(source.write_key) == source
    SourceRegistry(settings.home).set_enabled("web", False)
    assert cache.get(source.write_key) == source
    now[0] = 2.5
    found = cache.get(source.write_key)
    assert found is not None and not found.enabled
    assert cache.get("unknown") is None


def test_gzip_bodies_are_accepted(client: TestClient, source: Source, log: EventLog) -> None:
    batch = {
        "batch": [CALLS["identify"] | {"type": "identify"}, CALLS["track"] | {"type": "track"}]
    }
    response = client.post(
        "/v1/batch",
        content=gzipped(batch),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        auth=auth(source),
    )
    assert response.status_code == 200 and response.json()["stored"] == 2
    single = client.post(
        "/v1/track",
        content=gzipped(CALLS["track"]),
        headers={"Content-Encoding": "gzip"},
        auth=auth(source),
    )
    assert single.status_code == 200
    assert len(stored(log)) == 3


def test_corrupt_gzip_is_400(client: TestClient, source: Source) -> None:
    response = client.post(
        "/v1/batch", content=b"not gzip", headers={"Content-Encoding": "gzip"}, auth=auth(source)
    )
    assert response.status_code == 400
    assert "Content-Encoding: gzip but cannot be decompressed" in response.json()["message"]
    truncated = gzipped({"batch": []})[:-6]
    response = client.post(
        "/v1/batch", content=truncated, headers={"Content-Encoding": "gzip"}, auth=auth(source)
    )
    assert response.status_code == 400 and "truncated" in response.json()["message"]


def test_other_encodings_are_415(client: TestClient, source: Source) -> None:
    response = client.post(
        "/v1/batch", content=b"{}", headers={"Content-Encoding": "br"}, auth=auth(source)
    )
    assert response.status_code == 415
    assert "Content-Encoding 'br' is not supported" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{bad", "The body is not valid JSON: "),
        (b"", "The request body is empty."),
        (b'{"a": 1', "line 1 column"),
    ],
)
def test_bad_json_is_400_naming_the_problem(
    client: TestClient, source: Source, body: bytes, message: str
) -> None:
    for path in ("/v1/track", "/v1/batch"):
        response = client.post(path, content=body, auth=auth(source))
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_json"
        assert message in response.json()["message"]


def test_single_call_body_must_be_an_object(client: TestClient, source: Source) -> None:
    response = client.post("/v1/track", json=[CALLS["track"]], auth=auth(source))
    assert response.status_code == 400
    assert "must be one JSON object (a Segment message), not a list" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "batch: must be a JSON array of messages and is missing."),
        ({"batch": {"a": 1}}, "batch: must be a JSON array of messages, not a dict."),
        ([], "The body must be a JSON object, not a list."),
    ],
)
def test_batch_shape_errors_are_400(
    client: TestClient, source: Source, body: object, message: str
) -> None:
    response = client.post("/v1/batch", json=body, auth=auth(source))
    assert response.status_code == 400
    assert response.json()["message"] == message


def test_invalid_single_event_is_400_and_recorded(
    client: TestClient, source: Source, log: EventLog
) -> None:
    response = client.post("/v1/track", json={"userId": "u1"}, auth=auth(source))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_event"
    assert "event is required for a track call" in body["message"]
    assert "send the event again" in body["fix"]
    timestamp = client.post(
        "/v1/identify", json={"userId": "u1", "timestamp": "yesterday"}, auth=auth(source)
    ).json()
    assert timestamp["field"] == "timestamp"
    assert "use ISO-8601" in timestamp["message"]
    no_id = client.post("/v1/page", json={"name": "Home"}, auth=auth(source)).json()
    assert "userId or anonymousId is required" in no_id["message"]
    failed = log.failed()
    assert len(failed) == 3 and log.count() == 0
    assert {row["field"] for row in failed} >= {"timestamp"}


def test_batch_keeps_valid_events_and_lists_rejections(
    client: TestClient, source: Source, log: EventLog
) -> None:
    batch = [
        {"type": "track", "userId": "u1", "event": "A"},
        {"type": "track", "userId": "u1"},
        {"type": "bogus", "userId": "u1"},
        "not an object",
        {"type": "identify", "userId": "u2", "traits": {"x": 1}},
    ]
    response = client.post("/v1/batch", json={"batch": batch}, auth=auth(source))
    assert response.status_code == 200
    body = response.json()
    assert (body["stored"], body["duplicates"], body["rejected"]) == (2, 0, 3)
    assert [r["index"] for r in body["rejections"]] == [1, 2, 3]
    assert body["rejections"][1]["field"] == "type"
    assert "must be one of track, identify" in body["rejections"][1]["reason"]
    assert "each message must be a JSON object" in body["rejections"][2]["reason"]
    assert log.count() == 2
    reasons = [row["reason"] for row in log.failed()]
    assert len(reasons) == 3 and any("event is required" in r for r in reasons)


def test_retried_message_ids_are_stored_once(
    client: TestClient, source: Source, log: EventLog
) -> None:
    batch = {
        "batch": [
            {"type": "track", "userId": "u", "event": "E", "messageId": f"m{i}"} for i in range(5)
        ]
    }
    first = client.post("/v1/batch", json=batch, auth=auth(source)).json()
    again = client.post("/v1/batch", json=batch, auth=auth(source)).json()
    single = client.post("/v1/track", json=batch["batch"][0], auth=auth(source)).json()
    assert (first["stored"], first["duplicates"]) == (5, 0)
    assert (again["stored"], again["duplicates"]) == (0, 5)
    assert (single["stored"], single["duplicates"]) == (0, 1)
    assert log.count() == 5


def test_received_at_and_clock_skew(client: TestClient, source: Source, log: EventLog) -> None:
    before = datetime.now(UTC)
    body = {
        "userId": "u",
        "event": "Skewed",
        "originalTimestamp": "2020-01-01T00:00:00Z",
        "sentAt": "2020-01-01T00:00:10Z",
        "receivedAt": "1999-01-01T00:00:00Z",
    }
    assert client.post("/v1/track", json=body, auth=auth(source)).status_code == 200
    (row,) = stored(log)
    received = from_micros(int(row["received_at_us"]))  # type: ignore[call-overload]
    assert before <= received <= datetime.now(UTC)
    timestamp = from_micros(int(row["timestamp_us"]))  # type: ignore[call-overload]
    assert abs((received - timestamp).total_seconds() - 10) < 1e-3
    message = row["message"]
    assert isinstance(message, dict)
    assert message["originalTimestamp"].startswith("2020-01-01T00:00:00")


def test_absurd_clock_skew_is_not_a_server_error(client: TestClient, source: Source) -> None:
    body = {
        **CALLS["page"],
        "originalTimestamp": "0001-01-01T00:00:00Z",
        "sentAt": "9999-12-31T00:00:00Z",
    }
    response = client.post("/v1/page", json=body, auth=auth(source))
    assert response.status_code == 200 and response.json()["stored"] == 1


def test_import_keeps_times_as_sent(client: TestClient, source: Source, log: EventLog) -> None:
    message = {
        "type": "track",
        "userId": "u",
        "event": "Old",
        "timestamp": "2020-01-01T00:00:00Z",
        "sentAt": "2020-01-01T00:00:10Z",
    }
    response = client.post("/v1/import", json={"batch": [message]}, auth=auth(source))
    assert response.status_code == 200
    (row,) = stored(log)
    assert from_micros(int(row["timestamp_us"])) == datetime(2020, 1, 1, tzinfo=UTC)  # type: ignore[call-overload]


def test_batch_context_and_integrations_merge(
    client: TestClient, source: Source, log: EventLog
) -> None:
    body = {
        "batch": [
            {"type": "track", "userId": "u", "event": "E", "context": {"ip": "1.2.3.4"}},
            {"type": "track", "userId": "u", "event": "F", "integrations": {"All": True}},
        ],
        "context": {"device": {"type": "phone"}, "ip": "9.9.9.9"},
        "integrations": {"Salesforce": False},
    }
    assert client.post("/v1/batch", json=body, auth=auth(source)).status_code == 200
    first, second = (row["message"] for row in stored(log))
    assert first["context"] == {"device": {"type": "phone"}, "ip": "1.2.3.4"}  # type: ignore[index]
    assert second["integrations"] == {"Salesforce": False, "All": True}  # type: ignore[index]


def test_oversized_single_event_is_413(client: TestClient, source: Source) -> None:
    body = {**CALLS["track"], "properties": {"blob": "x" * 40_000}}
    response = client.post("/v1/track", json=body, auth=auth(source))
    assert response.status_code == 413
    message = response.json()["message"]
    assert "over the 32,768-byte limit (VANTAGE_COLLECT__MAX_EVENT_BYTES)" in message
    assert "file import" in response.json()["fix"]


def test_oversized_event_inside_a_batch_is_rejected_alone(
    client: TestClient, source: Source
) -> None:
    big = {"type": "track", "userId": "u", "event": "Big", "properties": {"b": "x" * 40_000}}
    small = {"type": "track", "userId": "u", "event": "Small"}
    body = client.post("/v1/batch", json={"batch": [big, small]}, auth=auth(source)).json()
    assert (body["stored"], body["rejected"]) == (1, 1)
    assert "over the 32768-byte limit" in body["rejections"][0]["reason"]


def test_oversized_batch_is_413(client: TestClient, source: Source) -> None:
    events = [{"type": "track", "userId": "u", "event": "E", "properties": {"b": "x" * 30_000}}]
    response = client.post("/v1/batch", json={"batch": events * 20}, auth=auth(source))
    assert response.status_code == 413
    assert (
        "over the 512,000-byte limit (VANTAGE_COLLECT__MAX_BATCH_BYTES)"
        in response.json()["message"]
    )
    assert "Split the batch" in response.json()["fix"]


def test_too_many_events_is_413(client: TestClient, source: Source) -> None:
    events = [{"type": "track", "userId": "u", "event": "E"}] * 2501
    response = client.post("/v1/batch", json={"batch": events}, auth=auth(source))
    assert response.status_code == 413
    assert response.json()["message"] == (
        "The batch has 2,501 events, over the 2,500-event limit "
        "(VANTAGE_COLLECT__MAX_BATCH_EVENTS)."
    )


def test_gzip_bomb_is_413_after_decompression(client: TestClient, source: Source) -> None:
    body = gzip.compress(b'{"batch": [' + b" " * 2_000_000 + b"]}")
    assert len(body) < 512_000
    response = client.post(
        "/v1/batch", content=body, headers={"Content-Encoding": "gzip"}, auth=auth(source)
    )
    assert response.status_code == 413
    assert "(after gzip decompression)" in response.json()["message"]


def test_rate_limit_is_429_with_retry_after(home: Path) -> None:
    settings = make_settings(home, rate_per_source=0.5, burst_per_source=2)
    source = SourceRegistry(settings.home).add("web")
    with TestClient(create_app(settings)) as client:
        codes = [
            client.post("/v1/track", json=CALLS["track"], auth=auth(source)).status_code
            for _ in range(2)
        ]
        limited = client.post("/v1/track", json=CALLS["track"], auth=auth(source))
    assert codes == [200, 200]
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "2"
    assert "over its rate limit of 0.5 requests/s" in limited.json()["message"]
    assert "VANTAGE_COLLECT__RATE_PER_SOURCE" in limited.json()["fix"]


def test_without_lifespan_nothing_is_acknowledged(settings: Settings, source: Source) -> None:
    app = create_app(settings)
    client = TestClient(app)  # not entered: the writer thread never starts
    response = client.post("/v1/track", json=CALLS["track"], auth=auth(source))
    assert response.status_code == 503
    assert "nothing in this request was acknowledged" in response.json()["message"]
    assert EventLog(app.state.runtime.settings.home).count() == 0


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    missing = client.post("/v1/nothing", json={})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong = client.get("/v1/track")
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"
