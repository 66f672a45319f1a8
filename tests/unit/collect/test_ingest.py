"""The one write path: validation, stamping, defaults, size limit, plan verdicts, records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from pydantic import ValidationError

from vantage.collect.ingest import Ingestor, PlanVerdict, describe_validation_error, to_record
from vantage.core.events import Event
from vantage.core.settings import CollectLimits
from vantage.store.records import to_micros

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def ingestor(**kwargs: object) -> Ingestor:
    return Ingestor(clock=lambda: NOW, **kwargs)  # type: ignore[arg-type]


def test_valid_messages_become_records() -> None:
    sub = ingestor().prepare(
        "web",
        [
            {"type": "track", "userId": 7, "event": "Order Completed", "messageId": "m1"},
            {"type": "page", "anonymousId": "a", "name": "Home"},
        ],
    )
    assert sub.rejected == []
    first, second = sub.records
    assert (first.message_id, first.user_id, first.event, first.type) == (
        "m1",
        "7",
        "Order Completed",
        "track",
    )
    assert second.event == "Home" and second.anonymous_id == "a"
    assert first.received_at_us == to_micros(NOW) == first.timestamp_us
    payload = orjson.loads(first.payload)
    assert payload["receivedAt"].startswith("2024-05-01T12:00:00")
    assert first.source == "web"


def test_invalid_messages_are_rejected_with_field_and_reason() -> None:
    sub = ingestor().prepare(
        "web",
        [
            {"type": "track", "userId": "u"},
            {"type": "nope", "userId": "u"},
            ["not", "a", "dict"],
            {"type": "identify", "userId": "u", "timestamp": "soon"},
            {"type": "identify", "userId": "u", "traits": "x"},
            {"type": "identify", "userId": "u", "messageId": "x" * 101},
        ],
    )
    assert sub.records == []
    fields = [r.field for r in sub.rejected]
    assert fields == ["event", "type", "(message)", "timestamp", "traits", "messageId"]
    reasons = [r.reason for r in sub.rejected]
    assert "event is required for a track call" in reasons[0]
    assert reasons[1] == "type: must be one of track, identify, page, screen, group, alias"
    assert reasons[2] == "(message): each message must be a JSON object"
    assert reasons[3].endswith("use ISO-8601 such as 2024-05-01T12:30:00Z")
    assert reasons[4].endswith("send a JSON object here")
    assert "must be 1 to 100 characters long" in reasons[5]
    assert orjson.loads(sub.rejected[2].payload) == ["not", "a", "dict"]


def test_per_event_size_limit() -> None:
    small = Ingestor(CollectLimits(max_event_bytes=200), clock=lambda: NOW)
    sub = small.prepare(
        "web", [{"type": "track", "userId": "u", "event": "E", "properties": {"x": "y" * 300}}]
    )
    assert sub.rejected[0].reason.startswith("(message): event is ")
    assert "over the 200-byte limit; move large values" in sub.rejected[0].reason


def test_batch_defaults_merge_and_skew_is_corrected() -> None:
    sub = ingestor().prepare(
        "web",
        [
            {
                "type": "track",
                "userId": "u",
                "event": "E",
                "timestamp": "2024-05-01T11:00:00Z",
                "context": {"ip": "1"},
            }
        ],
        defaults={"context": {"ip": "2", "locale": "en"}, "sentAt": "2024-05-01T11:00:30Z"},
    )
    (record,) = sub.records
    payload = orjson.loads(record.payload)
    assert payload["context"] == {"ip": "1", "locale": "en"}
    assert record.timestamp_us == to_micros(NOW - timedelta(seconds=30))


def test_historical_imports_keep_their_times() -> None:
    sub = ingestor().prepare(
        "web",
        [
            {
                "type": "track",
                "userId": "u",
                "event": "E",
                "timestamp": "2020-01-01T00:00:00Z",
                "sentAt": "2020-01-01T00:00:30Z",
            }
        ],
        correct_skew=False,
    )
    assert sub.records[0].timestamp_us == to_micros(datetime(2020, 1, 1, tzinfo=UTC))


class DropAll:
    def check(self, event: Event) -> PlanVerdict:
        if event.event == "Blocked":
            return PlanVerdict(None, ["blocked by test"])
        return PlanVerdict(event.model_copy(update={"properties": {}}), ["dropped by test"])


def test_checker_verdicts_and_violation_callback() -> None:
    seen: list[tuple[str, str, list[str]]] = []
    ing = ingestor(
        checker_for=lambda s: DropAll() if s == "web" else None,
        on_violation=lambda *a: seen.append(a),
    )
    sub = ing.prepare(
        "web",
        [
            {
                "type": "track",
                "userId": "u",
                "event": "Kept",
                "properties": {"a": 1},
                "messageId": "k",
            },
            {"type": "track", "userId": "u", "event": "Blocked", "messageId": "b"},
        ],
    )
    assert orjson.loads(sub.records[0].payload).get("properties", {}) == {}
    assert sub.rejected[0].field == "tracking_plan"
    assert sub.rejected[0].reason == "tracking_plan: blocked: blocked by test"
    assert seen == [("web", "k", ["dropped by test"]), ("web", "b", ["blocked by test"])]
    other = ing.prepare("app", [{"type": "track", "userId": "u", "event": "Blocked"}])
    assert len(other.records) == 1


def test_to_record_needs_a_stamped_event() -> None:
    event = Event.model_validate({"type": "track", "userId": "u", "event": "E"})
    with pytest.raises(ValueError, match=r"must be stamped \(Event.stamp\) before it is stored"):
        to_record("web", event)


def test_describe_validation_error_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        Event.model_validate({"type": "track", "userId": "u", "event": "E", "context": []})
    field, message = describe_validation_error(info.value)
    assert field == "context"
    assert message.startswith("context: ") and message.endswith("send a JSON object here")
