"""Backends for the conformance suite: DuckDB always, PostgreSQL on a real server.

The PostgreSQL server is started once per test process (each pytest-xdist worker gets its own,
on its own port and folder) unless VANTAGE_TEST_POSTGRES_URL names an existing one. Every test
gets a fresh schema in it, dropped afterwards, so tests never see each other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from postgres_server import PostgresServer, find_bin_dir, in_ci
from vantage.store.warehouse import IbisStore, connect_store

BACKENDS = ["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a PostgreSQL database the tests may create schemas in."""
    configured = os.environ.get("VANTAGE_TEST_POSTGRES_URL")
    if configured:
        yield configured
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = (
            "PostgreSQL server programs (initdb, pg_ctl) not found under "
            "/usr/lib/postgresql/*/bin: install them (`apt-get install -y postgresql`, as "
            ".ci/run does) or set VANTAGE_TEST_POSTGRES_URL to an existing server"
        )
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    server = PostgresServer(bin_dir).start()
    try:
        yield server.url
    finally:
        server.stop()


def _with_schema(url: str, schema: str | None) -> str:
    """The URL pointing at ``schema`` of its database (None: the database itself)."""
    parts = urlsplit(url)
    database = parts.path.lstrip("/").split("/", 1)[0]
    path = f"/{database}/{schema}" if schema else f"/{database}"
    return parts._replace(path=path).geturl()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty warehouse on each backend."""
    if request.param == "duckdb":
        yield f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
        return
    import psycopg

    base = request.getfixturevalue("postgres_url")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    yield _with_schema(base, schema)
    with psycopg.connect(_with_schema(base, None), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def store(store_url: str) -> Iterator[IbisStore]:
    """An open store on an empty warehouse, closed after the test."""
    with connect_store(store_url) as opened:
        yield opened
