"""Conversations, the hand-off queue and complaints of the assistant, in one SQLite file.

``<home>/assistant/assistant.sqlite`` holds three tables: ``conversations`` (the state of each
session id, as JSON), ``handoffs`` (conversations waiting for a person: transcript, extractive
summary, status) and ``complaints``. SQLite keeps this operational data out of the analytical
warehouse, so a chat never waits for a warehouse sync; the events of each conversation go to the
customer's profile through the ingest path (see :mod:`vantage.services.assistant_events`).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vantage.solutions.assistant.state import ConversationState

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    session_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS handoffs (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL, customer_id TEXT, summary TEXT NOT NULL,
    transcript TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS complaints (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL, customer_id TEXT NOT NULL, text TEXT NOT NULL,
    order_id TEXT, created_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Handoff:
    """A conversation waiting for a person."""

    id: str
    session_id: str
    customer_id: str | None
    summary: str
    transcript: list[dict[str, Any]]
    status: str
    created_at: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return asdict(self)


class AssistantStore:
    """The assistant's SQLite file under ``<home>/assistant/``.

    Args:
        home: The data directory.
    """

    def __init__(self, home: Path) -> None:
        self.path = Path(home) / "assistant" / "assistant.sqlite"

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.executescript(_SCHEMA)
        return connection

    def load(self, session_id: str) -> ConversationState:
        """The session's state, or a new one."""
        with self._connect() as db:
            row = db.execute(
                "SELECT state FROM conversations WHERE session_id = ?", (session_id,)
            ).fetchone()
        if row is None:
            return ConversationState(session_id)
        return ConversationState.from_dict(json.loads(row[0]))

    def save(self, state: ConversationState) -> None:
        """Store the session's state (replacing the previous one)."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO conversations VALUES (?, ?, ?) ON CONFLICT(session_id) DO UPDATE "
                "SET state = excluded.state, updated_at = excluded.updated_at",
                (state.session_id, json.dumps(state.to_dict()), datetime.now(UTC).isoformat()),
            )

    def enqueue_handoff(self, state: ConversationState, summary: str) -> Handoff:
        """Put the conversation in the hand-off queue (status ``open``)."""
        item = Handoff(
            id=f"HO-{uuid.uuid4().hex[:10]}",
            session_id=state.session_id,
            customer_id=state.customer_id,
            summary=summary,
            transcript=list(state.turns),
            status="open",
            created_at=datetime.now(UTC).isoformat(),
        )
        with self._connect() as db:
            db.execute(
                "INSERT INTO handoffs VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    item.id,
                    item.session_id,
                    item.customer_id,
                    item.summary,
                    json.dumps(item.transcript),
                    item.status,
                    item.created_at,
                ),
            )
        return item

    def handoffs(self, status: str | None = "open", limit: int = 50) -> list[Handoff]:
        """Queued conversations, oldest first (``status`` None: all)."""
        query = "SELECT * FROM handoffs"
        params: tuple[Any, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (status,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY created_at LIMIT ?", (*params, limit)).fetchall()
        return [Handoff(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]) for r in rows]

    def add_complaint(
        self, session_id: str, customer_id: str, text: str, order_id: str | None
    ) -> dict[str, Any]:
        """Record a complaint; returns it with its new ``id``."""
        row = {
            "id": f"CMP-{uuid.uuid4().hex[:8].upper()}",
            "session_id": session_id,
            "customer_id": customer_id,
            "text": text,
            "order_id": order_id,
            "created_at": datetime.now(UTC).isoformat(),
        }
        with self._connect() as db:
            db.execute("INSERT INTO complaints VALUES (?, ?, ?, ?, ?, ?)", tuple(row.values()))
        return row

    def complaints(self, customer_id: str | None = None) -> list[dict[str, Any]]:
        """Complaints, oldest first (one customer's when ``customer_id`` is given)."""
        query, params = "SELECT * FROM complaints", tuple[str, ...]()
        if customer_id is not None:
            query, params = query + " WHERE customer_id = ?", (customer_id,)
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(query + " ORDER BY created_at", params)]
