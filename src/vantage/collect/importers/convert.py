"""Rows -> Segment messages, following an :class:`~vantage.collect.importers.mapping.ImportMapping`.

Every message gets a deterministic ``messageId`` (a hash of the source and the message content,
or the mapping's ``message_id`` column), so importing the same rows twice stores nothing twice.
Rows without ``userId`` and ``anonymousId`` but with an identifier get a derived ``anonymousId``
(``idh:`` + the first 32 hex digits of SHA-256 of ``"<type>:<normalised value>"``).
"""

from __future__ import annotations

import hashlib
import math
import re
import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import orjson

from vantage.collect.importers.mapping import ImportMapping
from vantage.core.identifiers import normalise

MAX_MESSAGE_ID = 100
LIBRARY = {"name": "vantage-importer"}
_INT = re.compile(r"^-?(?:0|[1-9]\d{0,17})$")
_FLOAT = re.compile(r"^-?(?:0|[1-9]\d*)\.\d+$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_MS_THRESHOLD = 1e11


class RowError(ValueError):
    """A row that cannot become a message; ``field`` names the mapping key at fault."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = f"{field}: {reason}"
        super().__init__(self.reason)


CONSENT_WORDS = {
    **dict.fromkeys(
        ("yes", "y", "true", "1", "granted", "opt-in", "opted-in", "opted_in", "allow"), True
    ),
    **dict.fromkeys(
        ("no", "n", "false", "0", "denied", "opt-out", "opted-out", "opted_out", "deny"), False
    ),
}


def jsonable(value: Any) -> Any:
    """Turn a value read from a file or database into JSON-ready data (None for NaN)."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.hex()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def is_empty(value: Any) -> bool:
    """None, NaN and blank text count as 'no value'."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def as_text(value: Any) -> str:
    """An id or name as text; integral floats lose their ``.0`` (ids read as floats)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value).strip()


def infer(text: str) -> Any:
    """CSV text that looks like an integer, a decimal or true/false becomes one."""
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return text


def parse_timestamp(value: Any, fmt: str | None = None) -> datetime:
    """Parse an event time; naive times are taken as UTC.

    Args:
        value: ISO-8601 text, a date, a datetime, or epoch seconds (number or digits).
        fmt: A ``strptime`` format for text, or ``epoch_s`` / ``epoch_ms``.

    Returns:
        An aware datetime.

    Raises:
        ValueError: The value cannot be read as a time; the message says what to set.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _from_epoch(float(value), fmt)
    text = str(value).strip()
    if fmt in ("epoch_s", "epoch_ms") or (fmt is None and _NUMBER.match(text)):
        try:
            return _from_epoch(float(text), fmt)
        except ValueError as exc:
            if fmt is None or _NUMBER.match(text):
                raise
            raise ValueError(f"{text!r} is not a number of {fmt}") from exc
    try:
        parsed = datetime.strptime(text, fmt) if fmt else datetime.fromisoformat(text)
    except ValueError as exc:
        if fmt:
            raise ValueError(f"{text!r} does not match timestamp_format {fmt!r}") from exc
        raise ValueError(
            f"{text!r} is not an ISO-8601 time such as 2024-05-01T12:30:00Z; "
            "set timestamp_format (e.g. '%d/%m/%Y %H:%M') in the mapping"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _from_epoch(seconds: float, fmt: str | None) -> datetime:
    if fmt == "epoch_ms":
        seconds /= 1000
    elif abs(seconds) >= _MS_THRESHOLD:
        raise ValueError(
            f"{seconds:.0f} looks like milliseconds since the epoch; "
            "set timestamp_format: epoch_ms in the mapping"
        )
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"{seconds} is out of range for a time in epoch seconds") from exc


def content_id(source: str, message: Mapping[str, Any]) -> str:
    """Deterministic messageId from the source and the canonical message content."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(source.encode())
    digest.update(b"\0")
    digest.update(orjson.dumps(message, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS))
    return f"import-{digest.hexdigest()}"


def column_id(source: str, value: str) -> str:
    """The messageId from a row-id column, namespaced by source so two sources never clash."""
    candidate = f"{source}:{value}"
    if len(candidate) <= MAX_MESSAGE_ID:
        return candidate
    return "import-" + hashlib.blake2b(candidate.encode(), digest_size=16).hexdigest()


def derived_anonymous_id(id_type: str, value: str) -> str:
    """The anonymousId derived from an identifier, for rows that have no user or device id."""
    return "idh:" + hashlib.sha256(f"{id_type}:{value}".encode()).hexdigest()[:32]


def lookup(row: Mapping[str, Any], column: str) -> Any:
    """A column's value; ``a.b`` also reaches key ``b`` inside an object column ``a``."""
    if column in row:
        return row[column]
    value: Any = row
    for part in column.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


class RowConverter:
    """Builds one Segment message per row.

    Args:
        mapping: The validated mapping.
        source: The source name (part of every content hash).
        text_values: True for CSV rows, whose every value is text (enables ``infer_types``).
    """

    def __init__(self, mapping: ImportMapping, source: str, *, text_values: bool = False) -> None:
        self.mapping = mapping
        self.source = source
        self.infer = text_values and mapping.infer_types
        self.skipped_identifiers: Counter[str] = Counter()
        context = jsonable(mapping.context)
        context.setdefault("library", dict(LIBRARY))
        self._context = orjson.dumps(context)

    def convert(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The message for one row.

        Raises:
            RowError: A mapped value cannot be used (bad timestamp, empty event name, ...).
        """
        m = self.mapping
        message: dict[str, Any] = {"type": m.type}
        self._ids(row, message)
        if m.event:
            message["event"] = m.event
        elif m.event_column:
            message["event"] = self._required(row, "event_column", m.event_column)
        if m.name:
            message["name"] = m.name
        elif m.name_column and not is_empty(value := lookup(row, m.name_column)):
            message["name"] = as_text(value)
        if m.group_id:
            message["groupId"] = self._required(row, "group_id", m.group_id)
        if m.timestamp and not is_empty(value := lookup(row, m.timestamp)):
            try:
                message["timestamp"] = parse_timestamp(value, m.timestamp_format).isoformat()
            except ValueError as exc:
                raise RowError("timestamp", f"column {m.timestamp!r}: {exc}") from exc
        traits = self._values(row, m.traits)
        properties = self._values(row, m.properties)
        context = orjson.loads(self._context)
        externals = self._identifiers(row, traits if m.type == "identify" else None)
        if externals:
            context["externalIds"] = [*context.get("externalIds", []), *externals]
            if "userId" not in message and "anonymousId" not in message:
                first = externals[0]
                message["anonymousId"] = derived_anonymous_id(first["type"], first["id"])
        consent = self._consent(row)
        if consent:
            context.setdefault("consent", {}).setdefault("categoryPreferences", {}).update(consent)
        if m.type in ("identify", "group"):
            message["traits"] = traits
        else:
            message["properties"] = properties
            if traits:
                context["traits"] = traits
        message["context"] = context
        message["messageId"] = self._message_id(row, message)
        return message

    def _ids(self, row: Mapping[str, Any], message: dict[str, Any]) -> None:
        pairs = (("userId", self.mapping.user_id), ("anonymousId", self.mapping.anonymous_id))
        for key, column in pairs:
            if column and not is_empty(value := lookup(row, column)):
                message[key] = as_text(value)

    def _required(self, row: Mapping[str, Any], key: str, column: str) -> str:
        value = lookup(row, column)
        if is_empty(value):
            raise RowError(key, f"column {column!r} is empty in this row; every row needs one")
        return as_text(value)

    def _values(self, row: Mapping[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, column in columns.items():
            value = lookup(row, column)
            if is_empty(value):
                continue
            if self.infer and isinstance(value, str):
                out[name] = infer(value.strip())
            else:
                out[name] = jsonable(value)
        return out

    def _consent(self, row: Mapping[str, Any]) -> dict[str, bool]:
        decided = {}
        for purpose, column in self.mapping.consent.items():
            value = lookup(row, column)
            if is_empty(value):
                continue
            if isinstance(value, bool):
                decided[purpose] = value
                continue
            text = as_text(value).strip().lower()
            if text not in CONSENT_WORDS:
                raise RowError(
                    f"consent.{purpose}",
                    f"column {column!r} holds {as_text(value)!r}, which is not a consent "
                    f"decision; use one of {', '.join(sorted(CONSENT_WORDS))}",
                )
            decided[purpose] = CONSENT_WORDS[text]
        return decided

    def _identifiers(
        self, row: Mapping[str, Any], traits: dict[str, Any] | None
    ) -> list[dict[str, str]]:
        externals = []
        for id_type, column in self.mapping.identifiers.items():
            value = lookup(row, column)
            if is_empty(value):
                continue
            ident = normalise(id_type, as_text(value), self.mapping.phone_region)
            if ident is None:
                self.skipped_identifiers[id_type] += 1
                continue
            externals.append(
                {"id": ident.value, "type": ident.type, "collection": "users", "encoding": "none"}
            )
            if traits is not None and ident.type in ("email", "phone"):
                traits.setdefault(ident.type, ident.value)
        return externals

    def _message_id(self, row: Mapping[str, Any], message: Mapping[str, Any]) -> str:
        column = self.mapping.message_id
        if column and not is_empty(value := lookup(row, column)):
            return column_id(self.source, as_text(value))
        return content_id(self.source, message)


def passthrough(row: Mapping[str, Any], source: str) -> dict[str, Any]:
    """A row that already is a Segment message, with a content-hash messageId when it has none."""
    message = {str(k): jsonable(v) for k, v in row.items() if not is_empty(v)}
    if is_empty(message.get("messageId")):
        message["messageId"] = content_id(source, message)
    return message
