"""A response cache: the same call to the same model is answered once.

Answers are kept in a SQLite file (safe for several processes) or, without a path, in memory.
Entries expire after ``ttl_s`` seconds when one is given.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson


class ResponseCache:
    """Completions by cache key.

    Args:
        path: SQLite file; ``None`` keeps the cache in memory for the life of the object.
        ttl_s: Seconds an entry stays valid; ``None`` keeps entries for ever.
    """

    def __init__(self, path: Path | None = None, ttl_s: float | None = None) -> None:
        self.path = path
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._memory: dict[str, tuple[float, dict[str, Any]]] = {}
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS responses "
                    "(key TEXT PRIMARY KEY, created REAL NOT NULL, body BLOB NOT NULL)"
                )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        assert self.path is not None
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    def _fresh(self, created: float) -> bool:
        return self.ttl_s is None or time.time() - created <= self.ttl_s

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored answer for ``key``, or ``None`` (missing or expired)."""
        if self.path is None:
            with self._lock:
                entry = self._memory.get(key)
            return entry[1] if entry and self._fresh(entry[0]) else None
        with self._connect() as db:
            row = db.execute("SELECT created, body FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None or not self._fresh(float(row[0])):
            return None
        body: dict[str, Any] = orjson.loads(row[1])
        return body

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store an answer."""
        now = time.time()
        if self.path is None:
            with self._lock:
                self._memory[key] = (now, value)
            return
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO responses (key, created, body) VALUES (?, ?, ?)",
                (key, now, orjson.dumps(value)),
            )

    def __len__(self) -> int:
        if self.path is None:
            return len(self._memory)
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def clear(self) -> None:
        """Forget every answer."""
        if self.path is None:
            with self._lock:
                self._memory.clear()
            return
        with self._connect() as db:
            db.execute("DELETE FROM responses")
