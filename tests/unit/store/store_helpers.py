"""Builders of log records for the store tests."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from vantage.store.records import LogRecord, RejectedRecord, Submission, to_micros

DAY_US = 86_400_000_000
BASE_US = to_micros(datetime(2024, 5, 1, 12, 0, tzinfo=UTC))


def record(
    message_id: str,
    *,
    day: int = 0,
    source: str = "web",
    user_id: str | None = "u1",
    event: str | None = "Order Completed",
) -> LogRecord:
    """An accepted track event ``day`` days after 2024-05-01."""
    payload = {"type": "track", "messageId": message_id, "userId": user_id, "event": event}
    return LogRecord(
        message_id=message_id,
        source=source,
        type="track",
        event=event,
        user_id=user_id,
        anonymous_id=None if user_id else f"anon-{message_id}",
        timestamp_us=BASE_US + day * DAY_US,
        received_at_us=BASE_US + day * DAY_US + 1_000,
        payload=orjson.dumps(payload),
    )


def rejected(source: str = "web", field: str = "userId") -> RejectedRecord:
    """An event refused at the edge."""
    return RejectedRecord(
        source=source,
        reason=f"{field}: userId or anonymousId is required",
        field=field,
        received_at_us=BASE_US,
        payload=b'{"type": "track"}',
    )


def submission(*message_ids: str, day: int = 0, failed: int = 0) -> Submission:
    """A submission of track events (and ``failed`` rejected ones)."""
    return Submission(
        records=[record(mid, day=day) for mid in message_ids],
        rejected=[rejected() for _ in range(failed)],
    )
