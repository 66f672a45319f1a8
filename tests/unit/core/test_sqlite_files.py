"""The data directory's small SQLite files: private, WAL, schema applied once or many times."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from vantage.core import sqlite_files

SCHEMA = "CREATE TABLE IF NOT EXISTS things (name TEXT PRIMARY KEY);"


def test_prepare_creates_a_private_file_with_the_schema(tmp_path: Path) -> None:
    path = sqlite_files.prepare(tmp_path / "nested" / "state.sqlite", SCHEMA)
    assert path.stat().st_mode & 0o777 == 0o600
    assert sqlite_files.prepare(path, SCHEMA) == path  # idempotent
    with closing(sqlite_files.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "things" in tables
