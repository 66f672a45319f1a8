"""Compaction of the event log into Parquet files partitioned by event day, and lake reads.

Crash safety: a compaction is first recorded as ``pending``; its files are written to temporary
names, fsync'd and renamed; only then, in one transaction, the log rows are deleted and the
compaction marked ``done``. A crash in between leaves the rows in the log and the pending
compaction's files are removed on the next run. Readers list files from the manifest (``done``
only) in the same snapshot as the log rows, so no event is ever seen twice or missed.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vantage.store.lake import COMPACTED_UP_TO, LOG_COLUMNS, EventLog

EVENT_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("message_id", pa.string()),
        ("source", pa.string()),
        ("type", pa.string()),
        ("event", pa.string()),
        ("user_id", pa.string()),
        ("anonymous_id", pa.string()),
        ("timestamp", pa.timestamp("us", tz="UTC")),
        ("received_at", pa.timestamp("us", tz="UTC")),
        ("payload", pa.string()),
    ]
)


@dataclass(frozen=True)
class CompactionResult:
    """What one compaction did."""

    compaction_id: int | None
    rows: int
    files: int
    skipped_reason: str | None = None


def rows_to_table(rows: list[tuple[object, ...]]) -> pa.Table:
    """Turn log rows (in :data:`LOG_COLUMNS` order) into a table with :data:`EVENT_SCHEMA`."""
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in LOG_COLUMNS]
    ts_type = EVENT_SCHEMA.field("timestamp").type
    data = {
        "seq": pa.array(columns[0], pa.int64()),
        "message_id": pa.array(columns[1], pa.string()),
        "source": pa.array(columns[2], pa.string()),
        "type": pa.array(columns[3], pa.string()),
        "event": pa.array(columns[4], pa.string()),
        "user_id": pa.array(columns[5], pa.string()),
        "anonymous_id": pa.array(columns[6], pa.string()),
        "timestamp": pa.array(columns[7], pa.int64()).cast(ts_type),
        "received_at": pa.array(columns[8], pa.int64()).cast(ts_type),
        "payload": pa.array([bytes(p).decode() for p in columns[9]], pa.string()),
    }
    return pa.table(data, schema=EVENT_SCHEMA)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[bool]:
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_durably(table: pa.Table, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp, compression="zstd")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _recover(log: EventLog) -> None:
    """Remove files of compactions that crashed before they were marked done."""
    with log.transaction() as tx:
        pending = [row[0] for row in tx.execute("SELECT id FROM compactions WHERE state='pending'")]
        for compaction_id in pending:
            for stray in (log.root / "events").glob(f"day=*/c{compaction_id:010d}.parquet*"):
                stray.unlink()
            tx.execute("UPDATE compactions SET state='aborted' WHERE id=?", (compaction_id,))


def trim_log(log: EventLog, batch_rows: int = 5_000) -> int:
    """Delete log rows that compacted files already hold, a small batch per transaction.

    Returns:
        How many rows were deleted.
    """
    deleted = 0
    while True:
        with log.transaction() as tx:
            cur = tx.execute(
                "DELETE FROM log WHERE seq IN (SELECT seq FROM log "
                f"WHERE seq <= {COMPACTED_UP_TO} ORDER BY seq LIMIT ?)",
                (batch_rows,),
            )
            deleted += cur.rowcount
        if cur.rowcount < batch_rows:
            return deleted
        time.sleep(0.001)


def compact_all(log: EventLog, max_rows: int = 100_000) -> CompactionResult:
    """Compact the whole log, ``max_rows`` at a time (bounded memory, short lock holds)."""
    rows = files = 0
    last_id: int | None = None
    while True:
        result = compact(log, max_rows)
        if result.skipped_reason is not None:
            if last_id is None:
                return result
            return CompactionResult(last_id, rows, files)
        rows, files, last_id = rows + result.rows, files + result.files, result.compaction_id
        if result.rows < max_rows:
            return CompactionResult(last_id, rows, files)


def compact(log: EventLog, max_rows: int = 100_000) -> CompactionResult:
    """Move up to ``max_rows`` of the oldest log rows into Parquet, one file per event day.

    The rows are marked compacted in one short transaction, then deleted from the log in small
    batches (:func:`trim_log`); readers skip rows at or below the compacted watermark meanwhile.

    Args:
        log: The event log.
        max_rows: Most rows moved in one compaction.

    Returns:
        What was compacted; ``skipped_reason`` is set when another process is compacting.
    """
    with _exclusive(log.root / "compact.lock") as acquired:
        if not acquired:
            return CompactionResult(None, 0, 0, "another compaction is running")
        _recover(log)
        trim_log(log)
        with log.transaction() as tx:
            first, last = tx.execute(
                "SELECT MIN(seq), MAX(seq) FROM (SELECT seq FROM log "
                f"WHERE seq > {COMPACTED_UP_TO} ORDER BY seq LIMIT ?)",
                (max_rows,),
            ).fetchone()
            if first is None:
                return CompactionResult(None, 0, 0, "the log is empty")
            cur = tx.execute(
                "INSERT INTO compactions (first_seq, last_seq, state, created_at_us) "
                "VALUES (?, ?, 'pending', ?)",
                (first, last, int(time.time() * 1e6)),
            )
            compaction_id = int(cur.lastrowid or 0)
        conn = log.connect()
        try:
            rows = conn.execute(
                f"SELECT {', '.join(LOG_COLUMNS)} FROM log WHERE seq BETWEEN ? AND ? ORDER BY seq",
                (first, last),
            ).fetchall()
        finally:
            conn.close()
        table = rows_to_table(rows)
        days = pc.strftime(table["timestamp"], format="%Y-%m-%d")
        written: list[tuple[str, str, int]] = []
        for day in sorted(set(days.to_pylist())):
            part = table.filter(pc.equal(days, day))
            rel = f"events/day={day}/c{compaction_id:010d}.parquet"
            _write_durably(part, log.root / rel)
            written.append((rel, day, part.num_rows))
        with log.transaction() as tx:
            tx.executemany(
                "INSERT INTO lake_files (compaction_id, path, day, rows) VALUES (?, ?, ?, ?)",
                [(compaction_id, rel, day, n) for rel, day, n in written],
            )
            tx.execute("UPDATE compactions SET state='done' WHERE id=?", (compaction_id,))
        trim_log(log)
        return CompactionResult(compaction_id, table.num_rows, len(written))


@dataclass(frozen=True)
class LakeSnapshot:
    """A consistent view of the lake: compacted files plus the rows still in the log."""

    files: list[Path]
    compaction_ids: list[int]
    log_rows: pa.Table

    def read(self) -> pa.Table:
        """All events of the snapshot as one table (files first, then the log)."""
        parts = [pq.read_table(path, schema=EVENT_SCHEMA) for path in self.files]
        return pa.concat_tables([*parts, self.log_rows])


def snapshot(log: EventLog) -> LakeSnapshot:
    """Take a consistent snapshot of the lake (one SQLite read transaction)."""
    conn = log.connect()
    try:
        conn.execute("BEGIN")
        files = conn.execute(
            "SELECT f.compaction_id, f.path FROM lake_files f JOIN compactions c "
            "ON c.id = f.compaction_id WHERE c.state = 'done' ORDER BY f.compaction_id, f.path"
        ).fetchall()
        rows = conn.execute(
            f"SELECT {', '.join(LOG_COLUMNS)} FROM log WHERE seq > {COMPACTED_UP_TO} ORDER BY seq"
        ).fetchall()
        conn.execute("COMMIT")
    finally:
        conn.close()
    return LakeSnapshot(
        files=[log.root / path for _, path in files],
        compaction_ids=sorted({cid for cid, _ in files}),
        log_rows=rows_to_table(rows),
    )
