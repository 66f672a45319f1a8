"""Request and response models of the API (the OpenAPI document is built from these).

The tracking endpoints parse their bodies with orjson and validate with
:class:`vantage.core.events.Event`; the models here document those bodies without sitting on the
hot path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from vantage.core.events import Event


class Rejection(BaseModel):
    """One event of a request that was not stored."""

    index: int = Field(description="Position of the event in the request (0 for single calls).")
    field: str = Field(description="The offending field (dotted path), or (message).")
    reason: str = Field(description="What is wrong and how to fix it.")


class IngestResult(BaseModel):
    """Outcome of a tracking call; returned only once stored events are durable on disk."""

    success: bool = True
    stored: int = Field(description="Events stored now.")
    duplicates: int = Field(description="Events skipped: their messageId was stored before.")
    rejected: int = Field(description="Events refused; kept in the failed-events table.")
    rejections: list[Rejection] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every error response."""

    code: str
    message: str = Field(description="What went wrong, naming the field or the limit.")
    fix: str | None = Field(None, description="What to do about it.")
    field: str | None = None


class BatchBody(BaseModel):
    """A ``/v1/batch`` or ``/v1/import`` body (top-level context and integrations merge)."""

    model_config = ConfigDict(extra="allow")

    batch: list[dict[str, Any]] = Field(description="Segment-spec messages, each with its type.")
    context: dict[str, Any] | None = None
    integrations: dict[str, Any] | None = None
    sentAt: datetime | None = None  # noqa: N815  (Segment's wire name)
    writeKey: str | None = Field(  # noqa: N815
        None, description="The write key, when not sent as the HTTP Basic user."
    )


class SourceCreate(BaseModel):
    """A new source."""

    name: str = Field(description="1-63 lower-case letters, digits, '-' or '_'.", examples=["web"])


class SourceUpdate(BaseModel):
    """A change to a source."""

    enabled: bool = Field(description="False refuses the source's events with HTTP 403.")


class SourcePublic(BaseModel):
    """A source without its write key."""

    name: str
    enabled: bool
    has_tracking_plan: bool
    created_at: datetime


class SourceWithKey(SourcePublic):
    """A source with its write key (only returned to admins)."""

    write_key: str


class FailedEvent(BaseModel):
    """An event refused at the edge, with the reason."""

    id: int
    source: str
    field: str
    reason: str
    received_at: datetime
    payload: Any = Field(description="The event as sent (JSON when it parses, else text).")


class Violation(BaseModel):
    """A tracking-plan violation."""

    id: int
    source: str
    message_id: str
    violation: str
    recorded_at: datetime


class EventCount(BaseModel):
    """How many events are stored and how many were refused."""

    stored: int
    failed: int
    violations: int


class Health(BaseModel):
    """Liveness and whether the lake accepts writes."""

    status: str
    lake_writable: bool
    writer_running: bool
    detail: str | None = None
    live_seq: int | None = Field(
        None, description="Last event the real-time profile view has applied (None when off)."
    )


def event_schema() -> dict[str, Any]:
    """JSON Schema of one Segment message, for the OpenAPI request bodies."""
    return Event.model_json_schema(by_alias=True)
