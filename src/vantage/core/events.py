"""The event contract: Segment's spec, accepted unchanged from Segment and RudderStack clients.

Unknown keys are kept (``extra="allow"``); ``receivedAt`` is always set by the server and the
event time is corrected for client clock skew exactly as Segment does:
``timestamp = receivedAt - (sentAt - originalTimestamp)``.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

EventType = Literal["track", "identify", "page", "screen", "group", "alias"]
EVENT_TYPES: tuple[str, ...] = ("track", "identify", "page", "screen", "group", "alias")
MAX_MESSAGE_ID_LENGTH = 100


def _id_to_str(value: Any) -> Any:
    """Segment clients may send numeric ids; store every id as text."""
    if isinstance(value, bool):
        raise ValueError("must be a string or a number, not a boolean")
    if isinstance(value, int | float):
        return str(value)
    return value


_LOOSE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?=[T ]|$)")


def _pad_date(value: Any) -> Any:
    """Accept dates without zero padding (``2015-2-02T...``), as in Segment's own batch example."""
    if isinstance(value, str) and (match := _LOOSE_DATE.match(value)):
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}{value[match.end() :]}"
    return value


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class Event(BaseModel):
    """One Segment-spec message (track, identify, page, screen, group or alias).

    Attributes mirror the spec's camelCase names, so ``model_dump(by_alias=True)`` gives back a
    message any Segment tool understands.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, str_max_length=100_000)

    type: EventType
    message_id: str = Field(default_factory=lambda: str(uuid.uuid4()), alias="messageId")
    user_id: str | None = Field(None, alias="userId")
    anonymous_id: str | None = Field(None, alias="anonymousId")
    event: str | None = None
    name: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    traits: dict[str, Any] = Field(default_factory=dict)
    context: dict[str, Any] = Field(default_factory=dict)
    integrations: dict[str, Any] = Field(default_factory=dict)
    group_id: str | None = Field(None, alias="groupId")
    previous_id: str | None = Field(None, alias="previousId")
    timestamp: datetime | None = None
    original_timestamp: datetime | None = Field(None, alias="originalTimestamp")
    sent_at: datetime | None = Field(None, alias="sentAt")
    received_at: datetime | None = Field(None, alias="receivedAt")

    @field_validator("user_id", "anonymous_id", "group_id", "previous_id", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        return _id_to_str(value)

    @field_validator("message_id", mode="before")
    @classmethod
    def _message_id(cls, value: Any) -> Any:
        value = _id_to_str(value)
        if isinstance(value, str) and not 0 < len(value) <= MAX_MESSAGE_ID_LENGTH:
            raise ValueError(f"must be 1 to {MAX_MESSAGE_ID_LENGTH} characters long")
        return value

    @field_validator("timestamp", "original_timestamp", "sent_at", "received_at", mode="before")
    @classmethod
    def _loose_dates(cls, value: Any) -> Any:
        return _pad_date(value)

    @field_validator("timestamp", "original_timestamp", "sent_at", "received_at")
    @classmethod
    def _timezone(cls, value: datetime | None) -> datetime | None:
        return _aware(value)

    @model_validator(mode="after")
    def _required_per_type(self) -> Event:
        if not (self.user_id or self.anonymous_id):
            raise ValueError(
                "userId or anonymousId is required: set userId for known users, "
                "anonymousId (a random id kept on the device) otherwise"
            )
        if self.type == "track" and not self.event:
            raise ValueError(
                "event is required for a track call: name the action, e.g. 'Order Completed'"
            )
        if self.type == "group" and not self.group_id:
            raise ValueError("groupId is required for a group call")
        if self.type == "alias" and not self.previous_id:
            raise ValueError("previousId is required for an alias call")
        return self

    def stamp(self, received_at: datetime, *, correct_skew: bool = True) -> Event:
        """Set ``receivedAt`` and correct the event time for client clock skew, as Segment does.

        The client's own time (``originalTimestamp``, else ``timestamp``) is kept as
        ``originalTimestamp``; when the client also sent ``sentAt``, ``timestamp`` becomes
        ``receivedAt - (sentAt - originalTimestamp)``.

        Args:
            received_at: When the server received the message (UTC).
            correct_skew: False for historical imports, whose times are taken as given.

        Returns:
            This event, modified in place.
        """
        self.received_at = received_at
        original = self.original_timestamp or self.timestamp
        self.original_timestamp = original
        if original is None:
            self.timestamp = received_at
        elif correct_skew and self.sent_at is not None:
            try:
                self.timestamp = received_at - (self.sent_at - original)
            except OverflowError:  # an absurd skew (e.g. year 1 vs 9999): keep the client time
                self.timestamp = original
        else:
            self.timestamp = original
        return self

    def to_json_bytes(self) -> bytes:
        """The message as Segment-spec JSON (same content as :meth:`to_wire`), serialised fast."""
        return self.__pydantic_serializer__.to_json(self, by_alias=True, exclude_none=True)

    def to_wire(self) -> dict[str, Any]:
        """The message as Segment-spec JSON-ready data (camelCase, ISO-8601 times)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Batch(BaseModel):
    """A Segment ``/v1/batch`` (or ``/v1/import``) body."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    batch: list[dict[str, Any]]
    context: dict[str, Any] = Field(default_factory=dict)
    integrations: dict[str, Any] = Field(default_factory=dict)
    write_key: str | None = Field(None, alias="writeKey")
    sent_at: datetime | None = Field(None, alias="sentAt")
