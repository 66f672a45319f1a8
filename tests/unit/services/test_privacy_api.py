"""Privacy API: admin-only export, erase and audit; identifiers never reach the request log."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest
from fastapi import FastAPI

from vantage.api.app import create_app
from vantage.api.routers import privacy as privacy_router
from vantage.core.workspace import Workspace

from .test_privacy_helpers import ANN_EMAIL, ANN_NEEDLES, ANN_USER, build_world

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def _app(home: Path) -> FastAPI:
    world = build_world(home)
    app = create_app(world.settings)
    if not any(getattr(r, "path", "") == "/v1/privacy/audit" for r in app.routes):
        app.include_router(privacy_router.router)
    return app


def _has_pii(text: str) -> bool:
    return any(n.lower() in text.lower() for n in ANN_NEEDLES)


def test_export_erase_audit_over_http(home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from vantage.api.logs import configure_logging

    configure_logging("info")  # as `vantage serve` does (an earlier test may have quietened it)
    app = _app(home)
    admin = {"Authorization": f"Bearer {Workspace(home).secrets().admin_token}"}
    with TestClient(app) as client:
        assert client.post("/v1/privacy/export", json={"email": ANN_EMAIL}).status_code == 401
        exported = client.post("/v1/privacy/export", json={"email": ANN_EMAIL}, headers=admin)
        assert exported.status_code == 200, exported.text
        assert len(exported.json()["events"]) == 6
        erased = client.post(
            "/v1/privacy/erase", json={"person": f"user_id:{ANN_USER}"}, headers=admin
        )
        assert erased.status_code == 200, erased.text
        body = erased.json()
        assert body["counts"]["events"] == 6 and body["leftover_files"] == []
        assert not _has_pii(erased.text)
        audit = client.get("/v1/privacy/audit", headers=admin)
        assert [e["operation"] for e in audit.json()] == ["erase", "export"]
        assert all(e["actor"] == "api:admin" for e in audit.json())
        assert not _has_pii(audit.text)
    sys.stdout.flush()
    logged = capfd.readouterr().out
    assert "/v1/privacy/erase" in logged
    assert not _has_pii(logged)


def test_bad_requests_are_explained(home: Path) -> None:
    app = _app(home)
    admin = {"Authorization": f"Bearer {Workspace(home).secrets().admin_token}"}
    with TestClient(app) as client:
        two = client.post(
            "/v1/privacy/erase", json={"email": ANN_EMAIL, "user_id": ANN_USER}, headers=admin
        )
        assert two.status_code == 400 and "exactly once" in two.json()["message"]
        junk = client.post("/v1/privacy/export", json={"email": "null"}, headers=admin)
        assert junk.status_code == 400 and "not a usable identifier" in junk.json()["message"]
        missing = client.post("/v1/privacy/erase", json={"person": "cus_nobody"}, headers=admin)
        assert missing.status_code == 404 and "No customer" in missing.json()["message"]
