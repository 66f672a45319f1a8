"""Load the lake's events into the warehouse ``events`` table, exactly once.

``seq`` numbers events in commit order (SQLite serialises writers), so a consistent lake
snapshot holds every event up to its highest ``seq``. The warehouse keeps a watermark, the
highest ``seq`` it has loaded, in ``_vantage_lake_sync``; a run loads the snapshot's events above
it and records the new watermark last, all in one warehouse transaction. Rows above the recorded
watermark can only be left by an interrupted run on an engine without transactions; they are
deleted before loading, so a re-run never duplicates an event.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from vantage.store.compaction import EVENT_SCHEMA, LakeSnapshot, snapshot
from vantage.store.lake import EventLog
from vantage.store.migrations import EVENTS_TABLE, LAKE_SYNC_TABLE, migrate
from vantage.store.warehouse import Store

_LOCK = "vantage_lake_sync"


@dataclass(frozen=True)
class SyncResult:
    """What one :func:`sync_events` run did.

    Attributes:
        inserted: Events loaded into the warehouse by this run.
        watermark: Highest ``seq`` in the warehouse after the run (0 when empty).
        previous_watermark: Highest ``seq`` loaded before the run.
        removed: Rows above the previous watermark left by an interrupted run, deleted first.
        files_read: Parquet files of the lake that were read (files entirely below the
            watermark are skipped).
    """

    inserted: int
    watermark: int
    previous_watermark: int
    removed: int
    files_read: int


def synced_watermark(store: Store) -> int:
    """Highest lake ``seq`` loaded into the warehouse (0 when nothing was loaded)."""
    return _watermark(store) if store.has_table(LAKE_SYNC_TABLE) else 0


def _watermark(store: Store) -> int:
    value = store.scalar(store.table(LAKE_SYNC_TABLE).watermark.max())
    return int(value) if value is not None else 0


@contextmanager
def _lake_lock(root: Path) -> Iterator[None]:
    with (root / "warehouse-sync.lock").open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _last_seq_by_file(log: EventLog, snap: LakeSnapshot) -> dict[Path, int]:
    """The last ``seq`` of the compaction that wrote each file of the snapshot."""
    conn = log.connect()
    try:
        rows = conn.execute(
            "SELECT f.path, c.last_seq FROM lake_files f JOIN compactions c "
            "ON c.id = f.compaction_id WHERE c.state = 'done'"
        ).fetchall()
    finally:
        conn.close()
    last = {log.root / path: int(seq) for path, seq in rows}
    return {path: last[path] for path in snap.files if path in last}


def _above(table: pa.Table, watermark: int) -> pa.Table:
    return table.filter(pc.greater(table["seq"], watermark))


def sync_events(log: EventLog, store: Store) -> SyncResult:
    """Load every lake event above the warehouse's watermark into ``events``.

    Idempotent and crash-safe: running it again loads nothing twice, whether or not the lake was
    compacted in between or the previous run was killed half-way. Applies pending warehouse
    migrations first.

    Args:
        log: The lake's event log (its compacted files are read too).
        store: The warehouse.

    Returns:
        What was loaded.
    """
    migrate(store)
    with _lake_lock(log.root), store.transaction(exclusive=_LOCK):
        previous = _watermark(store)
        removed = store.delete_where(EVENTS_TABLE, lambda t: t.seq > previous)
        snap = snapshot(log)
        last_seq = _last_seq_by_file(log, snap)
        wanted = [p for p in snap.files if last_seq.get(p, previous + 1) > previous]
        inserted, watermark = 0, previous
        for part in _file_chunks(wanted, previous):
            inserted += store.append(EVENTS_TABLE, part)
            watermark = max(watermark, _max_seq(part))
        files_read = len(wanted)
        pending = _above(snap.log_rows, previous)
        inserted += store.append(EVENTS_TABLE, pending)
        watermark = max(watermark, _max_seq(pending))
        if inserted:
            store.append(
                LAKE_SYNC_TABLE,
                pa.table(
                    {
                        "watermark": [watermark],
                        "rows": [inserted],
                        "synced_at": pa.array([datetime.now(UTC)], pa.timestamp("us", tz="UTC")),
                    }
                ),
            )
    return SyncResult(inserted, watermark, previous, removed, files_read)


def _file_chunks(paths: list[Path], above: int, chunk_rows: int = 250_000) -> Iterator[pa.Table]:
    """Scan many small day files as one data set and yield large tables to append.

    One multi-threaded scan and a few big appends are far faster than a read and an append per
    file: a two-year lake has one file per day and compaction.
    """
    if not paths:
        return
    dataset = ds.dataset([str(p) for p in paths], schema=EVENT_SCHEMA, format="parquet")
    buffer: list[pa.RecordBatch] = []
    rows = 0
    for batch in dataset.to_batches(filter=pc.field("seq") > above):
        if batch.num_rows:
            buffer.append(batch)
            rows += batch.num_rows
        if rows >= chunk_rows:
            yield pa.Table.from_batches(buffer, schema=EVENT_SCHEMA)
            buffer, rows = [], 0
    if buffer:
        yield pa.Table.from_batches(buffer, schema=EVENT_SCHEMA)


def _max_seq(table: pa.Table) -> int:
    value = pc.max(table["seq"]).as_py() if table.num_rows else None
    return int(value) if value is not None else 0
