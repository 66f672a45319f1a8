import sqlite3
from pathlib import Path

import orjson
import pytest
from store_helpers import record, rejected, submission

from vantage.store.compaction import compact
from vantage.store.lake import EventLog
from vantage.store.records import AppendResult, Submission


def test_append_stores_events_durably_in_wal_mode(home: Path) -> None:
    log = EventLog(home)
    [result] = log.append([submission("a", "b", "c")])
    assert result == AppendResult(stored=3, duplicates=0, rejected=0)
    assert log.count() == 3
    with sqlite3.connect(log.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert EventLog(home).count() == 3


def test_duplicates_inside_one_submission_are_stored_once(home: Path) -> None:
    log = EventLog(home)
    [result] = log.append([submission("a", "b", "a", "a")])
    assert result == AppendResult(stored=2, duplicates=2, rejected=0)
    assert log.count() == 2


def test_duplicates_across_submissions_and_calls_are_skipped(home: Path) -> None:
    log = EventLog(home)
    first, second = log.append([submission("a", "b"), submission("b", "c")])
    assert first == AppendResult(2, 0, 0)
    assert second == AppendResult(1, 1, 0)
    [retry] = log.append([submission("a", "b", "c")])
    assert retry == AppendResult(0, 3, 0)
    assert log.count() == 3
    assert log.known_message_ids(["a", "c", "zz"]) == {"a", "c"}


def test_message_ids_stay_known_after_compaction(home: Path) -> None:
    log = EventLog(home)
    log.append([submission("a", "b")])
    compact(log)
    [retry] = log.append([submission("a", "b", "c")])
    assert retry == AppendResult(1, 2, 0)
    assert log.count() == 3


def test_failed_events_are_kept_with_reason_and_field(home: Path) -> None:
    log = EventLog(home)
    mixed = Submission(records=[record("ok")], rejected=[rejected(), rejected(source="app")])
    [result] = log.append([mixed])
    assert result == AppendResult(stored=1, duplicates=0, rejected=2)
    assert log.count() == 1
    assert log.count_failed() == 2
    newest = log.failed()
    assert [row["source"] for row in newest] == ["app", "web"]
    assert newest[0]["field"] == "userId"
    assert "userId or anonymousId is required" in newest[0]["reason"]
    assert [row["source"] for row in log.failed(source="web")] == ["web"]


def test_count_is_log_rows_plus_compacted_rows(home: Path) -> None:
    log = EventLog(home)
    log.append([submission(*[f"m{i}" for i in range(10)])])
    compact(log, max_rows=4)
    log.append([submission("late")])
    with sqlite3.connect(log.path) as conn:
        (in_log,) = conn.execute("SELECT COUNT(*) FROM log").fetchone()
    assert in_log == 7
    assert log.count() == 11


def test_tail_returns_newest_first_and_filters_by_source(home: Path) -> None:
    log = EventLog(home)
    log.append([submission("a", "b", "c")])
    log.append([Submission(records=[record("d", source="app")])])
    tail = log.tail(limit=2)
    assert [row["message_id"] for row in tail] == ["d", "c"]
    assert orjson.loads(tail[1]["payload"])["messageId"] == "c"
    assert [row["message_id"] for row in log.tail(source="app")] == ["d"]


def test_a_failing_transaction_stores_nothing(home: Path) -> None:
    log = EventLog(home)
    bad = Submission(records=[record("a"), record("b")._replace(payload=None)])
    with pytest.raises(sqlite3.IntegrityError, match="payload"):
        log.append([bad])
    assert log.count() == 0
    assert log.known_message_ids(["a"]) == set()


def test_the_same_rejection_is_recorded_once(home: Path) -> None:
    from vantage.store.records import RejectedRecord

    log = EventLog(home)
    rejected = RejectedRecord("crm", "crm.csv row 3: timestamp: bad", "timestamp", 1, b'{"a": 1}')
    other = RejectedRecord("crm", "crm.csv row 4: userId: missing", "userId", 1, b'{"a": 1}')
    for _ in range(2):
        [result] = log.append([Submission(rejected=[rejected, other])])
        assert result.rejected == 2
    assert log.count_failed() == 2
