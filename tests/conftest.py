"""Shared fixtures: a fresh data directory per test and the public-data mirror."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def in_ci() -> bool:
    """CI sets VANTAGE_CI=1: there, missing PostgreSQL or shared data is a failure, not a skip."""
    return os.environ.get("VANTAGE_CI") == "1"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty Vantage data directory, also set as VANTAGE_HOME."""
    path = tmp_path / "vantage-home"
    monkeypatch.setenv("VANTAGE_HOME", str(path))
    monkeypatch.delenv("VANTAGE_STORE", raising=False)
    monkeypatch.delenv("VANTAGE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    yield path


@pytest.fixture(scope="session")
def data_mirror() -> Path:
    """The local mirror of public data sets (../shared/data); skips outside CI when absent."""
    configured = os.environ.get("VANTAGE_DATA_MIRROR")
    path = Path(configured) if configured else ROOT.parent / "shared" / "data"
    if not (path / "SOURCES.md").is_file():
        reason = (
            f"public-data mirror not found at {path}: set VANTAGE_DATA_MIRROR to a folder "
            "holding the data sets of vantage.datasets"
        )
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return path
