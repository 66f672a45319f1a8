"""Destination and trigger definitions: pydantic models read from YAML, JSON or the API.

A destination declares the consent purpose it serves (customers without consent for it are
never sent) and one of three kinds::

    name: crm-hook               # webhook: JSON POST, HMAC-SHA256 signed
    kind: webhook
    purpose: email_marketing
    url: https://crm.example.com/hooks/vantage

    name: nightly-files          # file: CSV or Parquet files in a folder
    kind: file
    purpose: analytics
    folder: exports/
    format: parquet

    name: google-list            # ads: hashed customer list for Google Customer Match / Meta
    kind: ads
    purpose: advertising
    platform: google
    folder: exports/ads/

A trigger sends to a destination when a customer enters or exits a segment, or when an event
matches conditions, with an optional delay, frequency cap and quiet hours::

    name: cart-rescue
    when: {event: Product Added, where: [{property: price, op: ">=", value: 50}]}
    destination: crm-hook
    delay: 10m
    frequency_cap: {max: 1, per: 1d}
    quiet_hours: {start: "21:00", end: "08:00", timezone: Europe/London}
    message: {channel: email}    # optional: the customer's personalised message in the payload
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from vantage.core.errors import ConfigError

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
Op = Literal["=", "!=", ">", ">=", "<", "<=", "in", "not_in", "contains", "exists"]
MessageChannel = Literal["email", "sms", "push", "web"]
MessageGoal = Literal["recommend", "win back", "nudge to buy", "thank"]


def parse_duration(value: str | float | int) -> float:
    """Seconds in a duration such as ``"90s"``, ``"10m"``, ``"2h"``, ``"1d"`` (or a number).

    Raises:
        ValueError: The text is not a number followed by s, m, h or d.
    """
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a duration; write e.g. 30s, 10m, 2h or 1d")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


Duration = Annotated[float, Field(ge=0)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _DestinationBase(_Spec):
    name: str = Field(pattern=NAME_PATTERN, description="Short unique name (a-z, 0-9, - and _).")
    purpose: str = Field(
        min_length=1, description="Consent purpose; customers without it are never sent."
    )
    description: str = ""
    enabled: bool = True


class WebhookDestinationSpec(_DestinationBase):
    """JSON POSTs signed with HMAC-SHA256 (``X-Vantage-Signature: t=<unix>,v1=<hex>``)."""

    kind: Literal["webhook"] = "webhook"
    url: str = Field(pattern=r"^https?://[^\s]+$", description="http:// or https:// URL.")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra request headers.")
    secret: str | None = Field(
        None,
        min_length=16,
        description="Signing secret shared with the receiver; generated when omitted.",
    )
    timeout_s: float = Field(5.0, gt=0, le=120)
    max_attempts: int = Field(6, ge=1, le=20, description="Tries before the dead-letter store.")
    concurrency: int = Field(2, ge=1, le=16, description="Requests in flight at once.")


class FileDestinationSpec(_DestinationBase):
    """One CSV or Parquet file per batch of records in a folder."""

    kind: Literal["file"] = "file"
    folder: Path
    format: Literal["csv", "parquet"] = "csv"


class AdsDestinationSpec(_DestinationBase):
    """Customer lists for ad platforms: normalised, SHA-256-hashed e-mails and phones."""

    kind: Literal["ads"] = "ads"
    folder: Path
    platform: Literal["google", "meta"] = "google"
    default_region: str = Field("GB", min_length=2, max_length=2)


DestinationSpec = Annotated[
    WebhookDestinationSpec | FileDestinationSpec | AdsDestinationSpec,
    Field(discriminator="kind"),
]
_DESTINATION = TypeAdapter(DestinationSpec)


class Condition(_Spec):
    """One test on an event: ``properties.<property>`` (dotted path) ``op`` ``value``."""

    property: str = Field(min_length=1, description="Dotted path inside the event's properties.")
    op: Op = "="
    value: Any = None


class SegmentWhen(_Spec):
    """Fire when a customer enters (or exits) a real-time segment."""

    segment: str = Field(min_length=1)
    change: Literal["entered", "exited"] = "entered"


class EventWhen(_Spec):
    """Fire on an event (track name) whose properties meet every condition."""

    event: str = Field(min_length=1)
    where: list[Condition] = Field(default_factory=list)


class FrequencyCap(_Spec):
    """At most ``max`` sends of one trigger to one customer per ``per``."""

    max: int = Field(1, ge=1)
    per: Duration

    @field_validator("per", mode="before")
    @classmethod
    def _per(cls, value: Any) -> float:
        return parse_duration(value)


class QuietHours(_Spec):
    """A daily window (local time) when nothing is sent; sends wait for its end."""

    start: time
    end: time
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as Europe/London"
            ) from None
        return value


class MessageSpec(_Spec):
    """A personalised message written for the customer (see docs/genai.md) and sent along.

    It is written only for customers who consented to the channel's purpose (``email``:
    ``email_marketing``, ``sms``: ``sms_marketing``, ``push`` and ``web``: ``personalisation``).
    """

    channel: MessageChannel = Field(description="email, sms, push or web.")
    goal: MessageGoal | None = Field(
        None, description="What the message is for (default: chosen from the predictions)."
    )
    method: Literal["auto", "template", "llm"] = Field(
        "auto", description="auto: the language model when one is configured, else template."
    )


class TriggerSpec(_Spec):
    """When to send what to which destination."""

    name: str = Field(pattern=NAME_PATTERN, description="Short unique name (a-z, 0-9, - and _).")
    when: SegmentWhen | EventWhen
    destination: str = Field(min_length=1)
    delay: Duration = 0.0
    frequency_cap: FrequencyCap | None = None
    quiet_hours: QuietHours | None = None
    message: MessageSpec | None = Field(
        None, description="Add the customer's personalised message to the payload."
    )
    description: str = ""
    enabled: bool = True

    @field_validator("delay", mode="before")
    @classmethod
    def _delay(cls, value: Any) -> float:
        return parse_duration(value)


def validation_problem(exc: ValidationError, what: str) -> str:
    """One readable line per problem, naming the field (``frequency_cap.per: ...``)."""
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"] if not str(p).endswith("Spec")) or "(top)"
        parts.append(f"{loc}: {err['msg']}")
    return f"Invalid {what}: " + "; ".join(parts) + "."


def _mapping(source: str | Path | dict[str, Any], what: str) -> dict[str, Any]:
    if isinstance(source, dict):
        return source
    text = source.read_text() if isinstance(source, Path) else source
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"The {what} is not valid YAML or JSON: {exc}.", "Fix the syntax and try again."
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(
            f"The {what} must be a mapping of fields (name, kind, ...), not {type(data).__name__}.",
            "Write one definition as YAML or JSON fields.",
        )
    return data


def load_destination(source: str | Path | dict[str, Any]) -> DestinationSpec:
    """A destination from a mapping, YAML/JSON text or a file (a :class:`~pathlib.Path`).

    Raises:
        ConfigError: The definition is invalid; the message names each offending field.
    """
    data = _mapping(source, "destination")
    try:
        return _DESTINATION.validate_python(data)
    except ValidationError as exc:
        raise ConfigError(
            validation_problem(exc, "destination"),
            "kind is webhook (url), file (folder, format) or ads (folder, platform); "
            "see docs/activation.md.",
        ) from exc


def load_trigger(source: str | Path | dict[str, Any]) -> TriggerSpec:
    """A trigger from a mapping, YAML/JSON text or a file (a :class:`~pathlib.Path`).

    Raises:
        ConfigError: The definition is invalid; the message names each offending field.
    """
    data = _mapping(source, "trigger")
    try:
        return TriggerSpec.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            validation_problem(exc, "trigger"),
            "when is {segment, change} or {event, where}; durations look like 30s, 10m, 1d; "
            "see docs/activation.md.",
        ) from exc


def destination_json(spec: DestinationSpec) -> dict[str, Any]:
    """The definition as JSON-ready data (paths as text), never with the signing secret."""
    return spec.model_dump(mode="json", exclude={"secret"})
