"""Small SQLite files of the data directory (control data, activation state): one way to open them.

Several processes (the server, its job process, CLI commands) use these files at once, so they
run in WAL mode with a busy timeout; they can hold secrets (write keys, password hashes), so
they are created readable by their owner only.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

BUSY_TIMEOUT_S = 30.0


def connect(path: Path) -> sqlite3.Connection:
    """A connection to ``path`` in WAL mode that waits up to 30 s for another writer."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


def prepare(path: Path, schema: str) -> Path:
    """Create the file (mode 0600) if it is missing and apply ``schema`` (idempotent DDL).

    Returns:
        ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    with closing(connect(path)) as conn, conn:
        conn.executescript(schema)
    return path
