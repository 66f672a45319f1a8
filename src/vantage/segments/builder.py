"""A Python builder for segment conditions: the same trees as YAML, written as expressions.

Example:
    >>> frequent = (trait("orders_30d") >= 2) & consent("email_marketing")
    >>> lapsed = event("Order Completed").count(within="90d") == 0
    >>> spec = (frequent | ~lapsed).to_spec("engaged")
    >>> spec.where.any[0].all[0].trait
    'orders_30d'

``&`` is AND, ``|`` is OR, ``~`` is NOT; comparisons on :func:`trait`, :func:`profile`,
:func:`prediction` and :func:`prop` give conditions, as do :func:`consent`, :func:`segment`,
:func:`lookalike`, ``event(...).count(...) <op> n`` and ``did(...).not_followed_by(...)``.
"""

from __future__ import annotations

from typing import Any

from vantage.segments.spec import SegmentSpec, validate_spec


class Cond:
    """A condition node (a dict in the shape of the YAML language)."""

    def __init__(self, node: dict[str, Any]) -> None:
        self.node = node

    def _parts(self, key: str) -> list[dict[str, Any]]:
        return list(self.node[key]) if set(self.node) == {key} else [self.node]

    def __and__(self, other: Cond) -> Cond:
        return Cond({"all": [*self._parts("all"), *other._parts("all")]})

    def __or__(self, other: Cond) -> Cond:
        return Cond({"any": [*self._parts("any"), *other._parts("any")]})

    def __invert__(self) -> Cond:
        return Cond({"not": self.node})

    def to_dict(self) -> dict[str, Any]:
        """The condition as plain data (the ``where`` of a YAML definition)."""
        return self.node

    def to_spec(self, name: str, *, description: str = "", realtime: bool = False) -> SegmentSpec:
        """A segment definition with this condition.

        Raises:
            SegmentSpecError: The name or the condition is invalid.
        """
        return validate_spec(
            {"name": name, "description": description, "where": self.node, "realtime": realtime}
        )

    def __repr__(self) -> str:
        return f"Cond({self.node!r})"


class Field:
    """Something compared with a value: a trait, a prediction or an event property."""

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name

    def _cond(self, op: str, value: Any = None) -> Cond:
        node: dict[str, Any] = {self.kind: self.name, "op": op}
        if value is not None:
            node["value"] = list(value) if isinstance(value, tuple | set | frozenset) else value
        return Cond(node)

    def __eq__(self, value: object) -> Cond:  # type: ignore[override]
        return self._cond("=", value)

    def __ne__(self, value: object) -> Cond:  # type: ignore[override]
        return self._cond("!=", value)

    def __gt__(self, value: Any) -> Cond:
        return self._cond(">", value)

    def __ge__(self, value: Any) -> Cond:
        return self._cond(">=", value)

    def __lt__(self, value: Any) -> Cond:
        return self._cond("<", value)

    def __le__(self, value: Any) -> Cond:
        return self._cond("<=", value)

    def isin(self, values: Any) -> Cond:
        """The value is one of ``values``."""
        return self._cond("in", list(values))

    def not_in(self, values: Any) -> Cond:
        """The value is none of ``values``."""
        return self._cond("not_in", list(values))

    def contains(self, text: str) -> Cond:
        """The (text) value contains ``text``."""
        return self._cond("contains", text)

    def exists(self, present: bool = True) -> Cond:
        """The value is known (or, with ``present=False``, unknown)."""
        return self._cond("exists", None if present else False)

    __hash__ = None  # type: ignore[assignment]


def trait(name: str) -> Field:
    """A computed trait, e.g. ``trait("orders_30d") >= 2``."""
    return Field("trait", name)


def profile(name: str) -> Field:
    """A profile trait from identify calls and imports, e.g. ``profile("city") == "Leeds"``."""
    return Field("profile", name)


def prediction(model: str) -> Field:
    """A model's latest score, e.g. ``prediction("propensity_30d") > 0.7``."""
    return Field("prediction", model)


def prop(path: str) -> Field:
    """An event property for :meth:`Event.count`'s ``where``, e.g. ``prop("revenue") > 50``."""
    return Field("property", path)


def consent(purpose: str, *, granted: bool = True) -> Cond:
    """The customer's current decision for a purpose is ``granted``."""
    node: dict[str, Any] = {"consent": purpose}
    if not granted:
        node["granted"] = False
    return Cond(node)


def segment(name: str) -> Cond:
    """Membership of another saved segment."""
    return Cond({"segment": name})


def lookalike(seed: str, *, top: int = 100) -> Cond:
    """The ``top`` customers most like the seed segment."""
    return Cond({"lookalike": seed, "top": top})


class Count:
    """How many matching events a customer has; compare it with a number."""

    def __init__(self, node: dict[str, Any]) -> None:
        self.node = node

    def _cond(self, op: str, value: int) -> Cond:
        return Cond({**self.node, "count": {"op": op, "value": value}})

    def __eq__(self, value: object) -> Cond:  # type: ignore[override]
        return self._cond("=", value)  # type: ignore[arg-type]

    def __ne__(self, value: object) -> Cond:  # type: ignore[override]
        return self._cond("!=", value)  # type: ignore[arg-type]

    def __gt__(self, value: int) -> Cond:
        return self._cond(">", value)

    def __ge__(self, value: int) -> Cond:
        return self._cond(">=", value)

    def __lt__(self, value: int) -> Cond:
        return self._cond("<", value)

    def __le__(self, value: int) -> Cond:
        return self._cond("<=", value)

    __hash__ = None  # type: ignore[assignment]


class Event:
    """A track event by name; see :meth:`count` and :meth:`not_followed_by`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def count(self, *, within: str | None = None, where: Cond | None = None) -> Count:
        """The number of these events (in the last ``within``, matching ``where``)."""
        node: dict[str, Any] = {"event": self.name}
        if within is not None:
            node["within"] = within
        if where is not None:
            node["where"] = where.node
        return Count(node)

    def not_followed_by(self, other: str, *, within: str, in_last: str | None = None) -> Cond:
        """Did this event and not ``other`` within ``within`` after it."""
        node: dict[str, Any] = {"did": self.name, "not_followed_by": other, "within": within}
        if in_last is not None:
            node["in_last"] = in_last
        return Cond(node)


def event(name: str) -> Event:
    """A track event, e.g. ``event("Order Completed").count(within="30d") >= 2``."""
    return Event(name)


did = event
