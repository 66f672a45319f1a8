"""Health, OpenAPI docs, request logs and the background compaction worker."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import structlog
from api_helpers import TestClient, auth
from fastapi import FastAPI

from vantage.api.app import create_app
from vantage.api.worker import BackgroundWorker, Job
from vantage.collect.sources import Source, SourceRegistry
from vantage.core.settings import Settings
from vantage.store.lake import EventLog


def test_health_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body.pop("live_seq"), int)  # real time on: the live view's position
    assert body == {
        "status": "ok",
        "lake_writable": True,
        "writer_running": True,
        "detail": None,
    }


def test_health_503_when_lake_not_writable(
    client: TestClient, app: FastAPI, tmp_path: Path
) -> None:
    app.state.runtime.log.root = tmp_path / "gone"
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["lake_writable"] is False
    assert body["detail"].startswith(f"cannot write to {tmp_path / 'gone'}")


def test_health_503_without_writer(app: FastAPI) -> None:
    response = TestClient(app).get("/health")
    assert response.status_code == 503
    assert "writer is not running" in response.json()["detail"]


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    for kind in (
        "track",
        "identify",
        "page",
        "screen",
        "group",
        "alias",
        "batch",
        "import",
        "event",
    ):
        assert f"/v1/{kind}" in paths
    assert {"/health", "/v1/admin/sources", "/v1/admin/violations"} <= paths
    track = schema["paths"]["/v1/track"]["post"]
    assert "requestBody" in track
    assert {"200", "400", "401", "403", "413", "429"} <= set(track["responses"])
    assert track["security"] == [{"writeKey": []}, {"writeKeyHeader": []}]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["writeKey"]["scheme"] == "basic"
    assert schemes["adminToken"]["scheme"] == "bearer"
    assert "text/html" in client.get("/docs").headers["content-type"]


def test_one_log_line_per_request_without_secrets(
    client: TestClient, source: Source, admin: dict[str, str]
) -> None:
    with structlog.testing.capture_logs() as lines:
        client.post(
            "/v1/batch",
            json={"batch": [{"type": "track", "userId": "u", "event": "E"}]},
            auth=auth(source),
        )
        client.post("/v1/track", json={}, auth=("wrong-key", ""))
        client.get("/v1/admin/sources", headers=admin)
    requests = [line for line in lines if line["event"] == "request"]
    assert len(requests) == 3
    ok, refused, listing = requests
    assert ok["path"] == "/v1/batch" and ok["status"] == 200 and ok["source"] == "web"
    assert (ok["stored"], ok["duplicates"], ok["rejected"]) == (1, 0, 0)
    assert ok["duration_ms"] >= 0
    assert refused["status"] == 401 and refused["error"] == "unauthorized"
    assert listing["status"] == 200
    text = repr(lines)
    assert source.write_key not in text and "wrong-key" not in text
    assert admin["Authorization"].split()[1] not in text


def test_lifespan_compacts_the_log(home: Path) -> None:
    settings = Settings(home=home, compact_every_s=0.2)
    source = SourceRegistry(home).add("web")
    log = EventLog(home)
    with TestClient(create_app(settings)) as client:
        client.post("/v1/track", json={"userId": "u", "event": "E"}, auth=auth(source))
        deadline = time.monotonic() + 120  # a busy CI machine starts the job process slowly
        while log.tail(1) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert log.tail(1) == []
    assert log.count() == 1
    assert list((home / "lake" / "events").glob("day=*/*.parquet"))


def test_worker_survives_a_failing_job() -> None:
    asyncio.run(_worker_round())


async def _worker_round() -> None:
    calls: list[str] = []

    def broken() -> None:
        calls.append("broken")
        raise RuntimeError("boom")

    worker = BackgroundWorker([Job("broken", broken), Job("ok", lambda: calls.append("ok"))], 60)
    with structlog.testing.capture_logs() as lines:
        await worker.run_once()
    assert calls == ["broken", "ok"] and worker.rounds == 1
    assert lines[0]["event"] == "job_failed" and "boom" in lines[0]["error"]
    worker.start()
    await worker.stop()
