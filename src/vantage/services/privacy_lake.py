"""Finding and erasing one person's records in the lake (log, failed events, Parquet files).

Erasing rewrites each affected Parquet file without the person's rows under a new name, switches
the manifest entry (path and row count) in one SQLite transaction, and only then removes the old
file; a crash at any point leaves the manifest pointing at a complete file, and files that the
manifest does not list are removed by the next erase. Compaction and warehouse syncs are held off
meanwhile. SQLite keeps deleted rows in free pages, so the log is vacuumed and its WAL truncated.
"""

from __future__ import annotations

import fcntl
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from vantage.services.privacy_scope import Person
from vantage.store.compaction import EVENT_SCHEMA, _recover, _write_durably, snapshot
from vantage.store.lake import EventLog


@dataclass
class LakeErasure:
    """What an erase removed from the lake."""

    events: int = 0
    failed_events: int = 0
    files_rewritten: int = 0
    seqs: list[int] = field(default_factory=list)
    message_ids: set[str] = field(default_factory=set)


def lake_payloads(log: EventLog) -> list[str]:
    """The payload of every event in the lake."""
    return [str(p) for p in snapshot(log).read().column("payload").to_pylist()]


def person_events(log: EventLog, person: Person) -> pa.Table:
    """The person's events in the lake (every column, ``seq`` order)."""
    table = snapshot(log).read()
    mask = [person.owns_text(str(p)) for p in table.column("payload").to_pylist()]
    return table.filter(pa.array(mask, pa.bool_()))


def person_failed_events(log: EventLog, person: Person) -> list[dict[str, Any]]:
    """Rejected events that carry one of the person's identifiers."""
    conn = log.connect()
    try:
        rows = conn.execute(
            "SELECT id, source, reason, field, received_at_us, payload FROM failed_events"
        ).fetchall()
    finally:
        conn.close()
    cols = ("id", "source", "reason", "field", "received_at_us", "payload")
    return [
        dict(zip(cols, (*row[:5], _text(row[5])), strict=True))
        for row in rows
        if person.owns_text(_text(row[5]))
    ]


def _text(payload: Any) -> str:
    return bytes(payload).decode(errors="replace") if not isinstance(payload, str) else payload


@contextmanager
def _hold(path: Path) -> Iterator[None]:
    with path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _manifest(log: EventLog) -> list[tuple[int, str]]:
    conn = log.connect()
    try:
        return [
            (int(cid), str(path))
            for cid, path in conn.execute(
                "SELECT f.compaction_id, f.path FROM lake_files f JOIN compactions c "
                "ON c.id = f.compaction_id WHERE c.state = 'done' ORDER BY f.compaction_id, f.path"
            )
        ]
    finally:
        conn.close()


def _remove_orphans(log: EventLog) -> None:
    """Remove Parquet files the manifest does not list (left by an interrupted erase)."""
    listed = {log.root / path for _, path in _manifest(log)}
    for path in (log.root / "events").glob("day=*/*.parquet*"):
        if path not in listed:
            path.unlink()


def _rewrite_file(
    log: EventLog, compaction_id: int, rel: str, person: Person, erased: LakeErasure
) -> int:
    """Rewrite one lake file without the person's rows; returns how many were removed."""
    table = pq.read_table(log.root / rel, schema=EVENT_SCHEMA)
    mask = [person.owns_text(str(p)) for p in table.column("payload").to_pylist()]
    if not any(mask):
        return 0
    removed = table.filter(pa.array(mask, pa.bool_()))
    erased.seqs.extend(int(s) for s in removed.column("seq").to_pylist())
    erased.message_ids.update(str(m) for m in removed.column("message_id").to_pylist())
    keep = table.filter(pa.array([not m for m in mask], pa.bool_()))
    stem = Path(rel).name.split(".")[0].split("-")[0]
    new_rel = str(Path(rel).parent / f"{stem}-e{time.time_ns()}.parquet")
    if keep.num_rows:
        _write_durably(keep, log.root / new_rel)
    with log.transaction() as tx:
        if keep.num_rows:
            tx.execute(
                "UPDATE lake_files SET path = ?, rows = ? WHERE compaction_id = ? AND path = ?",
                (new_rel, keep.num_rows, compaction_id, rel),
            )
        else:
            tx.execute(
                "DELETE FROM lake_files WHERE compaction_id = ? AND path = ?", (compaction_id, rel)
            )
    (log.root / rel).unlink()
    return removed.num_rows


def _erase_rows(log: EventLog, person: Person, erased: LakeErasure) -> None:
    with log.transaction() as tx:
        log_hits = [
            (int(seq), str(message_id))
            for seq, message_id, payload in tx.execute("SELECT seq, message_id, payload FROM log")
            if person.owns_text(_text(payload))
        ]
        failed_hits = [
            (int(fid),)
            for fid, payload in tx.execute("SELECT id, payload FROM failed_events")
            if person.owns_text(_text(payload))
        ]
        tx.executemany("DELETE FROM log WHERE seq = ?", [(seq,) for seq, _ in log_hits])
        tx.executemany("DELETE FROM failed_events WHERE id = ?", failed_hits)
    erased.failed_events += len(failed_hits)
    erased.seqs.extend(seq for seq, _ in log_hits)
    erased.message_ids.update(message_id for _, message_id in log_hits)


def compact_sqlite(path: Path, attempts: int = 50) -> None:
    """Make deleted rows unrecoverable: VACUUM, then checkpoint and truncate the WAL.

    Args:
        path: The SQLite database file.
        attempts: How often to retry the checkpoint while readers hold the WAL (20 ms apart).
    """
    if not path.is_file():
        return
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("VACUUM")
        for _ in range(attempts):
            busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                break
            time.sleep(0.02)
    finally:
        conn.close()


def erase_from_lake(log: EventLog, person: Person) -> LakeErasure:
    """Delete the person's events and failed events from the lake, files included.

    Returns:
        Counts, and the ``seq`` of every event removed.
    """
    erased = LakeErasure()
    with _hold(log.root / "compact.lock"), _hold(log.root / "warehouse-sync.lock"):
        _recover(log)
        _remove_orphans(log)
        _erase_rows(log, person, erased)
        for compaction_id, rel in _manifest(log):
            if _rewrite_file(log, compaction_id, rel, person, erased):
                erased.files_rewritten += 1
        with log.transaction() as tx:
            tx.executemany(
                "DELETE FROM message_ids WHERE message_id = ?",
                [(m,) for m in sorted(erased.message_ids)],
            )
    erased.seqs = sorted(set(erased.seqs))
    erased.events = len(erased.seqs)
    compact_sqlite(log.path)
    return erased
