"""The official Segment and RudderStack Python clients against a real server process."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from api_servers import ServerProcess, start_serve
from rudderstack.analytics import Client as RudderClient
from segment.analytics import Client as SegmentClient

from vantage.collect.sources import Source, SourceRegistry
from vantage.core.workspace import Workspace
from vantage.store.lake import EventLog

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path]]:
    home = tmp_path_factory.mktemp("clients") / "home"
    Workspace(home).init()
    process = start_serve(home, home.parent / "server.log")
    yield process, home
    process.stop()


def send_all(client: Any, tag: str) -> dict[str, str]:
    """Send one call of each kind with known message ids; returns kind -> message id."""
    ids = {
        kind: f"{tag}-{kind}-{uuid.uuid4()}"
        for kind in ("identify", "track", "page", "screen", "group", "alias")
    }
    client.identify(
        "user-1", {"email": "ann@example.com", "plan": "pro"}, message_id=ids["identify"]
    )
    client.track(
        "user-1",
        "Order Completed",
        {"revenue": 9.99, "currency": "EUR"},
        context={"consent": {"categoryPreferences": {"Advertising": False}}},
        message_id=ids["track"],
    )
    client.page("user-1", "Docs", "Home", {"path": "/"}, message_id=ids["page"])
    client.screen("user-1", "App", "Settings", {"tab": 2}, message_id=ids["screen"])
    client.group("user-1", "group-1", {"name": "Initech"}, message_id=ids["group"])
    client.alias("anon-1", "user-1", message_id=ids["alias"])
    return ids  # fmt: skip


def stored_by_id(home: Path) -> dict[str, dict[str, Any]]:
    return {row["message_id"]: orjson.loads(row["payload"]) for row in EventLog(home).tail(10_000)}


def check(home: Path, ids: dict[str, str], source: Source) -> dict[str, dict[str, Any]]:
    stored = stored_by_id(home)
    got = {kind: stored[mid] for kind, mid in ids.items()}
    for kind, message in got.items():
        assert message["type"] == kind
        assert message["userId"] == "user-1"
        assert message["context"]["library"]["name"] == "analytics-python"
        assert "receivedAt" in message and "sentAt" in message
    track = got["track"]
    assert track["event"] == "Order Completed"
    assert track["properties"] == {"revenue": 9.99, "currency": "EUR"}
    assert track["context"]["consent"]["categoryPreferences"] == {"Advertising": False}
    assert got["page"]["name"] == "Home" and got["page"]["properties"]["path"] == "/"
    assert got["screen"]["name"] == "Settings"
    assert got["group"]["groupId"] == "group-1" and got["group"]["traits"] == {"name": "Initech"}
    assert got["alias"]["previousId"] == "anon-1"
    rows = {row["message_id"]: row for row in EventLog(home).tail(10_000)}
    assert {rows[mid]["source"] for mid in ids.values()} == {source.name}
    return got


@pytest.mark.parametrize(("gzip", "sync_mode"), [(False, False), (True, False), (True, True)])
def test_segment_analytics_python(
    server: tuple[ServerProcess, Path], gzip: bool, sync_mode: bool
) -> None:
    process, home = server
    source = SourceRegistry(home).add(f"segment-{int(gzip)}{int(sync_mode)}")
    errors: list[Exception] = []
    client = SegmentClient(
        source.write_key,
        host=process.url,
        gzip=gzip,
        sync_mode=sync_mode,
        max_retries=1,
        on_error=lambda exc, _batch: errors.append(exc),
    )
    ids = send_all(client, "segment")
    client.flush()
    if not sync_mode:  # the client has no consumer threads to join in sync mode
        client.shutdown()
    assert errors == []
    got = check(home, ids, source)
    assert got["identify"]["traits"] == {"email": "ann@example.com", "plan": "pro"}


@pytest.mark.parametrize("gzip", [False, True])
def test_rudder_sdk_python(server: tuple[ServerProcess, Path], gzip: bool) -> None:
    process, home = server
    source = SourceRegistry(home).add(f"rudder-{int(gzip)}")
    errors: list[Exception] = []
    client = RudderClient(
        source.write_key,
        host=process.url,
        gzip=gzip,
        max_retries=1,
        on_error=lambda exc, _batch: errors.append(exc),
    )
    ids = send_all(client, "rudder")
    client.flush()
    client.shutdown()
    assert errors == []
    got = check(home, ids, source)
    assert got["identify"]["context"]["traits"] == {"email": "ann@example.com", "plan": "pro"}
    assert all(message["channel"] == "server" for message in got.values())


def test_clients_hear_about_a_wrong_key(server: tuple[ServerProcess, Path]) -> None:
    process, _home = server
    errors: list[Exception] = []
    client = SegmentClient(
        "not-a-key", host=process.url, max_retries=0, on_error=lambda e, _b: errors.append(e)
    )
    client.track("user-1", "Order Completed")
    client.flush()
    client.shutdown()
    assert len(errors) == 1
    assert getattr(errors[0], "status", None) == 401
    assert "does not belong to any source" in str(errors[0])
