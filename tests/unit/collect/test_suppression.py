"""The suppression list: salted hashes only, matched anywhere in a message, on the write path."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from vantage.collect.ingest import Ingestor
from vantage.collect.suppression import (
    SALT_FILE,
    SUPPRESSED_REASON,
    SuppressionList,
    candidate_values,
    phone_key,
    workspace_salt,
)
from vantage.core.identifiers import Identifier
from vantage.store.lake import EventLog

EMAIL = Identifier("email", "ann.smith@example.com")
PHONE = Identifier("phone", "+447911123456")
USER = Identifier("user_id", "Ann-7781")


def test_salt_is_private_stable_and_per_workspace(tmp_path: Path) -> None:
    first = workspace_salt(tmp_path / "a")
    assert workspace_salt(tmp_path / "a") == first
    assert workspace_salt(tmp_path / "b") != first
    path = tmp_path / "a" / SALT_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(json.loads(path.read_text())["salt"]) == 64


def test_candidates_normalise_every_string() -> None:
    found = candidate_values({"a": [" Ann@X.com "], "b": {"c": "07911 123456"}, "n": 5})
    assert {"Ann@X.com", "ann@x.com", "tel:911123456"} <= found
    assert phone_key("+44 (0)7911-123456") == "tel:911123456"
    assert phone_key("order 12345678") is None


def test_matches_anywhere_in_any_notation_and_stores_only_hashes(tmp_path: Path) -> None:
    suppression = SuppressionList(tmp_path)
    assert suppression.matcher() is None
    assert suppression.add([EMAIL, PHONE, USER]) == 4  # the phone also by its last nine digits
    assert suppression.add([EMAIL]) == 0
    assert suppression.is_suppressed({"traits": {"email": " ANN.Smith@Example.com"}})
    assert suppression.is_suppressed({"context": {"traits": {"phone": "07911 123456"}}})
    assert suppression.is_suppressed({"userId": "Ann-7781"})
    assert not suppression.is_suppressed({"userId": "ann-7781"})
    assert not suppression.is_suppressed({"traits": {"email": "bob@example.com"}})
    suppression.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file()).lower()
    for value in ("ann.smith@example.com", "447911123456", "ann-7781"):
        assert value.encode() not in raw


def test_entries_added_by_another_process_are_seen_at_once(tmp_path: Path) -> None:
    server = SuppressionList(tmp_path)
    assert not server.is_suppressed({"userId": "Ann-7781"})
    cli = SuppressionList(tmp_path)
    cli.add([USER])
    cli.close()
    assert server.is_suppressed({"userId": "Ann-7781"})
    assert server.count() == 1
    server.close()


def test_the_write_path_rejects_without_keeping_the_payload(tmp_path: Path) -> None:
    suppression = SuppressionList(tmp_path)
    suppression.add([EMAIL])
    ingestor = Ingestor(suppression=suppression)
    messages = [
        {"type": "identify", "messageId": "m1", "userId": "x1", "traits": {"email": EMAIL.value}},
        {"type": "track", "messageId": "m2", "userId": "x2", "event": "Viewed"},
    ]
    submission = ingestor.prepare("web", messages)
    assert [r.message_id for r in submission.records] == ["m2"]
    [rejected] = submission.rejected
    assert (rejected.reason, rejected.field) == (SUPPRESSED_REASON, "suppressed")
    assert b"ann" not in rejected.payload and b"x1" not in rejected.payload
    log = EventLog(tmp_path)
    [result] = log.append([submission])
    assert (result.stored, result.rejected) == (1, 1)
    assert log.failed()[0]["reason"] == SUPPRESSED_REASON
    batch = ingestor.prepare(
        "web",
        [{"type": "track", "messageId": "m3", "userId": "x3", "event": "Viewed"}],
        defaults={"context": {"traits": {"email": EMAIL.value}}},
    )
    assert [r.reason for r in batch.rejected] == [SUPPRESSED_REASON]
    suppression.close()
