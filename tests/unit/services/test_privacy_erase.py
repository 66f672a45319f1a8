"""GDPR erase: nothing of the person is left in any file, others are kept, no re-ingestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.collect.suppression import SUPPRESSED_REASON
from vantage.services.privacy import PrivacyError, audit_entries, erase_person, export_person
from vantage.services.warehouse import open_warehouse
from vantage.store.compaction import snapshot
from vantage.store.lake_sync import sync_events

from .test_privacy_helpers import (
    ANN_EMAIL,
    ANN_NEEDLES,
    ANN_USER,
    BOB_EMAIL,
    BOB_USER,
    build_world,
    files_with,
)


@pytest.mark.slow
def test_erase_leaves_no_byte_of_the_person_under_home(home: Path) -> None:
    world = build_world(home)
    assert files_with(home, ANN_NEEDLES), "the world must hold Ann before the erase"

    result = erase_person(world.settings, f"email:{ANN_EMAIL}", actor="test")

    assert files_with(home, ANN_NEEDLES) == {}
    assert result.leftover_files == []
    assert result.counts["events"] == 6
    assert result.counts["failed_events"] == 1
    assert result.counts["lake_files_rewritten"] >= 1
    assert result.counts["warehouse_rows"]["events"] == 6
    assert result.counts["warehouse_rows"]["crm_notes"] == 1
    assert result.counts["identity_state"] == "rebuilt"
    kept = files_with(home, (BOB_USER, BOB_EMAIL))
    assert any(p.endswith(".parquet") for p in kept)
    assert "warehouse.duckdb" in kept
    assert world.log.count() == 5
    users = set(snapshot(world.log).read().column("user_id").to_pylist())
    assert users == {BOB_USER, None}


def test_reingesting_an_erased_identifier_is_suppressed(home: Path) -> None:
    world = build_world(home)
    erase_person(world.settings, ANN_USER.join(("user_id:", "")), actor="test")
    message = {
        "type": "identify",
        "messageId": "late-1",
        "userId": "someone-new",
        "traits": {"email": "  ANN.SMITH@example.com "},
    }
    submission = world.ingestor.prepare(
        "web", [message, {**message, "messageId": "late-2", "userId": BOB_USER, "traits": {}}]
    )
    assert [r.reason for r in submission.rejected] == [SUPPRESSED_REASON]
    assert b"ann" not in submission.rejected[0].payload.lower()
    assert len(submission.records) == 1
    world.log.append([submission])
    with open_warehouse(world.settings) as store:
        sync_events(world.log, store)
    assert files_with(home, ANN_NEEDLES) == {}


def test_export_holds_everything_and_is_audited(home: Path) -> None:
    world = build_world(home)
    doc = export_person(world.settings, ANN_EMAIL, actor="test")
    assert doc["customer_id"].startswith("cus_")
    types = {i["type"] for i in doc["identifiers"]}
    assert {"email", "phone", "user_id", "anonymous_id"} <= types
    assert len(doc["events"]) == 6
    assert all(e["message"]["messageId"].startswith(ANN_USER) for e in doc["events"])
    assert len(doc["failed_events"]) == 1
    assert {c["purpose"] for c in doc["consent"]} >= {"advertising", "analytics"}
    assert doc["warehouse"]["crm_notes"][0]["note"] == "vip"
    assert doc["profile"]["customer_id"] == doc["customer_id"]
    entry = audit_entries(world.settings)[0]
    assert entry.operation == "export"
    assert entry.counts["events"] == 6
    text = str(entry.as_dict()).lower()
    assert all(n.lower() not in text for n in ANN_NEEDLES)
    assert any(s.startswith("email:") for s in entry.subject)


def test_unknown_customer_and_junk_identifier_are_clear_errors(home: Path) -> None:
    world = build_world(home)
    with pytest.raises(PrivacyError, match="No customer 'cus_nobody' in the identity map"):
        erase_person(world.settings, "cus_nobody")
    with pytest.raises(PrivacyError, match="email given is not a usable identifier"):
        export_person(world.settings, "email:null")
    with pytest.raises(PrivacyError, match="No person was named"):
        export_person(world.settings, "  ")


def test_files_left_by_an_interrupted_erase_are_removed(home: Path) -> None:
    world = build_world(home)
    [first, *_] = sorted((home / "lake" / "events").glob("day=*/*.parquet"))
    stray = first.with_name("c0000000999-e1.parquet")
    stray.write_bytes(first.read_bytes())
    erase_person(world.settings, f"user_id:{ANN_USER}", actor="test")
    assert not stray.exists()
    assert files_with(home, ANN_NEEDLES) == {}
    assert world.log.count() == 5
