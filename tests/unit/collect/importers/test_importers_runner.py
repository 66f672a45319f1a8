from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vantage.collect.importers import (
    ImportMapping,
    ImportSourceError,
    MappingError,
    default_rejected_path,
    load_mapping,
    run_import,
)
from vantage.collect.ingest import Ingestor, PlanVerdict
from vantage.core.events import Event
from vantage.store.lake import EventLog

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
CRM_MAPPING = {
    "type": "identify",
    "timestamp": "created_at",
    "user_id": "customer_no",
    "identifiers": {"email": "email_address", "loyalty_card": "card_no"},
    "traits": {"first_name": "fname", "spend": "spend"},
}


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def payloads(log: EventLog, limit: int = 1000) -> list[dict[str, Any]]:
    return [orjson.loads(row["payload"]) for row in reversed(log.tail(limit))]


@pytest.fixture
def log(home: Path) -> EventLog:
    return EventLog(home)


@pytest.fixture
def ingestor() -> Ingestor:
    return Ingestor(clock=lambda: NOW)


@pytest.fixture
def crm_csv(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "crm.csv",
        ["customer_no", "email_address", "card_no", "fname", "spend", "created_at"],
        [
            ["C1", "Ann@Example.com", "L-1", "Ann", "12.50", "2024-05-01T12:30:00Z"],
            ["C2", "bob@example.com", "", "Bob", "3", "last tuesday"],
            ["", "carol@example.com", "", "Carol", "7", "1714566600"],
            ["", "", "", "Nobody", "1", ""],
            ["C5", "eve@example.com", "", "Eve", "0", "2024-05-03"],
        ],
    )


def test_csv_import_stores_good_rows_and_reports_bad_ones(
    tmp_path: Path, crm_csv: Path, log: EventLog, ingestor: Ingestor
) -> None:
    rejected_path = default_rejected_path(crm_csv)
    assert rejected_path == tmp_path / "crm.rejected.csv"
    report = run_import(
        crm_csv,
        source="crm",
        mapping=ImportMapping.model_validate(CRM_MAPPING),
        log=log,
        ingestor=ingestor,
        rejected_csv=rejected_path,
    )
    assert (report.rows, report.stored, report.duplicates, report.rejected) == (5, 3, 0, 2)
    assert report.seconds > 0
    assert report.rows_per_s > 0
    assert [(r.row, r.field) for r in report.rejected_examples] == [
        (3, "timestamp"),
        (5, "userId"),
    ]
    assert "'last tuesday' is not an ISO-8601 time" in report.rejected_examples[0].reason
    assert "userId or anonymousId is required" in report.rejected_examples[1].reason

    stored = payloads(log)
    assert [p.get("userId") for p in stored] == ["C1", None, "C5"]
    ann, carol, eve = stored
    assert ann["traits"] == {"first_name": "Ann", "spend": 12.5, "email": "ann@example.com"}
    assert ann["context"]["externalIds"][1] == {
        "id": "L-1",
        "type": "loyalty_card",
        "collection": "users",
        "encoding": "none",
    }
    assert ann["timestamp"] == "2024-05-01T12:30:00Z"
    assert ann["receivedAt"] == "2025-01-02T03:04:05Z"
    assert carol["anonymousId"].startswith("idh:")
    assert carol["timestamp"] == "2024-05-01T12:30:00Z"
    assert eve["timestamp"] == "2024-05-03T00:00:00Z"

    failed = sorted(log.failed(source="crm"), key=lambda f: f["id"])
    assert [f["field"] for f in failed] == ["timestamp", "userId"]
    assert failed[0]["reason"].startswith("crm.csv row 3: timestamp: column 'created_at'")
    assert orjson.loads(failed[0]["payload"])["fname"] == "Bob"

    with rejected_path.open(encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert [(r["row"], r["field"]) for r in lines] == [("3", "timestamp"), ("5", "userId")]
    assert orjson.loads(lines[0]["data"])["customer_no"] == "C2"
    assert report.to_dict()["rejected_csv"] == str(rejected_path)


def test_reimport_stores_nothing_twice(crm_csv: Path, log: EventLog) -> None:
    mapping = ImportMapping.model_validate(CRM_MAPPING)
    first = run_import(crm_csv, source="crm", mapping=mapping, log=log)
    second = run_import(crm_csv, source="crm", mapping=mapping, log=log)
    assert first.stored == 3
    assert (second.stored, second.duplicates, second.rejected) == (0, 3, 2)
    assert log.count() == 3
    other_source = run_import(crm_csv, source="crm-copy", mapping=mapping, log=log)
    assert other_source.stored == 3


def test_import_time_rows_are_idempotent_too(tmp_path: Path, log: EventLog) -> None:
    path = write_csv(tmp_path / "people.csv", ["email"], [["a@b.co"], ["c@d.co"]])
    mapping = ImportMapping.model_validate({"identifiers": {"email": "email"}})
    clocks = iter([datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)])
    for _ in range(2):
        when = next(clocks)
        ingestor = Ingestor(clock=lambda w=when: w)
        run_import(path, source="crm", mapping=mapping, log=log, ingestor=ingestor)
    assert log.count() == 2
    assert {p["timestamp"] for p in payloads(log)} == {"2025-01-01T00:00:00Z"}


def test_mapping_source_and_missing_source(crm_csv: Path, log: EventLog) -> None:
    mapping = ImportMapping.model_validate({**CRM_MAPPING, "source": "crm-from-yaml"})
    report = run_import(crm_csv, mapping=mapping, log=log)
    assert report.source == "crm-from-yaml"
    assert {row["source"] for row in log.tail(10)} == {"crm-from-yaml"}
    with pytest.raises(MappingError, match=r"no source name.*pass --source NAME"):
        run_import(crm_csv, mapping=ImportMapping.model_validate(CRM_MAPPING), log=log)


def test_mapped_column_missing_from_file(crm_csv: Path, log: EventLog) -> None:
    mapping = ImportMapping.model_validate({**CRM_MAPPING, "traits": {"first_name": "first"}})
    with pytest.raises(MappingError, match=r"traits.first_name: column 'first' is not in crm.csv"):
        run_import(crm_csv, source="crm", mapping=mapping, log=log)
    assert log.count() == 0


def test_csv_without_mapping_needs_type_column(
    tmp_path: Path, crm_csv: Path, log: EventLog
) -> None:
    with pytest.raises(MappingError, match=r"crm.csv has no 'type' column.*pass --mapping"):
        run_import(crm_csv, source="crm", log=log)
    flat = write_csv(
        tmp_path / "segment.csv",
        ["type", "event", "userId", "timestamp"],
        [["track", "Signed Up", "u1", "2024-05-01T00:00:00Z"], ["track", "", "u2", ""]],
    )
    report = run_import(flat, source="web", log=log)
    assert (report.stored, report.rejected) == (1, 1)
    assert report.rejected_examples[0].row == 3
    assert "event is required for a track call" in report.rejected_examples[0].reason


def test_parquet_import_with_typed_columns(tmp_path: Path, log: EventLog) -> None:
    path = tmp_path / "orders.parquet"
    table = pa.table(
        {
            "order_id": pa.array([1, 2, 3], pa.int64()),
            "customer": pa.array([10.0, 11.0, None], pa.float64()),
            "amount": pa.array([Decimal("9.99"), Decimal("5.00"), None], pa.decimal128(10, 2)),
            "at": pa.array(
                [datetime(2024, 5, 1, 12, 30), datetime(2024, 5, 2), None], pa.timestamp("us")
            ),
            "day": pa.array([None, None, datetime(2024, 5, 3).date()], pa.date32()),
        }
    )
    pq.write_table(table, path)
    mapping = ImportMapping.model_validate(
        {
            "event": "Order Completed",
            "user_id": "customer",
            "anonymous_id": "order_id",
            "timestamp": "at",
            "message_id": "order_id",
            "properties": {"revenue": "amount", "day": "day"},
        }
    )
    report = run_import(path, source="pos", mapping=mapping, log=log)
    assert (report.stored, report.rejected) == (3, 0)
    first, second, third = payloads(log)
    assert first["userId"] == "10"
    assert first["messageId"] == "pos:1"
    assert first["properties"] == {"revenue": 9.99}
    assert first["timestamp"] == "2024-05-01T12:30:00Z"
    assert second["properties"] == {"revenue": 5}
    assert "userId" not in third
    assert third["anonymousId"] == "3"
    assert third["properties"] == {"day": "2024-05-03"}


def test_jsonl_segment_messages_import_as_is(tmp_path: Path, log: EventLog) -> None:
    lines = [
        {"type": "track", "event": "A", "userId": "u1", "messageId": "m-1"},
        {"type": "identify", "anonymousId": "d1", "traits": {"plan": "pro"}},
        {"event": "no type", "userId": "u2"},
        {
            "type": "page",
            "userId": "u3",
            "name": "Home",
            "timestamp": "2024-05-01T12:00:00Z",
            "sentAt": "2030-01-01T00:00:00Z",
        },
    ]
    path = tmp_path / "events.ndjson"
    text = "\n".join(orjson.dumps(line).decode() for line in lines)
    path.write_text(text + "\n{broken\n", encoding="utf-8")
    report = run_import(path, source="web", log=log)
    assert (report.rows, report.stored, report.rejected) == (5, 3, 2)
    assert [(r.row, r.field) for r in report.rejected_examples] == [(3, "type"), (5, "(line)")]
    stored = payloads(log)
    assert stored[0]["messageId"] == "m-1"
    assert stored[1]["messageId"].startswith("import-")
    assert stored[2]["timestamp"] == "2024-05-01T12:00:00Z"
    again = run_import(path, source="web", log=log)
    assert (again.stored, again.duplicates) == (0, 3)


def test_jsonl_with_mapping_checks_keys_and_reads_nested(tmp_path: Path, log: EventLog) -> None:
    path = tmp_path / "orders.jsonl"
    rows = [{"user": {"id": 1}, "total": 5}, {"user": {"id": 2}, "total": 7}]
    path.write_text("\n".join(orjson.dumps(r).decode() for r in rows), encoding="utf-8")
    mapping = ImportMapping.model_validate(
        {"event": "Order", "user_id": "user.id", "properties": {"total": "total"}}
    )
    report = run_import(path, source="shop", mapping=mapping, log=log)
    assert report.stored == 2
    assert [p["userId"] for p in payloads(log)] == ["1", "2"]
    bad = ImportMapping.model_validate({"event": "Order", "user_id": "customer"})
    with pytest.raises(MappingError, match=r"user_id: column 'customer' is not in orders.jsonl"):
        run_import(path, source="shop", mapping=bad, log=log)


def make_shop(tmp_path: Path, n: int = 40) -> str:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, joined TEXT, vip INTEGER)"
        )
        conn.executemany(
            "INSERT INTO customers VALUES (?, ?, ?, ?)",
            [(i, f"user{i}@shop.io", f"2024-01-{1 + i % 28:02d}", i % 2) for i in range(n)],
        )
    return f"sqlite:///{path}"


def test_sqlite_table_import(tmp_path: Path, log: EventLog) -> None:
    url = make_shop(tmp_path)
    mapping = ImportMapping.model_validate(
        {
            "user_id": "id",
            "timestamp": "joined",
            "identifiers": {"email": "email"},
            "traits": {"vip": "vip"},
        }
    )
    progress: list[tuple[int, int | None]] = []
    report = run_import(
        url,
        table="customers",
        source="shopdb",
        mapping=mapping,
        log=log,
        chunk_size=15,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert report.stored == 40
    assert progress == [(0, 40), (15, 40), (30, 40), (40, 40)]
    assert report.uri == url
    first = payloads(log)[0]
    assert first["userId"] == "0"
    assert first["traits"] == {"vip": 0, "email": "user0@shop.io"}
    assert run_import(url, table="customers", source="shopdb", mapping=mapping, log=log).stored == 0


def test_sql_query_import(tmp_path: Path, log: EventLog) -> None:
    url = make_shop(tmp_path)
    mapping = ImportMapping.model_validate(
        {"event": "VIP Joined", "user_id": "id", "properties": {"mail": "email"}}
    )
    report = run_import(
        url,
        query="SELECT id, email FROM customers WHERE vip = 1",
        source="shopdb",
        mapping=mapping,
        log=log,
    )
    assert report.stored == 20
    assert all(p["event"] == "VIP Joined" for p in payloads(log))
    bad = ImportMapping.model_validate({"event": "VIP", "user_id": "customer_id"})
    with pytest.raises(MappingError, match=r"column 'customer_id' is not in query.*id, email"):
        run_import(url, query="SELECT id, email FROM customers", source="s", mapping=bad, log=log)
    with pytest.raises(ImportSourceError, match=r"table 'people' does not exist"):
        run_import(url, table="people", source="s", mapping=mapping, log=log)


class BlockLargeOrders:
    def check(self, event: Event) -> PlanVerdict:
        if float(event.properties.get("total", 0)) > 100:
            return PlanVerdict(None, ["total: over 100"])
        return PlanVerdict(event, [])


def test_tracking_plan_rejections_keep_their_row_numbers(tmp_path: Path, log: EventLog) -> None:
    path = write_csv(
        tmp_path / "orders.csv",
        ["user", "total", "at"],
        [
            ["u1", "5", ""],
            ["u2", "500", ""],
            ["u3", "6", "not a time"],
            ["u4", "700", ""],
            ["u5", "7", ""],
        ],
    )
    mapping = ImportMapping.model_validate(
        {"event": "Order", "user_id": "user", "timestamp": "at", "properties": {"total": "total"}}
    )
    plans = Ingestor(checker_for=lambda source: BlockLargeOrders() if source == "pos" else None)
    report = run_import(path, source="pos", mapping=mapping, log=log, ingestor=plans)
    assert (report.stored, report.rejected) == (2, 3)
    assert [(r.row, r.field) for r in report.rejected_examples] == [
        (3, "tracking_plan"),
        (4, "timestamp"),
        (5, "tracking_plan"),
    ]
    assert [p["userId"] for p in payloads(log)] == ["u1", "u5"]
    reasons = sorted(f["reason"] for f in log.failed(source="pos"))
    assert reasons[0] == "orders.csv row 3: tracking_plan: blocked: total: over 100"


def test_large_file_streams_in_chunks_with_progress(tmp_path: Path, log: EventLog) -> None:
    n = 12_000
    path = write_csv(
        tmp_path / "big.csv",
        ["order_id", "customer", "amount"],
        [[f"O{i}", f"C{i % 997}", f"{i % 300}.5"] for i in range(n)],
    )
    mapping = ImportMapping.model_validate(
        {"event": "Order", "user_id": "customer", "properties": {"amount": "amount"}}
    )
    calls: list[tuple[int, int | None]] = []
    report = run_import(
        path,
        source="pos",
        mapping=mapping,
        log=log,
        chunk_size=1000,
        on_progress=lambda done, total: calls.append((done, total)),
    )
    assert report.stored == n
    assert calls == [(i * 1000, None) for i in range(13)]
    assert log.count() == n


WORKER = textwrap.dedent(
    """
    import sys
    import time
    from pathlib import Path
    from vantage.collect.importers import load_mapping, run_import
    from vantage.store.lake import EventLog

    home, mapping, go, *files = sys.argv[1:]
    log = EventLog(Path(home))
    while not Path(go).exists():
        time.sleep(0.01)
    for name in files:
        run_import(name, source="pos", mapping=load_mapping(mapping), log=log, chunk_size=100)
    """
)


def test_two_processes_importing_into_one_home_lose_nothing(home: Path, tmp_path: Path) -> None:
    n = 3000
    files = []
    for name in ("a", "b", "shared"):
        files.append(
            write_csv(
                tmp_path / f"{name}.csv",
                ["order_id", "customer"],
                [[f"{name}-{i}", f"C{i}"] for i in range(n)],
            )
        )
    mapping = tmp_path / "orders.yml"
    mapping.write_text("event: Order\nuser_id: customer\nmessage_id: order_id\n", encoding="utf-8")
    EventLog(home)
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    go = tmp_path / "go"
    a, b, shared = (str(f) for f in files)
    args = [sys.executable, str(script), str(home), str(mapping), str(go)]
    procs = [subprocess.Popen([*args, a, shared]), subprocess.Popen([*args, shared, b])]
    go.touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    log = EventLog(home)
    assert log.count() == 3 * n
    assert log.count_failed() == 0
    assert load_mapping(mapping).message_id == "order_id"
