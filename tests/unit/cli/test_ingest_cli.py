"""The real ``vantage`` script, with no server running: init, sources, ingest, events, datasets."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from vantage.core.settings import Settings
from vantage.services.warehouse import open_warehouse

from .cli_process import ok_json, vantage

CRM_CSV = (
    "customer_no,email_address,fname,created_at\n"
    "C1,ann@example.com,Ann,2024-05-01T12:30:00Z\n"
    "C2,bob@example.com,Bob,last tuesday\n"
    ",,Nobody,\n"
    "C4,dan@example.com,Dan,2024-05-03\n"
)
CRM_MAPPING = (
    "type: identify\n"
    "timestamp: created_at\n"
    "user_id: customer_no\n"
    "identifiers: {email: email_address}\n"
    "traits: {first_name: fname}\n"
)


@pytest.fixture
def crm_files(home: Path) -> tuple[Path, Path]:
    csv_path = home.parent / "crm.csv"
    csv_path.write_text(CRM_CSV)
    mapping = home.parent / "crm.yml"
    mapping.write_text(CRM_MAPPING)
    return csv_path, mapping


def ingest_crm(
    home: Path, files: tuple[Path, Path], *extra: str
) -> subprocess.CompletedProcess[str]:
    csv_path, mapping = files
    return vantage(
        home, "ingest", csv_path.name, "--source", "crm", "--mapping", str(mapping), *extra
    )


def test_init_and_sources_add(home: Path) -> None:
    done = vantage(home, "init")
    assert done.returncode == 0, done.stderr
    assert f"Initialised {home.resolve()}" in done.stdout
    assert ok_json(home, "init") == {"home": str(home.resolve()), "created": False}
    added = ok_json(home, "sources", "add", "web")
    assert added["name"] == "web" and added["enabled"] is True
    assert len(added["write_key"]) >= 24
    listed = vantage(home, "sources", "list", "--json")
    assert [s["name"] for s in json.loads(listed.stdout)] == ["web"]
    assert added["write_key"] not in listed.stdout


def test_ingest_reports_rejected_rows_and_a_rerun_stores_nothing(
    home: Path, crm_files: tuple[Path, Path]
) -> None:
    first = ingest_crm(home, crm_files, "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["source"], report["rows"]) == ("crm", 4)
    assert (report["stored"], report["duplicates"], report["rejected"]) == (2, 0, 2)
    rejected = {r["row"]: r for r in report["rejected_examples"]}
    assert set(rejected) == {3, 4}
    assert rejected[3]["field"] == "timestamp" and "last tuesday" in rejected[3]["reason"]
    assert rejected[4]["field"] == "userId"

    again = ingest_crm(home, crm_files)
    assert again.returncode == 0, again.stderr
    assert "4 rows: 0 stored, 2 duplicates, 2 rejected" in again.stdout
    assert "rejected row 3: timestamp" in again.stdout
    assert "rejected row 4: userId" in again.stdout
    assert "vantage events failed" in again.stdout
    count = vantage(home, "events", "count")
    assert (count.returncode, count.stdout.strip()) == (0, "2")


def test_ingest_of_a_missing_file_says_so(home: Path, crm_files: tuple[Path, Path]) -> None:
    done = vantage(home, "ingest", "nope.csv", "--source", "crm", "--mapping", str(crm_files[1]))
    assert done.returncode == 1
    assert "nope.csv does not exist" in done.stderr and "Fix:" in done.stderr


@pytest.mark.slow
def test_events_tail_failed_and_compact_into_the_warehouse(
    home: Path, crm_files: tuple[Path, Path]
) -> None:
    assert ingest_crm(home, crm_files, "--json").returncode == 0
    assert ok_json(home, "events", "count") == {"stored": 2, "failed": 2}
    tail = ok_json(home, "events", "tail")
    assert [row["message"]["userId"] for row in tail] == ["C4", "C1"]
    assert {row["source"] for row in tail} == {"crm"}
    assert tail[0]["message"]["traits"]["email"] == "dan@example.com"
    failed = ok_json(home, "events", "failed")
    assert [f["field"] for f in failed] == ["userId", "timestamp"]
    assert failed[1]["reason"].startswith("crm.csv row 3: ")

    compacted = ok_json(home, "events", "compact")
    assert compacted["compaction"]["rows"] == 2
    assert compacted["sync"]["inserted"] == 2
    with open_warehouse(Settings(home=home)) as store:
        events = store.table("events")
        assert store.scalar(events.count()) == 2
        assert sorted(store.execute(events.select("user_id"))["user_id"]) == ["C1", "C4"]

    again = vantage(home, "events", "compact")
    assert "Compacted 0 events into 0 Parquet files; loaded 0 events" in again.stdout
    assert ok_json(home, "events", "count") == {"stored": 2, "failed": 2}
    assert ok_json(home, "events", "tail") == []


def test_datasets_list_works_without_a_mirror(home: Path) -> None:
    datasets = ok_json(home, "datasets", "list")
    assert datasets
    for entry in datasets:
        assert entry["name"] and entry["title"]
        assert entry["available"] in {"cache", "missing"}
