"""Computed traits of one customer, evaluated in Python over that customer's events.

The warehouse computes traits for every customer with Ibis (:mod:`vantage.profiles.computed`).
Reading one profile only needs that customer's events, and compiling the eleven-way Ibis
expression for every API request costs far more than the query (about a second on two cores),
so a profile read fetches the customer's events with one small query and evaluates the same
declarations here. A property-based test holds both to the same answers on random event streams.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from vantage.profiles.computed import NUMERIC, ComputedTrait

_ZERO_WHEN_EMPTY = frozenset({"count", "sum", "unique_count"})


@dataclass(frozen=True)
class CustomerEvent:
    """One event of the customer, as the trait evaluator needs it."""

    seq: int
    timestamp: datetime
    type: str
    event: str | None
    message: Mapping[str, Any]

    @classmethod
    def from_row(
        cls, seq: Any, timestamp: Any, kind: Any, event: Any, payload: Any
    ) -> CustomerEvent:
        """Build from a warehouse row (``payload`` is the JSON text of the message)."""
        moment = timestamp.to_pydatetime() if hasattr(timestamp, "to_pydatetime") else timestamp
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        message = orjson.loads(str(payload))
        name = None if event is None or (isinstance(event, float) and math.isnan(event)) else event
        return cls(
            int(seq),
            moment,
            str(kind),
            name and str(name),
            message if isinstance(message, dict) else {},
        )


def _text(message: Mapping[str, Any], path: str) -> str | None:
    """The property as the warehouse's ``json_text`` gives it (strings bare, others as JSON)."""
    node: Any = message.get("properties")
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    if node is None:
        return None
    return node if isinstance(node, str) else orjson.dumps(node).decode()


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else value


def _rows(
    trait: ComputedTrait, events: Sequence[CustomerEvent], as_of: datetime
) -> list[CustomerEvent]:
    start = as_of - timedelta(days=trait.window_days) if trait.window_days else None
    return [
        e
        for e in events
        if e.type in trait.types
        and (trait.events is None or e.event in trait.events)
        and e.timestamp <= as_of
        and (start is None or e.timestamp > start)
    ]


def _aggregate(trait: ComputedTrait, rows: list[CustomerEvent], as_of: datetime) -> Any:
    agg = trait.aggregation
    if agg == "count":
        return len(rows) or None
    if agg in ("first_seen", "last_seen", "days_since_last"):
        if not rows:
            return None
        stamps = [r.timestamp for r in rows]
        if agg == "first_seen":
            return min(stamps)
        last = max(stamps)
        return last if agg == "last_seen" else (as_of.date() - last.date()).days
    valued = [(r, _text(r.message, trait.property or "")) for r in rows]
    if agg in NUMERIC:
        numbers = [n for _, t in valued if (n := _number(t)) is not None]
        if not numbers:
            return None
        if agg == "sum":
            return sum(numbers)
        if agg == "avg":
            return sum(numbers) / len(numbers)
        return min(numbers) if agg == "min" else max(numbers)
    texts = [(r, t) for r, t in valued if t is not None]
    if not texts:
        return None
    if agg == "unique_count":
        return len({t for _, t in texts})
    if agg == "first":
        return min(texts, key=lambda rt: (rt[0].timestamp, rt[0].seq))[1]
    if agg == "last":
        return min(texts, key=lambda rt: (-rt[0].timestamp.timestamp(), rt[0].seq))[1]
    counts = Counter(t for _, t in texts)
    latest: dict[str, float] = {}
    for r, t in texts:
        latest[t] = max(latest.get(t, float("-inf")), r.timestamp.timestamp())
    return min(counts, key=lambda t: (-counts[t], -latest[t], t))


def evaluate_traits(
    traits: Iterable[ComputedTrait], events: Sequence[CustomerEvent], as_of: datetime
) -> dict[str, Any]:
    """The customer's computed traits as of ``as_of`` (the warehouse's semantics).

    Args:
        traits: The declarations.
        events: All of the customer's events (any order).
        as_of: The cut-off time (aware).

    Returns:
        Trait name -> value; empty when the customer has no event at or before ``as_of``, as
        the warehouse returns no row then.
    """
    if not any(e.timestamp <= as_of for e in events):
        return {}
    values = {}
    for trait in traits:
        value = _aggregate(trait, _rows(trait, events, as_of), as_of)
        if value is None and trait.aggregation in _ZERO_WHEN_EMPTY:
            value = 0
        values[trait.name] = value
    return values
