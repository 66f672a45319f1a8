"""The Segment-spec event contract and clock-skew correction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from vantage.core.events import EVENT_TYPES, Batch, Event

RECEIVED = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def event(**fields: object) -> Event:
    return Event.model_validate({"type": "track", "userId": "u", "event": "E", **fields})


def test_unknown_keys_are_kept_and_ids_become_text() -> None:
    e = Event.model_validate(
        {"type": "identify", "userId": 42, "anonymousId": 1.5, "channel": "server", "version": 2}
    )
    assert e.user_id == "42" and e.anonymous_id == "1.5"
    wire = e.to_wire()
    assert wire["channel"] == "server" and wire["version"] == 2
    assert "groupId" not in wire and wire["messageId"] == e.message_id
    assert len(e.message_id) == 36


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"type": "track", "userId": "u"}, "event is required for a track call"),
        ({"type": "page"}, "userId or anonymousId is required"),
        ({"type": "group", "userId": "u"}, "groupId is required for a group call"),
        ({"type": "alias", "userId": "u"}, "previousId is required for an alias call"),
        (
            {"type": "track", "userId": True, "event": "E"},
            "must be a string or a number, not a boolean",
        ),
        ({"type": "identify", "userId": "u", "messageId": ""}, "must be 1 to 100 characters long"),
        ({"type": "purchase", "userId": "u"}, "Input should be 'track'"),
    ],
)
def test_required_fields_per_type(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Event.model_validate(fields)


def test_every_type_is_accepted() -> None:
    extra = {"event": "E", "groupId": "g", "previousId": "p"}
    for kind in EVENT_TYPES:
        assert Event.model_validate({"type": kind, "userId": "u", **extra}).type == kind


def test_without_client_times_timestamp_is_received_at() -> None:
    e = event().stamp(RECEIVED)
    assert e.received_at == e.timestamp == RECEIVED and e.original_timestamp is None


def test_clock_skew_is_corrected_as_segment_does() -> None:
    e = event(originalTimestamp="2024-05-01T08:00:00Z", sentAt="2024-05-01T08:00:05Z").stamp(
        RECEIVED
    )
    assert e.timestamp == RECEIVED - timedelta(seconds=5)
    assert e.original_timestamp == datetime(2024, 5, 1, 8, tzinfo=UTC)
    assert e.received_at == RECEIVED


def test_timestamp_alone_counts_as_the_client_time() -> None:
    e = event(timestamp="2024-05-01T11:59:00Z", sentAt="2024-05-01T11:59:30Z").stamp(RECEIVED)
    assert e.original_timestamp == datetime(2024, 5, 1, 11, 59, tzinfo=UTC)
    assert e.timestamp == RECEIVED - timedelta(seconds=30)


def test_without_sent_at_the_client_time_is_kept() -> None:
    e = event(timestamp="2020-01-01T00:00:00Z").stamp(RECEIVED)
    assert e.timestamp == datetime(2020, 1, 1, tzinfo=UTC)


def test_historical_imports_are_not_corrected() -> None:
    e = event(timestamp="2020-01-01T00:00:00Z", sentAt="2020-01-01T00:00:30Z")
    assert e.stamp(RECEIVED, correct_skew=False).timestamp == datetime(2020, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("original", "sent"),
    [
        ("0001-01-01T00:00:00Z", "9999-12-31T00:00:00Z"),
        ("9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z"),
    ],
)
def test_absurd_skew_keeps_the_client_time(original: str, sent: str) -> None:
    e = event(originalTimestamp=original, sentAt=sent).stamp(RECEIVED)
    assert e.timestamp == e.original_timestamp


def test_server_overrides_a_client_received_at() -> None:
    e = event(receivedAt="1999-01-01T00:00:00Z").stamp(RECEIVED)
    assert e.received_at == RECEIVED


def test_time_zones() -> None:
    naive = event(timestamp="2024-05-01T10:00:00").stamp(RECEIVED)
    assert naive.timestamp == datetime(2024, 5, 1, 10, tzinfo=UTC)
    offset = event(timestamp="2024-05-01T12:00:00+02:00").stamp(RECEIVED)
    assert offset.timestamp == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert offset.timestamp.tzinfo == timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2015-2-02T00:30:08.276Z", datetime(2015, 2, 2, 0, 30, 8, 276000, tzinfo=UTC)),
        ("2015-12-2", datetime(2015, 12, 2, tzinfo=UTC)),
        ("2015-02-02 01:00:00Z", datetime(2015, 2, 2, 1, tzinfo=UTC)),
    ],
)
def test_dates_without_zero_padding_are_accepted(given: str, expected: datetime) -> None:
    assert event(timestamp=given).timestamp == expected


def test_bad_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="timestamp"):
        event(timestamp="next tuesday")


def test_batch_body() -> None:
    batch = Batch.model_validate(
        {"batch": [{"type": "track"}], "writeKey": "k", "sentAt": "2024-05-01T00:00:00Z", "x": 1}
    )
    assert batch.write_key == "k" and batch.sent_at == datetime(2024, 5, 1, tzinfo=UTC)
    assert batch.context == {} and batch.model_extra == {"x": 1}
