import fcntl
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from store_helpers import BASE_US, submission

from vantage.store.compaction import EVENT_SCHEMA, compact, rows_to_table, snapshot
from vantage.store.lake import EventLog

# Runs compact() in a child process that dies (os._exit, no cleanup) right after the Parquet
# files are written and fsync'd, before the transaction that marks the compaction done.
CRASHING_COMPACTION = """
import os, sys
from pathlib import Path
from vantage.store import compaction
from vantage.store.lake import EventLog

written = []
real_write, real_transaction = compaction._write_durably, EventLog.transaction

def write(table, target):
    real_write(table, target)
    written.append(target)

def transaction(self, conn=None):
    if written:
        os._exit(137)
    return real_transaction(self, conn)

compaction._write_durably = write
EventLog.transaction = transaction
compaction.compact(EventLog(Path(sys.argv[1])))
"""


def _states(log: EventLog) -> list[tuple[int, str]]:
    with sqlite3.connect(log.path) as conn:
        return conn.execute("SELECT id, state FROM compactions ORDER BY id").fetchall()


def _ids(log: EventLog) -> list[str]:
    return snapshot(log).read()["message_id"].to_pylist()


def test_compaction_writes_one_file_per_event_day(home: Path) -> None:
    log = EventLog(home)
    log.append([submission("a", "b", day=0), submission("c", day=1), submission("d", day=3)])
    result = compact(log)
    assert (result.rows, result.files, result.skipped_reason) == (4, 3, None)
    days = sorted(p.parent.name for p in (log.root / "events").glob("day=*/*.parquet"))
    assert days == ["day=2024-05-01", "day=2024-05-02", "day=2024-05-04"]
    first_day = pq.read_table(next((log.root / "events" / "day=2024-05-01").glob("*.parquet")))
    assert first_day.schema.equals(EVENT_SCHEMA)
    assert sorted(first_day["message_id"].to_pylist()) == ["a", "b"]
    assert first_day["timestamp"][0].value == BASE_US
    assert log.count() == 4
    assert sorted(_ids(log)) == ["a", "b", "c", "d"]


def test_compaction_moves_the_oldest_rows_first(home: Path) -> None:
    log = EventLog(home)
    log.append([submission(*[f"m{i}" for i in range(5)])])
    assert compact(log, max_rows=2).rows == 2
    snap = snapshot(log)
    assert snap.log_rows["message_id"].to_pylist() == ["m2", "m3", "m4"]
    assert pq.read_table(snap.files[0])["message_id"].to_pylist() == ["m0", "m1"]
    assert compact(log, max_rows=2).rows == 2
    assert compact(log, max_rows=2).rows == 1
    assert compact(log).skipped_reason == "the log is empty"
    assert log.count() == 5
    assert snapshot(log).compaction_ids == [1, 2, 3]


def test_a_running_compaction_makes_another_one_skip(home: Path) -> None:
    log = EventLog(home)
    log.append([submission("a")])
    with (log.root / "compact.lock").open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = compact(log)
        fcntl.flock(handle, fcntl.LOCK_UN)
    assert result.skipped_reason == "another compaction is running"
    assert compact(log).rows == 1


def test_crash_after_files_written_loses_and_duplicates_nothing(home: Path) -> None:
    log = EventLog(home)
    log.append([submission("a", "b", day=0), submission("c", day=1)])
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_COMPACTION, str(home)], capture_output=True, check=False
    )
    assert crashed.returncode == 137, crashed.stderr.decode()
    strays = sorted((log.root / "events").glob("day=*/c0000000001.parquet"))
    assert len(strays) == 2
    assert _states(log) == [(1, "pending")]
    # Readers ignore the pending compaction's files: every event counted exactly once.
    assert log.count() == 3
    assert snapshot(log).files == []
    assert sorted(_ids(log)) == ["a", "b", "c"]

    result = compact(log)
    assert (result.compaction_id, result.rows) == (2, 3)
    assert _states(log) == [(1, "aborted"), (2, "done")]
    assert not any(path.exists() for path in strays)
    assert log.count() == 3
    assert sorted(_ids(log)) == ["a", "b", "c"]


def test_snapshot_taken_before_compaction_stays_complete(home: Path) -> None:
    log = EventLog(home)
    log.append([submission("a", "b")])
    before = snapshot(log)
    compact(log)
    log.append([submission("c")])
    after = snapshot(log)
    assert sorted(before.read()["message_id"].to_pylist()) == ["a", "b"]
    assert sorted(after.read()["message_id"].to_pylist()) == ["a", "b", "c"]
    assert pc.all(pc.is_valid(after.read()["seq"])).as_py()


def test_rows_to_table_of_nothing_is_an_empty_typed_table() -> None:
    table = rows_to_table([])
    assert table.num_rows == 0
    assert table.schema.equals(EVENT_SCHEMA)


def test_compacted_rows_awaiting_trim_are_never_counted_twice(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vantage.store import compaction as compaction_module
    from vantage.store.records import LogRecord, Submission

    log = EventLog(home)
    records = [
        LogRecord(f"m{i}", "web", "track", "X", "u", None, 1_700_000_000_000_000 + i, 1, b"{}")
        for i in range(30)
    ]
    log.append([Submission(records)])
    monkeypatch.setattr(compaction_module, "trim_log", lambda _log, batch_rows=5000: 0)
    compaction_module.compact(log)
    monkeypatch.undo()
    assert log.count() == 30
    assert compaction_module.snapshot(log).read().num_rows == 30
    assert log.tail(5) == []
    assert compaction_module.trim_log(log, batch_rows=7) == 30
    assert log.count() == 30


def test_compact_all_works_in_bounded_chunks(home: Path) -> None:
    from vantage.store.compaction import compact_all
    from vantage.store.records import LogRecord, Submission

    log = EventLog(home)
    log.append(
        [
            Submission(
                [LogRecord(f"m{i}", "web", "track", "X", "u", None, i, 1, b"{}") for i in range(25)]
            )
        ]
    )
    result = compact_all(log, max_rows=10)
    assert result.rows == 25
    assert log.count() == 25
    assert compact_all(log).skipped_reason == "the log is empty"
