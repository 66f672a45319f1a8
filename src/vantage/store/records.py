"""Row types that flow into the lake's event log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_micros(value: datetime) -> int:
    """Microseconds since the Unix epoch for an aware datetime."""
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime:
    """Inverse of :func:`to_micros` (UTC)."""
    return datetime.fromtimestamp(value / 1_000_000, tz=UTC)


class LogRecord(NamedTuple):
    """One accepted event, ready for the log (a tuple in the log table's column order).

    Attributes:
        message_id: Deduplication key (Segment's ``messageId``).
        source: Name of the source the event came from.
        type: Segment call type.
        event: Event name for track calls, page/screen name otherwise.
        user_id: Known user id, if any.
        anonymous_id: Device or cookie id, if any.
        timestamp_us: Event time (clock-skew corrected), microseconds since the epoch.
        received_at_us: Server receive time, microseconds since the epoch.
        payload: The whole Segment message as JSON bytes.
    """

    message_id: str
    source: str
    type: str
    event: str | None
    user_id: str | None
    anonymous_id: str | None
    timestamp_us: int
    received_at_us: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """An event refused at the edge, kept with the reason so nothing is silently lost."""

    source: str
    reason: str
    field: str
    received_at_us: int
    payload: bytes


@dataclass(slots=True)
class Submission:
    """What one request (or one import chunk) hands to the log in one go."""

    records: list[LogRecord] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AppendResult:
    """Outcome of one submission: events stored, duplicates skipped, events rejected."""

    stored: int
    duplicates: int
    rejected: int
