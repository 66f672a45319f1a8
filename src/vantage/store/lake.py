"""The lake's write side: a durable, deduplicating, append-only event log.

SQLite in WAL mode with ``synchronous=FULL`` is the log: a commit returns only once the events
are on disk, a ``kill -9`` at any instant leaves either the whole transaction or none of it, and
several processes (the server and a CLI import) may append at once, serialised by SQLite's lock.
Every ``messageId`` ever stored is kept in a primary-key table, so a retried batch stores nothing
twice. :mod:`vantage.store.compaction` moves old log rows into day-partitioned Parquet files.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vantage.store.records import AppendResult, LogRecord, RejectedRecord, Submission

SCHEMA = """
CREATE TABLE IF NOT EXISTS message_ids (message_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    source TEXT NOT NULL,
    type TEXT NOT NULL,
    event TEXT,
    user_id TEXT,
    anonymous_id TEXT,
    timestamp_us INTEGER NOT NULL,
    received_at_us INTEGER NOT NULL,
    payload BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS failed_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    field TEXT NOT NULL,
    received_at_us INTEGER NOT NULL,
    payload BLOB NOT NULL,
    fingerprint BLOB NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS failed_events_source ON failed_events(source, id);
CREATE TABLE IF NOT EXISTS compactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'aborted')),
    created_at_us INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS lake_files (
    compaction_id INTEGER NOT NULL REFERENCES compactions(id),
    path TEXT NOT NULL,
    day TEXT NOT NULL,
    rows INTEGER NOT NULL,
    PRIMARY KEY (compaction_id, path)
);
"""

LOG_COLUMNS = (
    "seq",
    "message_id",
    "source",
    "type",
    "event",
    "user_id",
    "anonymous_id",
    "timestamp_us",
    "received_at_us",
    "payload",
)
_INSERT_LOG = (
    "INSERT INTO log (message_id, source, type, event, user_id, anonymous_id, timestamp_us, "
    "received_at_us, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# Rows at or below this seq are in Parquet files already; compaction deletes them from the log in
# small batches afterwards, so a big compaction never holds the write lock for long.
COMPACTED_UP_TO = "(SELECT COALESCE(MAX(last_seq), 0) FROM compactions WHERE state = 'done')"
_CLAIM_ID = "INSERT OR IGNORE INTO message_ids (message_id) VALUES (?)"
_INSERT_FAILED = (
    "INSERT OR IGNORE INTO failed_events (source, reason, field, received_at_us, payload, "
    "fingerprint) VALUES (?, ?, ?, ?, ?, ?)"
)


class EventLog:
    """Durable append-only event log under ``<home>/lake``.

    Args:
        home: The Vantage data directory.
        busy_timeout_s: How long a writer waits for another process's transaction.
    """

    def __init__(self, home: Path, busy_timeout_s: float = 30.0) -> None:
        self.root = Path(home) / "lake"
        self.path = self.root / "log.sqlite"
        self.busy_timeout_s = busy_timeout_s
        self.root.mkdir(parents=True, exist_ok=True)
        with self.connect() as conn:
            conn.executescript(SCHEMA)

    def connect(self) -> sqlite3.Connection:
        """Open a new connection with the durability settings (one per thread)."""
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    @contextmanager
    def transaction(self, conn: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``), committed durably on exit."""
        own = conn is None
        conn = conn or self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            if own:
                conn.close()

    def append(
        self, submissions: Sequence[Submission], conn: sqlite3.Connection | None = None
    ) -> list[AppendResult]:
        """Store submissions in one durable transaction (group commit).

        Events whose ``messageId`` was stored before (or earlier in the same call) are skipped.

        Args:
            submissions: One entry per request or import chunk.
            conn: A connection to reuse (the group-commit thread keeps one).

        Returns:
            One result per submission, in order.
        """
        results: list[AppendResult] = []
        with self.transaction(conn) as tx:
            for sub in submissions:
                fresh = _fresh_records(tx, sub.records)
                tx.executemany(_INSERT_LOG, fresh)
                tx.executemany(
                    _INSERT_FAILED,
                    [
                        (r.source, r.reason, r.field, r.received_at_us, r.payload, _fingerprint(r))
                        for r in sub.rejected
                    ],
                )
                results.append(
                    AppendResult(len(fresh), len(sub.records) - len(fresh), len(sub.rejected))
                )
        return results

    def count(self) -> int:
        """Number of stored events: compacted into Parquet plus still in the log."""
        with self._reader() as conn:
            (in_log,) = conn.execute(
                f"SELECT COUNT(*) FROM log WHERE seq > {COMPACTED_UP_TO}"
            ).fetchone()
            (in_files,) = conn.execute(
                "SELECT COALESCE(SUM(f.rows), 0) FROM lake_files f "
                "JOIN compactions c ON c.id = f.compaction_id WHERE c.state = 'done'"
            ).fetchone()
        return int(in_log) + int(in_files)

    def count_failed(self) -> int:
        """Number of events rejected at the edge."""
        with self._reader() as conn:
            (n,) = conn.execute("SELECT COUNT(*) FROM failed_events").fetchone()
        return int(n)

    def tail(self, limit: int = 10, source: str | None = None) -> list[dict[str, Any]]:
        """The newest events still in the log, newest first."""
        where, args = ("AND source = ?", [source]) if source else ("", [])
        with self._reader() as conn:
            rows = conn.execute(
                f"SELECT {', '.join(LOG_COLUMNS)} FROM log WHERE seq > {COMPACTED_UP_TO} {where} "
                "ORDER BY seq DESC LIMIT ?",
                [*args, limit],
            ).fetchall()
        return [dict(zip(LOG_COLUMNS, row, strict=True)) for row in rows]

    def failed(self, limit: int = 50, source: str | None = None) -> list[dict[str, Any]]:
        """The newest rejected events with their reasons, newest first."""
        where, args = ("WHERE source = ?", [source]) if source else ("", [])
        cols = ("id", "source", "reason", "field", "received_at_us", "payload")
        with self._reader() as conn:
            rows = conn.execute(
                f"SELECT {', '.join(cols)} FROM failed_events {where} ORDER BY id DESC LIMIT ?",
                [*args, limit],
            ).fetchall()
        return [dict(zip(cols, row, strict=True)) for row in rows]

    def known_message_ids(self, message_ids: Sequence[str]) -> set[str]:
        """Which of these message ids are already stored."""
        found: set[str] = set()
        with self._reader() as conn:
            for start in range(0, len(message_ids), 500):
                chunk = list(message_ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                found.update(
                    row[0]
                    for row in conn.execute(
                        f"SELECT message_id FROM message_ids WHERE message_id IN ({marks})",
                        chunk,
                    )
                )
        return found

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect()
        try:
            conn.execute("BEGIN")
            yield conn
            conn.execute("COMMIT")
        finally:
            conn.close()


def _fresh_records(tx: sqlite3.Connection, records: list[LogRecord]) -> list[LogRecord]:
    """Claim the message ids of ``records``; return the records whose id was new.

    The common case (no duplicates) claims every id with one ``executemany``; only when some id
    was taken does it roll back and claim them one by one to find out which.
    """
    if not records:
        return []
    tx.execute("SAVEPOINT claim_ids")
    before = tx.total_changes
    tx.executemany(_CLAIM_ID, [(r.message_id,) for r in records])
    if tx.total_changes - before == len(records):
        tx.execute("RELEASE claim_ids")
        return records
    tx.execute("ROLLBACK TO claim_ids")
    tx.execute("RELEASE claim_ids")
    return [r for r in records if tx.execute(_CLAIM_ID, (r.message_id,)).rowcount]


def _fingerprint(rejected: RejectedRecord) -> bytes:
    """Identity of a rejection: the same input refused for the same reason is recorded once.

    Re-importing a file (or retrying a request) must not list its bad rows twice.
    """
    digest = hashlib.blake2b(digest_size=16)
    for part in (rejected.source.encode(), rejected.reason.encode(), rejected.payload):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()
