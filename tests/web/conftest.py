"""Fixtures for the dashboard: one small workspace per session, the app, logged-in clients."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_workspace import WebWorkspace, build_workspace

from vantage.api.app import create_app
from vantage.core.settings import Settings


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> WebWorkspace:
    return build_workspace(tmp_path_factory.mktemp("web") / "home")


@pytest.fixture(scope="session")
def web_app(workspace: WebWorkspace) -> FastAPI:
    settings = Settings(home=workspace.home, compact_every_s=3600, realtime=False)
    return create_app(settings)


def login_token(client: TestClient) -> str:
    page = client.get("/ui/login")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def csrf_of(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def log_in(app: FastAPI, username: str, password: str) -> TestClient:
    client = TestClient(app)
    response = client.post(
        "/ui/login",
        data={"username": username, "password": password, "csrf_token": login_token(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture(scope="session")
def admin(web_app: FastAPI, workspace: WebWorkspace) -> TestClient:
    return log_in(web_app, "admin", workspace.password)


@pytest.fixture(scope="session")
def analyst(web_app: FastAPI, workspace: WebWorkspace) -> TestClient:
    return log_in(web_app, "analyst", workspace.password)


@pytest.fixture(scope="session")
def viewer(web_app: FastAPI, workspace: WebWorkspace) -> TestClient:
    return log_in(web_app, "viewer", workspace.password)


@pytest.fixture
def anonymous(web_app: FastAPI) -> TestClient:
    return TestClient(web_app)


def artefacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os

    configured = os.environ.get("VANTAGE_TEST_ARTEFACTS")
    path = Path(configured) if configured else tmp_path_factory.getbasetemp() / "artefacts"
    path.mkdir(parents=True, exist_ok=True)
    return path
