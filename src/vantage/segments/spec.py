"""The segment language: a condition tree over traits, predictions, consent and events.

A segment is a name, a description, a ``where`` condition tree and whether it is kept in real
time. Nodes are plain dicts (YAML or JSON), one key naming the kind::

    {"all": [...]}   {"any": [...]}   {"not": {...}}
    {"trait": "orders_30d", "op": ">=", "value": 2}
    {"profile": "city", "op": "=", "value": "Leeds"}
    {"prediction": "propensity_30d", "op": ">", "value": 0.7}
    {"consent": "email_marketing"}
    {"event": "Order Completed", "count": {"op": ">=", "value": 2}, "within": "30d",
     "where": {"property": "revenue", "op": ">", "value": 50}}
    {"did": "Product Viewed", "not_followed_by": "Order Completed", "within": "1d"}
    {"segment": "other_name"}
    {"lookalike": "seed_segment", "top": 500}

:func:`load_spec` reads YAML or JSON text (or a file); errors name the offending node by its
path (``where.all[1].trait: ...``). Whether a trait, model or purpose exists is checked against
the warehouse later (:mod:`vantage.segments.catalog`).
"""

from __future__ import annotations

import json
import math
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from vantage.core.errors import VantageError

Op = Literal["=", "!=", ">", ">=", "<", "<=", "in", "not_in", "contains", "exists"]
OPS: tuple[str, ...] = ("=", "!=", ">", ">=", "<", "<=", "in", "not_in", "contains", "exists")
Scalar: TypeAlias = bool | int | float | str
NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_DURATION = re.compile(r"^\s*(\d{1,7})\s*([mhdw])\s*$")
_MAX_DAYS = 36_600
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
KINDS = (
    "all",
    "any",
    "not",
    "trait",
    "profile",
    "prediction",
    "consent",
    "event",
    "did",
    "segment",
)


class SegmentSpecError(VantageError):
    """A segment definition is invalid; the message names the offending node by its path."""


def parse_duration(text: str) -> timedelta:
    """``"30d"``, ``"12h"``, ``"15m"`` or ``"2w"`` as a timedelta.

    Raises:
        ValueError: Not a positive whole number followed by m, h, d or w.
    """
    match = _DURATION.match(str(text))
    span = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))}) if match else None
    if span is None or span <= timedelta(0) or span > timedelta(days=_MAX_DAYS):
        raise ValueError(
            f"duration {text!r} must be a positive whole number and a unit: m (minutes), "
            "h (hours), d (days) or w (weeks), e.g. '30d', of at most 100 years"
        )
    return span


def _duration(value: Any) -> str:
    parse_duration(value)
    return str(value).strip()


Duration = Annotated[str, BeforeValidator(_duration)]


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


_LIMIT = 2**53


def _check_scalar(value: Any) -> None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and not (abs(value) <= _LIMIT and math.isfinite(value)):
        raise ValueError(f"value {value!r} is out of range (at most {_LIMIT:,} in size)")
    if isinstance(value, str) and ("\x00" in value or len(value) > 1_000):
        raise ValueError("text values must be at most 1,000 characters, without NUL characters")


def _check_value(op: str, value: Any, *, allow_text: bool = True) -> None:
    for item in value if isinstance(value, list) else [value]:
        _check_scalar(item)
    if op == "exists":
        if value is not None and not isinstance(value, bool):
            raise ValueError("op 'exists' takes no value (or true / false)")
        return
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ValueError(f'op {op!r} needs a non-empty list as value, e.g. ["a", "b"]')
        if any(isinstance(v, list | dict) or v is None for v in value):
            raise ValueError(f"op {op!r} needs a list of numbers or texts")
        return
    if value is None or isinstance(value, list | dict):
        raise ValueError(f"op {op!r} needs one number, text or true/false as value")
    if op == "contains" and not isinstance(value, str):
        raise ValueError("op 'contains' needs a text value")
    if not allow_text and isinstance(value, str | bool):
        raise ValueError(f"op {op!r} compares scores: the value must be a number")


Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


class TraitCondition(_Node):
    """A computed trait compared with a value (``exists``: the trait has a value)."""

    trait: Name
    op: Op = "="
    value: Scalar | list[Scalar] | None = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> TraitCondition:
        _check_value(self.op, self.value)
        return self


class ProfileCondition(_Node):
    """A profile trait from identify calls and imports (``profile_traits``) compared with a value.

    The value is the merged one (``vantage.profiles.traits.TraitPolicy``: most recent by
    default) as of the last sync; ``exists`` tests that the customer has a value.
    """

    profile: Name
    op: Op = "="
    value: Scalar | list[Scalar] | None = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> ProfileCondition:
        _check_value(self.op, self.value)
        return self


class PredictionCondition(_Node):
    """A model's latest score compared with a number."""

    prediction: Name
    op: Op = ">="
    value: float | list[float] | None = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> PredictionCondition:
        if self.op == "contains":
            raise ValueError("op 'contains' does not apply to scores; use >, >=, <, <=, =")
        _check_value(self.op, self.value, allow_text=False)
        return self


class ConsentCondition(_Node):
    """The customer's current decision for a purpose is ``granted``."""

    consent: Name
    granted: bool = True


class CountComparison(_Node):
    """How many matching events: ``{"op": ">=", "value": 2}``."""

    op: Literal["=", "!=", ">", ">=", "<", "<="] = ">="
    value: int = Field(1, ge=0, le=1_000_000_000)


class PropertyCondition(_Node):
    """An event property (dotted path inside ``properties``) compared with a value."""

    property: str
    op: Op = "="
    value: Scalar | list[Scalar] | None = None

    @field_validator("property")
    @classmethod
    def _path(cls, value: str) -> str:
        if not _PATH.match(value):
            raise ValueError(
                f"property {value!r} must be a dotted path of names, e.g. 'revenue' or "
                "'product.category'"
            )
        return value

    @model_validator(mode="after")
    def _value_fits_op(self) -> PropertyCondition:
        _check_value(self.op, self.value)
        return self


class EventCondition(_Node):
    """How often the customer did a track event, optionally in a window and with a property."""

    event: Name
    count: CountComparison = CountComparison()
    within: Duration | None = None
    where: PropertyCondition | None = None


class DidCondition(_Node):
    """Did ``did`` and not ``not_followed_by`` within ``within`` after it (e.g. browse, no buy).

    Only occurrences at least ``within`` old count (the customer had the whole window), and
    with ``in_last`` only those of that recent period.
    """

    did: Name
    not_followed_by: Name
    within: Duration
    in_last: Duration | None = None


class SegmentReference(_Node):
    """Membership of another saved segment (its condition is inlined, cycles are refused)."""

    segment: Name


class LookalikeCondition(_Node):
    """The ``top`` customers most like a seed segment (``vantage segment lookalike`` scores)."""

    lookalike: Name
    top: int = Field(100, ge=1, le=10_000_000)


class AllOf(_Node):
    """Every condition holds (AND)."""

    all: list[Condition] = Field(min_length=1)


class AnyOf(_Node):
    """At least one condition holds (OR)."""

    any: list[Condition] = Field(min_length=1)


class NotOf(_Node):
    """The condition does not hold (NOT)."""

    not_: Condition = Field(alias="not")


Leaf: TypeAlias = (
    TraitCondition
    | ProfileCondition
    | PredictionCondition
    | ConsentCondition
    | EventCondition
    | DidCondition
    | SegmentReference
    | LookalikeCondition
)
_LEAVES: dict[str, type[_Node]] = {
    "trait": TraitCondition,
    "profile": ProfileCondition,
    "prediction": PredictionCondition,
    "consent": ConsentCondition,
    "event": EventCondition,
    "did": DidCondition,
    "segment": SegmentReference,
    "lookalike": LookalikeCondition,
}


def _first_error(exc: ValidationError, path: str) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int) or p >= 0)
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{path}.{loc}: {msg}" if loc else f"{path}: {msg}"


def parse_condition(data: Any, path: str = "where") -> Node:
    """Turn a dict (YAML/JSON) into a condition node; errors name ``path``.

    Raises:
        ValueError: The dict is not a node; the message starts with the node's path.
    """
    if isinstance(data, _Node):
        return data  # type: ignore[return-value]
    if not isinstance(data, dict):
        raise ValueError(
            f"{path}: a condition must be a mapping such as {{'trait': 'orders', 'op': '>=', "
            f"'value': 1}}, got {type(data).__name__}"
        )
    kinds = [k for k in (*KINDS, "lookalike") if k in data]
    if len(kinds) != 1:
        found = ", ".join(sorted(map(str, data))) or "none"
        raise ValueError(
            f"{path}: a condition needs exactly one of the keys {', '.join(KINDS)}, lookalike "
            f"(found: {found})"
        )
    kind = kinds[0]
    if kind in ("all", "any"):
        items = data[kind]
        extra = sorted(set(data) - {kind})
        if extra:
            raise ValueError(f"{path}: '{kind}' takes no other keys (remove {extra})")
        if not isinstance(items, list) or not items:
            raise ValueError(f"{path}.{kind}: needs a non-empty list of conditions")
        children = [parse_condition(item, f"{path}.{kind}[{i}]") for i, item in enumerate(items)]
        return AllOf(all=children) if kind == "all" else AnyOf(any=children)
    if kind == "not":
        extra = sorted(set(data) - {"not"})
        if extra:
            raise ValueError(f"{path}: 'not' takes no other keys (remove {extra})")
        return NotOf(**{"not": parse_condition(data["not"], f"{path}.not")})
    try:
        return _LEAVES[kind].model_validate(data)  # type: ignore[return-value]
    except ValidationError as exc:
        raise ValueError(_first_error(exc, path)) from None


def _condition(value: Any) -> Any:
    return parse_condition(value, "where")


Node: TypeAlias = AllOf | AnyOf | NotOf | Leaf
Condition = Annotated[Node, BeforeValidator(_condition)]
for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()


class SegmentSpec(BaseModel):
    """A segment definition.

    Attributes:
        name: Lower-case letters, digits and underscores, starting with a letter.
        description: What the segment is for.
        where: The condition tree.
        realtime: Keep membership current as events arrive (only for conditions on one
            customer's current state: traits kept live, predictions, consent).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = Field("", max_length=2_000)
    where: Annotated[Node, BeforeValidator(_condition)]
    realtime: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError(
                f"segment name {value!r} must be 1-63 lower-case letters, digits and "
                "underscores, starting with a letter (e.g. 'frequent_buyers')"
            )
        return value

    def to_dict(self) -> dict[str, Any]:
        """The definition as plain data, in the shape :func:`load_spec` reads."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def load_spec(source: str | Path | dict[str, Any]) -> SegmentSpec:
    """Read a segment definition from YAML or JSON text, a file path or a dict.

    Args:
        source: The definition: text, a path to a ``.yml`` / ``.yaml`` / ``.json`` file, or a
            dict already parsed.

    Raises:
        SegmentSpecError: The text does not parse or the definition is invalid; the message
            names the offending field by its path.
    """
    if isinstance(source, Path) or (
        isinstance(source, str)
        and "\n" not in source
        and source.endswith((".yml", ".yaml", ".json"))
    ):
        path = Path(source)
        if not path.is_file():
            raise SegmentSpecError(
                f"No segment file {path}.", "Check the path (YAML or JSON definition)."
            )
        source = path.read_text()
    if isinstance(source, str):
        try:
            data = json.loads(source) if source.lstrip().startswith("{") else yaml.safe_load(source)
        except (yaml.YAMLError, json.JSONDecodeError) as exc:
            raise SegmentSpecError(
                f"The segment definition is not valid YAML or JSON: {exc}",
                "Fix the syntax; see docs/segments.md for examples.",
            ) from None
    else:
        data = source
    if not isinstance(data, dict):
        raise SegmentSpecError(
            "A segment definition must be a mapping with name, where (and optionally "
            "description, realtime).",
            "See docs/segments.md for examples.",
        )
    return validate_spec(data)


def validate_spec(data: dict[str, Any]) -> SegmentSpec:
    """``SegmentSpec.model_validate`` with a :class:`SegmentSpecError` naming the path.

    Raises:
        SegmentSpecError: The definition is invalid.
    """
    try:
        return SegmentSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = str(err["msg"]).removeprefix("Value error, ")
        loc = ".".join(str(p) for p in err["loc"])
        text = msg if msg.startswith("where") else (f"{loc}: {msg}" if loc else msg)
        raise SegmentSpecError(
            text, "Correct that part of the definition (docs/segments.md)."
        ) from None
