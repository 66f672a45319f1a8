"""Fixtures for the collection API: an initialised workspace, the app, a source, a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import TestClient, make_settings
from fastapi import FastAPI

from vantage.api.app import create_app
from vantage.collect.sources import Source, SourceRegistry
from vantage.core.settings import Settings
from vantage.core.workspace import Workspace
from vantage.store.lake import EventLog


@pytest.fixture
def settings(home: Path) -> Settings:
    return make_settings(home)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def source(settings: Settings) -> Source:
    return SourceRegistry(settings.home).add("web")


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def admin(settings: Settings) -> dict[str, str]:
    token = Workspace(settings.home).secrets().admin_token
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def log(settings: Settings) -> EventLog:
    return EventLog(settings.home)
