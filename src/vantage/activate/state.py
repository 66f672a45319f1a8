"""Activation state in ``<home>/activate/activation.sqlite`` (WAL, file mode 0600).

Operational state lives beside the warehouse rather than in it: the embedded warehouse admits
one process at a time, and a send must never wait for a background sync. Tables:

- ``destinations`` and ``triggers``: definitions (JSON) and each webhook's signing secret;
  ``meta.revision`` moves on every change so running dispatchers reload.
- ``deliveries``: the audit of what was (or was not) sent where and when, which is also the
  outbox (``pending`` rows survive a restart) and the dead-letter store (``dead`` rows keep
  their payload and last error and can be re-queued). ``blocked`` rows record consent refusals;
  ``failed`` rows, test sends that did not get through.
- ``fires``: when each trigger fired for each customer (frequency caps).
- ``decisions``: next-best-action decisions, their group (treatment or control) and outcome.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from vantage.activate.specs import (
    DestinationSpec,
    TriggerSpec,
    WebhookDestinationSpec,
    load_destination,
)
from vantage.core import sqlite_files
from vantage.core.errors import VantageError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS destinations (
    name TEXT PRIMARY KEY, kind TEXT NOT NULL, purpose TEXT NOT NULL, spec TEXT NOT NULL,
    secret TEXT, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS triggers (
    name TEXT PRIMARY KEY, destination TEXT NOT NULL, spec TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY, destination TEXT NOT NULL, trigger TEXT, customer_id TEXT NOT NULL,
    purpose TEXT NOT NULL, payload TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL,
    due_at REAL NOT NULL, created_at REAL NOT NULL, sent_at REAL, response_status INTEGER,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (status, destination);
CREATE INDEX IF NOT EXISTS deliveries_by_time ON deliveries (created_at);
CREATE TABLE IF NOT EXISTS fires (
    trigger TEXT NOT NULL, customer_id TEXT NOT NULL, at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS fires_by_key ON fires (trigger, customer_id, at);
CREATE TABLE IF NOT EXISTS decisions (
    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, action TEXT, grp TEXT NOT NULL,
    expected_value REAL, probability REAL, basis TEXT, goal_event TEXT, decided_at REAL NOT NULL,
    expires_at REAL NOT NULL, converted INTEGER, outcome_value REAL, outcome_at REAL
);
CREATE INDEX IF NOT EXISTS decisions_by_customer ON decisions (customer_id, decided_at);
"""
STATUSES = ("pending", "sent", "dead", "blocked", "failed")


class ActivationError(VantageError):
    """A destination or trigger is unknown, duplicated or refers to something missing."""


class NotFoundError(ActivationError):
    """A destination, trigger or decision does not exist."""


class ConflictError(ActivationError):
    """The name is taken, or something still depends on what is being removed."""


@dataclass(frozen=True)
class Delivery:
    """One record for one destination: an audit row, an outbox entry or a dead letter.

    Attributes:
        id: Unique id (also sent as ``X-Vantage-Delivery`` so receivers can deduplicate).
        destination: The destination's name.
        trigger: The trigger that made it, or None for exports and tests.
        customer_id: The customer the record is about.
        purpose: The consent purpose checked before sending.
        payload: The record (None for consent refusals: nothing was prepared).
        status: pending, sent, dead (retries exhausted), blocked (no consent) or failed
            (a test send that did not get through).
        attempts: Send attempts so far.
        due_at: When it is (next) due, seconds since the epoch.
        created_at: When it was made.
        sent_at: When it was delivered.
        response_status: The receiver's last HTTP status.
        last_error: Why the last attempt failed.
    """

    id: str
    destination: str
    trigger: str | None
    customer_id: str
    purpose: str
    payload: dict[str, Any] | None
    status: str
    attempts: int = 0
    due_at: float = 0.0
    created_at: float = 0.0
    sent_at: float | None = None
    response_status: int | None = None
    last_error: str | None = None

    def public(self) -> dict[str, Any]:
        """The row as plain data."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def new_delivery(
    destination: str,
    customer_id: str,
    purpose: str,
    payload: dict[str, Any] | None,
    *,
    trigger: str | None = None,
    due_at: float | None = None,
    status: str = "pending",
) -> Delivery:
    """A fresh delivery with a new id, due now unless ``due_at`` says otherwise."""
    now = time.time()
    return Delivery(
        id=uuid.uuid4().hex,
        destination=destination,
        trigger=trigger,
        customer_id=customer_id,
        purpose=purpose,
        payload=payload,
        status=status,
        due_at=now if due_at is None else due_at,
        created_at=now,
    )


_INSERT_DELIVERY = "INSERT INTO deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _row(d: Delivery) -> tuple[Any, ...]:
    return (
        d.id,
        d.destination,
        d.trigger,
        d.customer_id,
        d.purpose,
        None if d.payload is None else orjson.dumps(d.payload).decode(),
        d.status,
        d.attempts,
        d.due_at,
        d.created_at,
        d.sent_at,
        d.response_status,
        d.last_error,
    )


def _delivery(row: sqlite3.Row) -> Delivery:
    data = dict(row)
    data["payload"] = orjson.loads(data["payload"]) if data["payload"] else None
    return Delivery(**data)


class ActivationState:
    """Read and write the activation state; safe from several threads and processes.

    Args:
        home: The Vantage data directory.
    """

    def __init__(self, home: Path) -> None:
        self.path = sqlite_files.prepare(Path(home) / "activate" / "activation.sqlite", _SCHEMA)
        self._local = threading.local()

    @contextmanager
    def _connect(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """This thread's connection, in one transaction (reads take no write lock)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # definitions -------------------------------------------------------------------------

    def revision(self) -> int:
        """A number that changes whenever a destination or trigger changes."""
        with self._connect(write=False) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('revision', 1) "
            "ON CONFLICT (key) DO UPDATE SET value = value + 1"
        )

    def add_destination(self, spec: DestinationSpec, *, replace: bool = False) -> str | None:
        """Store a destination; returns the webhook signing secret (None for other kinds).

        Raises:
            ActivationError: A destination with this name exists and ``replace`` is False.
        """
        secret = None
        if isinstance(spec, WebhookDestinationSpec):
            secret = spec.secret or secrets.token_hex(32)
            spec = spec.model_copy(update={"secret": None})
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        try:
            with self._connect() as conn:
                conn.execute(
                    f"{verb} INTO destinations VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        spec.name,
                        spec.kind,
                        spec.purpose,
                        spec.model_dump_json(exclude={"secret"}),
                        secret,
                        time.time(),
                    ),
                )
                self._bump(conn)
        except sqlite3.IntegrityError as exc:
            raise ConflictError(
                f"A destination named {spec.name!r} already exists.",
                "Pick another name, or replace it (--replace / PUT).",
            ) from exc
        return secret

    def destinations(self) -> list[DestinationSpec]:
        """Every destination, by name."""
        with self._connect(write=False) as conn:
            rows = conn.execute("SELECT spec FROM destinations ORDER BY name").fetchall()
        return [load_destination(orjson.loads(r[0])) for r in rows]

    def destination(self, name: str) -> DestinationSpec:
        """One destination.

        Raises:
            ActivationError: No such destination.
        """
        with self._connect(write=False) as conn:
            row = conn.execute("SELECT spec FROM destinations WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFoundError(
                f"Unknown destination {name!r}.",
                "List destinations with `vantage destinations list`, or add one.",
            )
        return load_destination(orjson.loads(row[0]))

    def secret(self, name: str) -> str | None:
        """A webhook destination's signing secret."""
        with self._connect(write=False) as conn:
            row = conn.execute("SELECT secret FROM destinations WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def remove_destination(self, name: str) -> None:
        """Delete a destination (its triggers must go first).

        Raises:
            ActivationError: Unknown, or triggers still send to it.
        """
        self.destination(name)
        users = [t.name for t in self.triggers() if t.destination == name]
        if users:
            raise ConflictError(
                f"Destination {name!r} is used by trigger(s) {', '.join(users)}.",
                "Remove those triggers first.",
            )
        with self._connect() as conn:
            conn.execute("DELETE FROM destinations WHERE name = ?", (name,))
            self._bump(conn)

    def add_trigger(self, spec: TriggerSpec, *, replace: bool = False) -> None:
        """Store a trigger.

        Raises:
            ActivationError: Its destination is unknown, or the name is taken.
        """
        self.destination(spec.destination)
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        try:
            with self._connect() as conn:
                conn.execute(
                    f"{verb} INTO triggers VALUES (?, ?, ?, ?)",
                    (spec.name, spec.destination, spec.model_dump_json(), time.time()),
                )
                self._bump(conn)
        except sqlite3.IntegrityError as exc:
            raise ConflictError(
                f"A trigger named {spec.name!r} already exists.",
                "Pick another name, or replace it (--replace / PUT).",
            ) from exc

    def triggers(self) -> list[TriggerSpec]:
        """Every trigger, by name."""
        with self._connect(write=False) as conn:
            rows = conn.execute("SELECT spec FROM triggers ORDER BY name").fetchall()
        return [TriggerSpec.model_validate_json(r[0]) for r in rows]

    def remove_trigger(self, name: str) -> None:
        """Delete a trigger.

        Raises:
            ActivationError: No such trigger.
        """
        with self._connect() as conn:
            gone = conn.execute("DELETE FROM triggers WHERE name = ?", (name,)).rowcount
            self._bump(conn)
        if not gone:
            raise NotFoundError(
                f"Unknown trigger {name!r}.", "List triggers with `vantage triggers list`."
            )

    # deliveries ----------------------------------------------------------------------------

    def record(self, deliveries: Iterable[Delivery]) -> None:
        """Insert deliveries (pending ones, or already final ones such as consent refusals)."""
        rows = [_row(d) for d in deliveries]
        if rows:
            with self._connect() as conn:
                conn.executemany(_INSERT_DELIVERY, rows)

    def update(
        self,
        delivery_id: str,
        *,
        status: str,
        attempts: int,
        due_at: float | None = None,
        response_status: int | None = None,
        error: str | None = None,
    ) -> None:
        """Record the result of an attempt (sent, retry later, dead or blocked)."""
        sent_at = time.time() if status == "sent" else None
        with self._connect() as conn:
            conn.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, due_at = COALESCE(?, due_at), "
                "sent_at = COALESCE(?, sent_at), response_status = ?, last_error = ? "
                "WHERE id = ?",
                (status, attempts, due_at, sent_at, response_status, error, delivery_id),
            )

    def deliveries(
        self,
        *,
        destination: str | None = None,
        status: str | None = None,
        customer_id: str | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        """Audit rows, newest first, optionally for one destination, status or customer."""
        clauses, args = [], []
        for column, value in (
            ("destination", destination),
            ("status", status),
            ("customer_id", customer_id),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._connect(write=False) as conn:
            rows = conn.execute(
                f"SELECT * FROM deliveries {where} ORDER BY created_at DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
        return [_delivery(r) for r in rows]

    def pending(self) -> list[Delivery]:
        """Every pending delivery, oldest due first (reloaded by a dispatcher at start)."""
        with self._connect(write=False) as conn:
            rows = conn.execute(
                "SELECT * FROM deliveries WHERE status = 'pending' ORDER BY due_at"
            ).fetchall()
        return [_delivery(r) for r in rows]

    def requeue_dead(self, destination: str) -> list[Delivery]:
        """Make a destination's dead letters pending again (attempts reset); returns them."""
        now = time.time()
        with self._connect() as conn:
            conn.execute(
                "UPDATE deliveries SET status = 'pending', attempts = 0, due_at = ? "
                "WHERE status = 'dead' AND destination = ?",
                (now, destination),
            )
            self._bump(conn)
        return [d for d in self.pending() if d.destination == destination]

    def counts(self) -> dict[str, dict[str, int]]:
        """Deliveries per destination and status."""
        with self._connect(write=False) as conn:
            rows = conn.execute(
                "SELECT destination, status, COUNT(*) FROM deliveries GROUP BY 1, 2"
            ).fetchall()
        out: dict[str, dict[str, int]] = {}
        for destination, status, count in rows:
            out.setdefault(destination, {})[status] = int(count)
        return out

    # frequency caps --------------------------------------------------------------------------

    def fire(self, candidates: Iterable[tuple[Delivery, int | None, float]]) -> list[Delivery]:
        """Record trigger fires and their deliveries in one transaction, honouring caps.

        Args:
            candidates: ``(delivery, cap, window_s)``: the delivery a trigger would make (its
                ``trigger`` and ``customer_id`` name the fire) and the trigger's frequency cap
                (None: no cap) over ``window_s`` seconds.

        Returns:
            The deliveries recorded (pending); the others were over their cap.
        """
        now = time.time()
        kept: list[Delivery] = []
        with self._connect() as conn:
            for delivery, cap, window_s in candidates:
                key = (delivery.trigger or "", delivery.customer_id)
                if cap is not None:
                    (count,) = conn.execute(
                        "SELECT COUNT(*) FROM fires WHERE trigger = ? AND customer_id = ? "
                        "AND at > ?",
                        (*key, now - window_s),
                    ).fetchone()
                    if count >= cap:
                        continue
                conn.execute("INSERT INTO fires VALUES (?, ?, ?)", (*key, now))
                kept.append(delivery)
            conn.executemany(_INSERT_DELIVERY, [_row(d) for d in kept])
        return kept

    # next-best-action decisions -------------------------------------------------------------

    def record_decision(self, row: dict[str, Any]) -> None:
        """Insert one decision (keys: the ``decisions`` columns but the outcome)."""
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO decisions (id, customer_id, action, grp, expected_value, "
                "probability, basis, goal_event, decided_at, expires_at) "
                "VALUES (:id, :customer_id, :action, :grp, :expected_value, :probability, "
                ":basis, :goal_event, :decided_at, :expires_at)",
                row,
            )

    def record_outcome(
        self, decision_id: str, *, converted: bool, value: float | None, at: float
    ) -> bool:
        """Set a decision's outcome; False when it is unknown or already has one."""
        with self._connect() as conn:
            changed = conn.execute(
                "UPDATE decisions SET converted = ?, outcome_value = ?, outcome_at = ? "
                "WHERE id = ? AND converted IS NULL",
                (int(converted), value, at, decision_id),
            ).rowcount
        return bool(changed)

    def open_decisions(self, customer_id: str, goal_event: str, at: float) -> list[str]:
        """Ids of the customer's decisions still waiting for ``goal_event`` at time ``at``."""
        with self._connect(write=False) as conn:
            rows = conn.execute(
                "SELECT id FROM decisions WHERE customer_id = ? AND goal_event = ? "
                "AND converted IS NULL AND decided_at <= ? AND expires_at >= ?",
                (customer_id, goal_event, at, at),
            ).fetchall()
        return [r[0] for r in rows]

    def decisions(self, customer_id: str | None = None) -> list[dict[str, Any]]:
        """Decisions (all, or one customer's), oldest first."""
        query = "SELECT * FROM decisions"
        args: tuple[Any, ...] = ()
        if customer_id is not None:
            query += " WHERE customer_id = ?"
            args = (customer_id,)
        with self._connect(write=False) as conn:
            rows = conn.execute(query + " ORDER BY decided_at", args).fetchall()
        return [dict(r) for r in rows]

    def action_stats(self) -> dict[str, tuple[int, int, int]]:
        """Per action: treated decisions with a known outcome, their conversions, all treated."""
        with self._connect(write=False) as conn:
            rows = conn.execute(
                "SELECT action, SUM(converted IS NOT NULL), COALESCE(SUM(converted), 0), COUNT(*) "
                "FROM decisions WHERE grp = 'treatment' AND action IS NOT NULL GROUP BY action"
            ).fetchall()
        return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows}

    def close_expired(self, now: float) -> int:
        """Mark decisions whose window ended without the goal event as not converted."""
        with self._connect() as conn:
            return int(
                conn.execute(
                    "UPDATE decisions SET converted = 0, outcome_at = expires_at "
                    "WHERE converted IS NULL AND expires_at < ?",
                    (now,),
                ).rowcount
            )
