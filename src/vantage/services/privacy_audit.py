"""The audit log of privacy operations, in ``<home>/control.sqlite``.

An entry records who ran which operation when, the counts, and the subject as salted hashes of
its identifiers (``email:3f9a...``): the log proves what was done without keeping what was
erased.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vantage.collect.suppression import hash_value, workspace_salt
from vantage.core.identifiers import Identifier

_SCHEMA = """
CREATE TABLE IF NOT EXISTS privacy_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_us INTEGER NOT NULL,
    actor TEXT NOT NULL,
    operation TEXT NOT NULL,
    subject TEXT NOT NULL,
    counts TEXT NOT NULL
);
"""


def default_actor() -> str:
    """``cli:<login name>`` of the current process."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def hashed_identifiers(home: Path, identifiers: Iterable[Identifier]) -> list[str]:
    """``type:hash`` for each identifier (the workspace's salted hash, shortened)."""
    salt = workspace_salt(home)
    return sorted({f"{i.type}:{hash_value(salt, i.value)[:16]}" for i in identifiers})


@dataclass(frozen=True)
class AuditEntry:
    """One privacy operation."""

    id: int
    at: datetime
    actor: str
    operation: str
    subject: list[str]
    counts: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "operation": self.operation,
            "subject": self.subject,
            "counts": self.counts,
        }


class AuditLog:
    """Append-only record of exports and erasures.

    Args:
        home: The data directory.
    """

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.path = self.home / "control.sqlite"
        self.home.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    def record(
        self, operation: str, actor: str, subject: list[str], counts: dict[str, Any]
    ) -> AuditEntry:
        """Append one entry (subject must already be hashed)."""
        at_us = int(time.time() * 1e6)
        conn = self._connect()
        try:
            with conn:
                cur = conn.execute(
                    "INSERT INTO privacy_audit (at_us, actor, operation, subject, counts) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (at_us, actor, operation, json.dumps(subject), json.dumps(counts)),
                )
        finally:
            conn.close()
        return AuditEntry(
            int(cur.lastrowid or 0), _at(at_us), actor, operation, subject, dict(counts)
        )

    def entries(self, limit: int = 50) -> list[AuditEntry]:
        """The newest entries, newest first."""
        conn = self._connect()
        try:
            rows = conn.execute(
                "SELECT id, at_us, actor, operation, subject, counts FROM privacy_audit "
                "ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        finally:
            conn.close()
        return [
            AuditEntry(int(i), _at(int(at)), str(a), str(op), json.loads(s), json.loads(c))
            for i, at, a, op, s, c in rows
        ]


def _at(at_us: int) -> datetime:
    return datetime.fromtimestamp(at_us / 1e6, tz=UTC)
