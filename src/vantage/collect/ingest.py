"""The one write path: raw Segment messages -> validated events or recorded rejections.

The HTTP API and the file/database importers both call :meth:`Ingestor.prepare` and hand the
resulting :class:`~vantage.store.records.Submission` to the event log, so an event is validated,
stamped and deduplicated the same way whichever door it came in by. Invalid events never sink the
valid ones next to them: each is kept in the failed-events table with the field and the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from pydantic import ValidationError

from vantage.collect.suppression import SUPPRESSED_FIELD, SUPPRESSED_REASON
from vantage.core.events import Event
from vantage.core.settings import CollectLimits
from vantage.store.records import LogRecord, RejectedRecord, Submission, to_micros


@dataclass(frozen=True)
class PlanVerdict:
    """A tracking plan's decision on one event.

    Attributes:
        event: The event to store (properties may have been dropped), or None to block it.
        violations: Human-readable violations (recorded even when the event is allowed).
    """

    event: Event | None
    violations: list[str]


class SuppressionCheck(Protocol):
    """Anything that knows erased identifiers (a ``SuppressionList``)."""

    def matcher(self) -> Callable[[Any], bool] | None:
        """A predicate for this batch (True: drop the message), or None when none is suppressed."""
        ...


class EventChecker(Protocol):
    """Anything that can vet an event before it is stored (a tracking plan)."""

    def check(self, event: Event) -> PlanVerdict:
        """Return the verdict for one event."""
        ...


_FIELD_OF_RULE = (
    ("userId or anonymousId", "userId"),
    ("event is required", "event"),
    ("groupId is required", "groupId"),
    ("previousId is required", "previousId"),
)


def describe_validation_error(exc: ValidationError) -> tuple[str, str]:
    """Turn a pydantic error into (field, message) naming the field and the fix."""
    err = exc.errors()[0]
    loc = err.get("loc", ())
    msg = err.get("msg", "invalid").removeprefix("Value error, ")
    field = ".".join(str(p) for p in loc) or next(
        (name for rule, name in _FIELD_OF_RULE if msg.startswith(rule)), "(message)"
    )
    if not loc and field != "(message)":
        return field, msg
    kind = str(err.get("type", ""))
    if kind == "literal_error" and field == "type":
        msg = "must be one of track, identify, page, screen, group, alias"
    elif kind.startswith(("datetime", "date_")):
        msg += "; use ISO-8601 such as 2024-05-01T12:30:00Z"
    elif kind == "dict_type":
        msg += "; send a JSON object here"
    return field, f"{field}: {msg}"


class Ingestor:
    """Validates and stamps raw messages for one write path.

    Args:
        limits: Size limits (32 KB per event by default).
        checker_for: Returns the tracking-plan checker of a source, or None when it has none.
        clock: Returns the current UTC time (tests pass a fixed clock).
        on_violation: Called with (source, message id, violations) for every plan violation.
        suppression: Erased identifiers; a message carrying one is rejected with the reason
            :data:`SUPPRESSED_REASON` and its payload is not stored.
    """

    def __init__(
        self,
        limits: CollectLimits | None = None,
        checker_for: Callable[[str], EventChecker | None] | None = None,
        clock: Callable[[], datetime] | None = None,
        on_violation: Callable[[str, str, list[str]], None] | None = None,
        suppression: SuppressionCheck | None = None,
        enrich: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
    ) -> None:
        self.limits = limits or CollectLimits()
        self.enrich = enrich
        self.checker_for = checker_for or (lambda _source: None)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.on_violation = on_violation
        self.suppression = suppression

    def prepare(
        self,
        source: str,
        messages: Iterable[Mapping[str, Any]],
        *,
        defaults: Mapping[str, Any] | None = None,
        correct_skew: bool = True,
        received_at: datetime | None = None,
    ) -> Submission:
        """Validate messages; return accepted records and rejected ones with reasons.

        Args:
            source: Name of the source the messages came from.
            messages: Segment-spec messages (dicts, as decoded from JSON).
            defaults: Batch-level fields (``context``, ``integrations``, ``sentAt``) merged into
                each message, as Segment's batch endpoint does.
            correct_skew: False for historical imports (``/v1/import``, files).
            received_at: Server receive time; the clock's now by default.

        Returns:
            The submission to hand to the event log.
        """
        now = received_at or self.clock()
        now_us = to_micros(now)
        checker = self.checker_for(source)
        submission = Submission()
        suppressed = self.suppression.matcher() if self.suppression is not None else None
        for raw in messages:
            if suppressed is not None and (suppressed(raw) or (defaults and suppressed(defaults))):
                submission.rejected.append(_suppressed(source, raw, now_us))
                continue
            outcome = self._one(source, raw, defaults, now, checker, correct_skew)
            if isinstance(outcome, LogRecord):
                submission.records.append(outcome)
            else:
                field, reason = outcome
                submission.rejected.append(
                    RejectedRecord(source, reason, field, now_us, _safe_dump(raw))
                )
        return submission

    def _one(
        self,
        source: str,
        raw: Mapping[str, Any],
        defaults: Mapping[str, Any] | None,
        now: datetime,
        checker: EventChecker | None,
        correct_skew: bool,
    ) -> LogRecord | tuple[str, str]:
        if not isinstance(raw, Mapping):
            return "(message)", "(message): each message must be a JSON object"
        message = _merge_defaults(raw, defaults) if defaults else raw
        if self.enrich is not None:
            message = self.enrich(message)
        size = len(_safe_dump(message))
        if size > self.limits.max_event_bytes:
            return "(message)", (
                f"(message): event is {size} bytes, over the {self.limits.max_event_bytes}-byte "
                "limit; move large values (documents, images) to a file import"
            )
        try:
            event = Event.model_validate(message)
        except ValidationError as exc:
            return describe_validation_error(exc)
        event.stamp(now, correct_skew=correct_skew)
        if checker is not None:
            verdict = checker.check(event)
            if verdict.violations and self.on_violation is not None:
                self.on_violation(source, event.message_id, verdict.violations)
            if verdict.event is None:
                return "tracking_plan", "tracking_plan: blocked: " + "; ".join(verdict.violations)
            event = verdict.event
        return to_record(source, event)


def to_record(source: str, event: Event) -> LogRecord:
    """Turn a validated, stamped event into a log record."""
    if event.timestamp is None or event.received_at is None:
        raise ValueError("event must be stamped (Event.stamp) before it is stored")
    return LogRecord(
        message_id=event.message_id,
        source=source,
        type=event.type,
        event=event.event if event.type == "track" else event.name,
        user_id=event.user_id,
        anonymous_id=event.anonymous_id,
        timestamp_us=to_micros(event.timestamp),
        received_at_us=to_micros(event.received_at),
        payload=event.to_json_bytes(),
    )


def _suppressed(source: str, raw: Any, now_us: int) -> RejectedRecord:
    """The rejection of a message carrying an erased identifier: its content is not kept."""
    message_id = raw.get("messageId") if isinstance(raw, Mapping) else None
    digest = hashlib.blake2b(str(message_id).encode(), digest_size=12).hexdigest()
    payload = orjson.dumps({"suppressed": True, "messageIdHash": digest})
    return RejectedRecord(source, SUPPRESSED_REASON, SUPPRESSED_FIELD, now_us, payload)


def _merge_defaults(raw: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    message = dict(raw)
    for key in ("context", "integrations"):
        base = defaults.get(key)
        if isinstance(base, Mapping) and base:
            own = message.get(key)
            message[key] = {**base, **own} if isinstance(own, Mapping) else dict(base)
    if "sentAt" in defaults and "sentAt" not in message:
        message["sentAt"] = defaults["sentAt"]
    return message


def _safe_dump(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return orjson.dumps(repr(value))
