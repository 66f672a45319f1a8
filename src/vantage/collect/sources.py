"""Sources and their write keys, kept in ``<home>/control.sqlite`` (file mode 0600).

Each source (a website, an app, a CRM import, ...) has its own write key, sent by clients as the
HTTP Basic user exactly as with Segment. Keys are random, shown only on request
(``vantage sources keys``), and never logged.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from vantage.core import sqlite_files
from vantage.core.errors import VantageError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,
    write_key TEXT NOT NULL UNIQUE,
    enabled INTEGER NOT NULL DEFAULT 1,
    tracking_plan TEXT,
    created_at_us INTEGER NOT NULL
);
"""


class SourceError(VantageError):
    """A source is unknown, duplicated or badly named."""


@dataclass(frozen=True)
class Source:
    """A place events come from.

    Attributes:
        name: Short unique name (``web``, ``crm``, ``pos``).
        write_key: Secret key clients authenticate with.
        enabled: Disabled sources are refused with HTTP 403.
        tracking_plan: Optional tracking plan (JSON Schema per event), see
            :mod:`vantage.collect.tracking_plan`.
    """

    name: str
    write_key: str
    enabled: bool
    tracking_plan: dict[str, Any] | None
    created_at_us: int

    def public(self) -> dict[str, Any]:
        """The source without its write key (for listings and logs)."""
        return {
            "name": self.name,
            "enabled": self.enabled,
            "has_tracking_plan": self.tracking_plan is not None,
            "created_at_us": self.created_at_us,
        }


class SourceRegistry:
    """CRUD for sources, safe to use from several processes at once.

    Args:
        home: The Vantage data directory.
    """

    def __init__(self, home: Path) -> None:
        self.path = sqlite_files.prepare(Path(home) / "control.sqlite", _SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite_files.connect(self.path)

    def add(self, name: str) -> Source:
        """Create a source with a fresh write key.

        Raises:
            SourceError: The name is invalid or already taken.
        """
        if not _NAME.match(name):
            raise SourceError(
                f"Invalid source name {name!r}.",
                "Use 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit.",
            )
        key = secrets.token_urlsafe(24)
        try:
            with self._connect() as conn:
                conn.execute(
                    "INSERT INTO sources (name, write_key, created_at_us) VALUES (?, ?, ?)",
                    (name, key, int(time.time() * 1e6)),
                )
        except sqlite3.IntegrityError as exc:
            raise SourceError(
                f"A source named {name!r} already exists.",
                "Pick another name, or see its key with `vantage sources keys`.",
            ) from exc
        return self.get(name)

    def ensure(self, name: str) -> Source:
        """Return the source, creating it first when it does not exist."""
        found = self.find(name)
        return found if found is not None else self.add(name)

    def find(self, name: str) -> Source | None:
        """The source with this name, or None."""
        return self._one("SELECT * FROM sources WHERE name = ?", (name,))

    def get(self, name: str) -> Source:
        """The source with this name.

        Raises:
            SourceError: No such source.
        """
        found = self.find(name)
        if found is None:
            raise SourceError(
                f"Unknown source {name!r}.", "Create it with `vantage sources add NAME`."
            )
        return found

    def by_write_key(self, write_key: str) -> Source | None:
        """The source a write key belongs to, or None."""
        return self._one("SELECT * FROM sources WHERE write_key = ?", (write_key,))

    def list(self) -> list[Source]:
        """All sources, by name."""
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            return [_row(r) for r in conn.execute("SELECT * FROM sources ORDER BY name")]

    def set_enabled(self, name: str, enabled: bool) -> Source:
        """Enable or disable a source."""
        self.get(name)
        with self._connect() as conn:
            conn.execute("UPDATE sources SET enabled = ? WHERE name = ?", (int(enabled), name))
        return self.get(name)

    def set_tracking_plan(self, name: str, plan: dict[str, Any] | None) -> Source:
        """Attach (or remove, with None) a tracking plan to a source."""
        self.get(name)
        text = orjson.dumps(plan).decode() if plan is not None else None
        with self._connect() as conn:
            conn.execute("UPDATE sources SET tracking_plan = ? WHERE name = ?", (text, name))
        return self.get(name)

    def _one(self, sql: str, args: tuple[Any, ...]) -> Source | None:
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute(sql, args).fetchone()
        return _row(row) if row else None


def _row(row: sqlite3.Row) -> Source:
    plan = row["tracking_plan"]
    return Source(
        name=row["name"],
        write_key=row["write_key"],
        enabled=bool(row["enabled"]),
        tracking_plan=orjson.loads(plan) if plan else None,
        created_at_us=row["created_at_us"],
    )
