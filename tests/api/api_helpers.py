"""Helpers shared by the API tests (imported by module name, as tests/ helpers are)."""

from __future__ import annotations

import gzip
import warnings
from pathlib import Path
from typing import Any

import orjson

from vantage.collect.sources import Source
from vantage.core.settings import CollectLimits, Settings
from vantage.core.workspace import Workspace

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 package for its TestClient; httpx works the same.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

FIXTURES = Path(__file__).parent / "fixtures"

__all__ = ["FIXTURES", "TestClient", "auth", "fixture", "gzipped", "make_settings"]


def make_settings(home: Path, **collect: Any) -> Settings:
    """Settings for an initialised ``home``, with collect limits overridden."""
    Workspace(home).init()
    return Settings(home=home, collect=CollectLimits(**collect), compact_every_s=3600)


def auth(source: Source) -> tuple[str, str]:
    """HTTP Basic credentials of a source: the write key as user, empty password."""
    return (source.write_key, "")


def fixture(name: str, write_key: str | None = None) -> dict[str, Any]:
    """A documented example payload; ``YOUR_WRITE_KEY`` replaced when a key is given."""
    text = (FIXTURES / name).read_text()
    if write_key is not None:
        text = text.replace("YOUR_WRITE_KEY", write_key)
    data: dict[str, Any] = orjson.loads(text)
    return data


def gzipped(body: Any) -> bytes:
    """A JSON body compressed with gzip."""
    return gzip.compress(orjson.dumps(body))
