"""Reading the events stored after a given ``seq``, in ``seq`` order (the real-time tail).

Every writer (the API's group commit, ``vantage ingest``, identity matching) appends to the same
SQLite log, which hands out ``seq`` in commit order, so a reader that remembers the last ``seq``
it saw never misses an event. Rows may already have been compacted into Parquet and trimmed from
the log when a reader falls behind; :func:`events_after` then reads the lake snapshot instead.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from vantage.store.compaction import rows_to_table, snapshot
from vantage.store.lake import COMPACTED_UP_TO, LOG_COLUMNS, EventLog


def events_after(log: EventLog, seq: int, limit: int = 5_000) -> pa.Table:
    """Up to ``limit`` events with a ``seq`` above ``seq``, oldest first (lake columns).

    Args:
        log: The event log.
        seq: The last ``seq`` already seen (0 or less for everything).
        limit: Most rows to return; call again with the last ``seq`` for more.
    """
    conn = log.connect()
    try:
        conn.execute("BEGIN")
        compacted = int(conn.execute(f"SELECT {COMPACTED_UP_TO}").fetchone()[0])
        rows = conn.execute(
            f"SELECT {', '.join(LOG_COLUMNS)} FROM log WHERE seq > ? ORDER BY seq LIMIT ?",
            (max(seq, compacted), limit),
        ).fetchall()
        conn.execute("COMMIT")
    finally:
        conn.close()
    if compacted <= seq:
        return rows_to_table(rows)
    # Behind the compaction watermark: the rows between are only in Parquet files now.
    table = snapshot(log).read()
    table = table.filter(pc.greater(table.column("seq"), seq)).sort_by("seq")
    return table.slice(0, limit)


def last_seq(log: EventLog) -> int:
    """The highest ``seq`` ever stored (0 for an empty lake)."""
    conn = log.connect()
    try:
        row = conn.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(seq) FROM log), 0), {COMPACTED_UP_TO})"
        ).fetchone()
    finally:
        conn.close()
    return int(row[0] or 0)
