"""Real-time computed traits: counters kept per identifier as events arrive.

The warehouse computes every computed trait in batch (:mod:`vantage.profiles.computed`) over the
events it has synced. Between two syncs, :class:`LiveCounters` keeps, for each identifier node of
the identity graph, the values of the events that are not in the warehouse yet, per trait, and
:func:`overlay` combines them with the warehouse's values: counts and sums add, minima and maxima
take the extreme, first/last seen move. Windows are applied when a profile is read, so a 30-day
counter is exact at any instant. Entries are dropped once the warehouse has synced past them.

Aggregations that cannot be combined from partial results without the warehouse's raw rows
(``avg``, ``first``, ``last``, ``most_frequent``, ``unique_count``) keep their warehouse value
until the next sync.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from vantage.profiles.computed import ComputedTrait

LIVE_AGGREGATIONS = frozenset(
    {"count", "sum", "min", "max", "first_seen", "last_seen", "days_since_last"}
)


@dataclass(frozen=True)
class _Entry:
    seq: int
    ts: float
    value: float


def _number(message: Mapping[str, Any], path: str) -> float | None:
    node: Any = message.get("properties")
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    if isinstance(node, bool) or node is None:
        return None
    try:
        return float(node)
    except (TypeError, ValueError):
        return None


def _matches(trait: ComputedTrait, message: Mapping[str, Any]) -> bool:
    if message.get("type") not in trait.types:
        return False
    return trait.events is None or message.get("event") in trait.events


class LiveCounters:
    """Per-identifier values of the events not yet in the warehouse, one queue per trait.

    Args:
        traits: The computed traits; those with an aggregation outside
            :data:`LIVE_AGGREGATIONS` are ignored here.
    """

    def __init__(self, traits: Iterable[ComputedTrait]) -> None:
        self.traits = tuple(t for t in traits if t.aggregation in LIVE_AGGREGATIONS)
        self._entries: dict[int, dict[str, deque[_Entry]]] = {}
        self.entries = 0

    def add(self, node: int, seq: int, ts: float, message: Mapping[str, Any]) -> None:
        """Record one event of the identifier ``node`` (events arrive in ``seq`` order)."""
        for trait in self.traits:
            if not _matches(trait, message):
                continue
            value = 1.0
            if trait.property is not None:
                number = _number(message, trait.property)
                if number is None:
                    continue
                value = number
            per_node = self._entries.setdefault(node, {})
            per_node.setdefault(trait.name, deque()).append(_Entry(seq, ts, value))
            self.entries += 1

    def forget_through(self, seq: int) -> None:
        """Drop every entry at or below ``seq`` (the warehouse has those events now)."""
        for node in list(self._entries):
            queues = self._entries[node]
            for name in list(queues):
                queue = queues[name]
                while queue and queue[0].seq <= seq:
                    queue.popleft()
                    self.entries -= 1
                if not queue:
                    del queues[name]
            if not queues:
                del self._entries[node]

    def clear(self) -> None:
        """Forget everything (after a reload of the identity graph)."""
        self._entries.clear()
        self.entries = 0

    def partials(
        self, nodes: Iterable[int], *, after_seq: int, as_of: datetime
    ) -> dict[str, list[float]]:
        """Per trait, the (value, time) pairs of ``nodes`` above ``after_seq`` and in window.

        Returns:
            ``{trait: [value, ts, value, ts, ...]}`` flattened, for :func:`overlay`.
        """
        cutoff = as_of.timestamp()
        found: dict[str, list[float]] = {}
        by_name = {t.name: t for t in self.traits}
        for node in nodes:
            for name, queue in self._entries.get(node, {}).items():
                window = by_name[name].window_days
                start = cutoff - timedelta(days=window).total_seconds() if window else None
                for entry in queue:
                    if entry.seq <= after_seq or entry.ts > cutoff:
                        continue
                    if start is not None and entry.ts <= start:
                        continue
                    found.setdefault(name, []).extend((entry.value, entry.ts))
        return found


def _timestamp(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str):
        return datetime.fromisoformat(value).timestamp()
    return None


def overlay(
    traits: Iterable[ComputedTrait],
    batch: Mapping[str, Any],
    partials: Mapping[str, list[float]],
    as_of: datetime,
) -> dict[str, Any]:
    """The warehouse's values updated with the live partials of :meth:`LiveCounters.partials`.

    Args:
        traits: The computed traits (the same declarations the warehouse used).
        batch: The warehouse's values for the customer (may be empty for a new customer).
        partials: The live values.
        as_of: The time the profile is read at.
    """
    result = dict(batch)
    for trait in traits:
        flat = partials.get(trait.name)
        if trait.aggregation not in LIVE_AGGREGATIONS or not flat:
            continue
        values, stamps = flat[0::2], flat[1::2]
        old = batch.get(trait.name)
        agg = trait.aggregation
        if agg == "count":
            result[trait.name] = int(old or 0) + len(values)
        elif agg == "sum":
            result[trait.name] = float(old or 0) + sum(values)
        elif agg in ("min", "max"):
            pick = min if agg == "min" else max
            result[trait.name] = pick([*values, *([float(old)] if old is not None else [])])
        else:
            known = _timestamp(old) if agg != "days_since_last" else None
            if agg == "first_seen":
                chosen = min([*stamps, *([known] if known is not None else [])])
            else:
                chosen = max([*stamps, *([known] if known is not None else [])])
            moment = datetime.fromtimestamp(chosen, UTC)
            if agg == "days_since_last":
                result[trait.name] = _days_between(moment, as_of, old)
            else:
                result[trait.name] = moment.isoformat()
    return result


def _days_between(last: datetime, as_of: datetime, old: Any) -> int:
    """Calendar days from ``last`` to ``as_of`` (as the warehouse's day difference counts)."""
    days = (as_of.date() - last.date()).days
    return min(days, int(old)) if old is not None else days
