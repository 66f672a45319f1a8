"""The import mapping: which columns of a file or table become which parts of a Segment message.

A mapping is a small YAML file (see ``docs/importers.md``), validated with pydantic. Every error
names the YAML key at fault and says how to fix it; :meth:`ImportMapping.check_columns` compares
the mapped column names with the columns the file really has and lists them when one is missing.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import phonenumbers
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from vantage.core.errors import ConfigError

CallType = Literal["identify", "track", "page", "screen", "group"]
CALL_TYPES: tuple[str, ...] = ("identify", "track", "page", "screen", "group")
EPOCH_FORMATS = ("epoch_s", "epoch_ms")
_COLUMN_KEYS = (
    "event_column",
    "name_column",
    "timestamp",
    "user_id",
    "anonymous_id",
    "message_id",
    "group_id",
)
_COLUMN_MAPS = ("identifiers", "traits", "properties", "consent")


class MappingError(ConfigError):
    """An import mapping is invalid or does not fit the file it is applied to."""


def _problem(key: str, problem: str, fix: str) -> PydanticCustomError:
    return PydanticCustomError(
        "mapping", "{key}: {problem} Fix: {fix}", {"key": key, "problem": problem, "fix": fix}
    )


class ImportMapping(BaseModel):
    """How the rows of a file or table become Segment messages.

    Attributes:
        source: Source name to import into (a ``--source`` given to the CLI wins).
        type: Segment call made for each row; defaults to ``track`` when ``event`` or
            ``event_column`` is set, else ``identify``.
        event: Constant event name of track calls.
        event_column: Column holding the event name of track calls.
        name: Constant page or screen name.
        name_column: Column holding the page or screen name.
        timestamp: Column with the event time (ISO-8601 text, date, datetime or epoch seconds);
            rows without a value get the import time.
        timestamp_format: ``strptime`` format of text timestamps, or ``epoch_s`` / ``epoch_ms``.
        user_id: Column for ``userId``.
        anonymous_id: Column for ``anonymousId``.
        message_id: Column with a stable unique row id; default: a hash of the message content.
        group_id: Column for ``groupId`` (required by group calls).
        identifiers: Identifier type -> column; values go to ``context.externalIds``.
        traits: Trait name -> column.
        properties: Property name -> column (track, page and screen calls).
        consent: Consent purpose -> column (yes/no, true/false, 1/0, granted/denied, opt-in/
            opt-out); values go to ``context.consent.categoryPreferences`` and so into the
            consent ledger, like consent sent with events. Empty cells decide nothing.
        context: Constant context merged into every message.
        infer_types: Turn CSV text that looks like a number or true/false into one (traits and
            properties only).
        phone_region: Region assumed for phone numbers written without a country code.
    """

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    source: str | None = Field(None, min_length=1)
    type: CallType | None = None
    event: str | None = Field(None, min_length=1)
    event_column: str | None = Field(None, min_length=1)
    name: str | None = Field(None, min_length=1)
    name_column: str | None = Field(None, min_length=1)
    timestamp: str | None = Field(None, min_length=1)
    timestamp_format: str | None = Field(None, min_length=1)
    user_id: str | None = Field(None, min_length=1)
    anonymous_id: str | None = Field(None, min_length=1)
    message_id: str | None = Field(None, min_length=1)
    group_id: str | None = Field(None, min_length=1)
    identifiers: dict[str, str] = Field(default_factory=dict)
    traits: dict[str, str] = Field(default_factory=dict)
    properties: dict[str, str] = Field(default_factory=dict)
    consent: dict[str, str] = Field(default_factory=dict)
    context: dict[str, Any] = Field(default_factory=dict)
    infer_types: bool = True
    phone_region: str = "GB"

    @model_validator(mode="after")
    def _consistent(self) -> ImportMapping:
        if self.event and self.event_column:
            raise _problem(
                "event_column", "set event or event_column, not both.", "remove one of them."
            )
        if self.name and self.name_column:
            raise _problem(
                "name_column", "set name or name_column, not both.", "remove one of them."
            )
        if self.type is None:
            self.type = "track" if self.event or self.event_column else "identify"
        self._check_call_fields()
        self._check_timestamp()
        for key in _COLUMN_MAPS:
            for name, column in getattr(self, key).items():
                if not str(name).strip() or not column.strip():
                    raise _problem(
                        f"{key}.{name}", "names and columns must not be empty.", "write name: col."
                    )
        if not (self.user_id or self.anonymous_id or self.identifiers):
            raise _problem(
                "user_id",
                "nothing says who a row is about.",
                "map at least one of user_id, anonymous_id or identifiers (e.g. email: col).",
            )
        if self.phone_region not in phonenumbers.SUPPORTED_REGIONS:
            raise _problem(
                "phone_region",
                f"{self.phone_region!r} is not a region code.",
                "use a two-letter ISO 3166 code such as GB, US or DE.",
            )
        return self

    def _check_call_fields(self) -> None:
        call = self.type
        if call == "track" and not (self.event or self.event_column):
            raise _problem(
                "event",
                "a track call needs an event name.",
                "set event: <name> or event_column: <column>, or choose another type.",
            )
        if call != "track" and (self.event or self.event_column):
            key = "event" if self.event else "event_column"
            raise _problem(
                key,
                f"only track calls have an event name, and type is {call}.",
                "set type: track, or use name / name_column for page and screen calls.",
            )
        if call not in ("page", "screen") and (self.name or self.name_column):
            key = "name" if self.name else "name_column"
            raise _problem(
                key,
                f"only page and screen calls have a name; type is {call}.",
                "remove it or set type: page / screen.",
            )
        if call in ("identify", "group") and self.properties:
            raise _problem(
                "properties",
                f"{call} calls carry traits, not properties.",
                "move these columns under traits:, or set type: track.",
            )
        if call == "group" and not self.group_id:
            raise _problem(
                "group_id",
                "a group call needs the group's id.",
                "add group_id: <column holding the account or company id>.",
            )
        if call != "group" and self.group_id:
            raise _problem(
                "group_id",
                f"only group calls have a group id; type is {call}.",
                "remove group_id, or set type: group.",
            )

    def _check_timestamp(self) -> None:
        fmt = self.timestamp_format
        if fmt is None:
            return
        if not self.timestamp:
            raise _problem(
                "timestamp_format",
                "there is no timestamp column to parse.",
                "add timestamp: <column> or remove timestamp_format.",
            )
        if fmt not in EPOCH_FORMATS and "%" not in fmt:
            raise _problem(
                "timestamp_format",
                f"{fmt!r} is neither a strptime format nor one of {', '.join(EPOCH_FORMATS)}.",
                "write it with % codes, e.g. '%d/%m/%Y %H:%M', or use epoch_s / epoch_ms.",
            )

    def mapped_columns(self) -> list[tuple[str, str]]:
        """Every (YAML key, column) pair of the mapping, e.g. ``("traits.city", "town")``."""
        pairs = [(key, getattr(self, key)) for key in _COLUMN_KEYS if getattr(self, key)]
        for key in _COLUMN_MAPS:
            pairs.extend((f"{key}.{name}", column) for name, column in getattr(self, key).items())
        return pairs

    def check_columns(self, columns: Sequence[str], where: str) -> None:
        """Raise :class:`MappingError` when a mapped column is not among ``columns``.

        A column named ``a.b`` may also refer to key ``b`` inside an object column ``a``.

        Args:
            columns: The columns the file or table has.
            where: The file or table, for the message.
        """
        have = set(columns)
        missing = [
            (key, col)
            for key, col in self.mapped_columns()
            if col not in have and col.split(".", 1)[0] not in have
        ]
        if not missing:
            return
        parts = []
        for key, col in missing:
            close = difflib.get_close_matches(col, list(columns), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            parts.append(f"{key}: column {col!r} is not in {where}{hint}")
        raise MappingError(
            "; ".join(parts) + ".",
            f"use one of its columns: {', '.join(columns) or '(none)'}.",
        )


def parse_mapping(data: Any, origin: str = "mapping") -> ImportMapping:
    """Validate already-parsed mapping data, turning pydantic errors into a :class:`MappingError`.

    Args:
        data: The mapping as a dict (from YAML or code).
        origin: Where it came from, for the message (a file name).

    Returns:
        The validated mapping.
    """
    if not isinstance(data, dict):
        raise MappingError(
            f"{origin}: the mapping must be a YAML mapping of key: value lines, "
            f"not {type(data).__name__}.",
            "start from the example in docs/importers.md.",
        )
    try:
        return ImportMapping.model_validate(data)
    except ValidationError as exc:
        problems, fixes = [], []
        for err in exc.errors():
            key, problem, fix = _describe(err)
            problems.append(f"{key}: {problem}")
            fixes.append(fix)
        raise MappingError(f"{origin}: " + "; ".join(problems), " ".join(fixes)) from exc


def load_mapping(path: str | Path) -> ImportMapping:
    """Read and validate a YAML import mapping.

    Args:
        path: The mapping file.

    Returns:
        The validated mapping.

    Raises:
        MappingError: The file is missing, is not YAML, or a key is invalid; the message names
            the key and the fix.
    """
    path = Path(path)
    if not path.is_file():
        raise MappingError(
            f"mapping file {path} does not exist.",
            "check the path, or start from the example mapping in docs/importers.md.",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise MappingError(
            f"mapping file {path} is not valid YAML{where}: {getattr(exc, 'problem', exc)}.",
            "fix the indentation or quoting there (values with ':' or '#' need quotes).",
        ) from exc
    if data is None:
        raise MappingError(f"mapping file {path} is empty.", "see docs/importers.md for keys.")
    return parse_mapping(data, str(path))


def _describe(err: Any) -> tuple[str, str, str]:
    ctx = err.get("ctx") or {}
    if err["type"] == "mapping":
        return ctx["key"], ctx["problem"], ctx["fix"]
    loc = err.get("loc", ())
    key = ".".join(str(p) for p in loc) or "(mapping)"
    kind = err["type"]
    known = list(ImportMapping.model_fields)
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[0]), known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return key, "unknown key.", f"{hint}Known keys: {', '.join(known)}."
    if kind == "literal_error":
        return key, f"must be one of {', '.join(CALL_TYPES)}.", f"set {key}: identify or track."
    if kind == "string_type":
        return key, "must be text.", f"write a column name or text after {key}: (quote it)."
    if kind == "string_too_short":
        return key, "must not be empty.", f"write a value after {key}: or remove the key."
    if kind == "dict_type":
        return key, "must be a mapping.", f"indent 'name: column' lines under {key}:."
    if kind == "bool_parsing":
        return key, "must be true or false.", f"write {key}: true or {key}: false."
    return key, str(err.get("msg", "invalid")) + ".", "see docs/importers.md for this key."
