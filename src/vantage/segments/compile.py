"""Segment conditions compiled to Ibis, so they run on every warehouse backend.

User input never becomes SQL text: names are checked against the :class:`Catalog` first and
then used only as Ibis column references (traits) or as literals (event names, model names,
purposes, values); every value goes through ``ibis.literal``.

Each leaf is true or false, never NULL (a customer without the trait, score or decision does not
match a comparison, and ``not`` of it does), so batch results equal the real-time evaluation of
:mod:`vantage.segments.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis import Deferred

from vantage.segments.catalog import Catalog, FieldType, expand, parse_time
from vantage.segments.spec import (
    AllOf,
    AnyOf,
    ConsentCondition,
    DidCondition,
    EventCondition,
    LookalikeCondition,
    Node,
    NotOf,
    PredictionCondition,
    ProfileCondition,
    PropertyCondition,
    SegmentReference,
    SegmentSpec,
    SegmentSpecError,
    TraitCondition,
    parse_duration,
)

JsonText = Callable[[ir.StringValue, Sequence[str]], ir.StringValue]


@dataclass(frozen=True)
class Sources:
    """The warehouse tables a segment reads, as Ibis expressions.

    Attributes:
        customers: One row per customer: ``customer_id`` and a column per computed trait.
        events: Events with their ``customer_id`` (``timestamp``, ``event``, ``payload``).
        predictions: The ``predictions`` table (None when absent).
        consent: Current decision per customer and purpose (``customer_id, purpose, granted``).
        lookalikes: Look-alike ranks (``seed, customer_id, rank``; None when absent).
        json_text: The store's JSON accessor (text at a path of a JSON text column).
        as_of: The evaluation time (aware).
        profile: Merged profile traits (``profile_traits``: ``customer_id, trait, text,
            number, flag``; None when absent).
    """

    customers: ir.Table
    events: ir.Table
    predictions: ir.Table | None
    consent: ir.Table | None
    lookalikes: ir.Table | None
    json_text: JsonText
    as_of: datetime
    profile: ir.Table | None = None


PROFILE_COLUMNS = {"number": "number", "text": "text", "boolean": "flag"}


def _literal(value: Any, kind: FieldType | None) -> ir.Value:
    if kind == "time":
        return ibis.literal(parse_time(value), type="timestamp('UTC')")
    return ibis.literal(value)


def compare(column: Any, op: str, value: Any, kind: FieldType | None = None) -> Any:
    """``column <op> value`` as a boolean that is false (not NULL) where ``column`` is NULL.

    ``column`` may be an Ibis value or a deferred (``ibis._[name]``); ``value`` is only ever
    used as a literal.
    """
    if op == "exists":
        present = column.notnull()
        return present if value in (None, True) else ~present
    if op in ("in", "not_in"):
        options = [_literal(v, kind) for v in value]
        test = column.isin(options)
        test = test if op == "in" else ~test
    elif op == "contains":
        test = column.contains(ibis.literal(str(value)))
    else:
        right = _literal(value, kind)
        test = {
            "=": lambda: column == right,
            "!=": lambda: column != right,
            ">": lambda: column > right,
            ">=": lambda: column >= right,
            "<": lambda: column < right,
            "<=": lambda: column <= right,
        }[op]()
    return column.notnull() & test.fill_null(False)


class _Compiler:
    def __init__(self, sources: Sources, catalog: Catalog) -> None:
        self.sources = sources
        self.catalog = catalog
        self.joins: list[tuple[str, ir.Table]] = []

    def _join(self, table: ir.Table, value: ir.Value) -> Deferred:
        name = f"_seg_{len(self.joins)}"
        self.joins.append((name, table.select("customer_id", **{name: value})))
        return ibis._[name]

    def condition(self, node: Node) -> Any:
        if isinstance(node, AllOf | AnyOf):
            parts = [self.condition(c) for c in (node.all if isinstance(node, AllOf) else node.any)]
            result = parts[0]
            for part in parts[1:]:
                result = (result & part) if isinstance(node, AllOf) else (result | part)
            return result
        if isinstance(node, NotOf):
            return ~self.condition(node.not_)
        if isinstance(node, TraitCondition):
            kind = self.catalog.traits.get(node.trait)
            return compare(ibis._[node.trait], node.op, node.value, kind)
        if isinstance(node, ProfileCondition):
            return compare(self._profile(node.profile, node.op), node.op, node.value)
        if isinstance(node, PredictionCondition):
            return compare(self._prediction(node.prediction), node.op, node.value)
        if isinstance(node, ConsentCondition):
            return compare(self._consent(node.consent), "=", node.granted)
        if isinstance(node, EventCondition):
            counted = self._event_count(node)
            return compare(counted.fill_null(0), node.count.op, node.count.value)
        if isinstance(node, DidCondition):
            return self._did(node).notnull()
        if isinstance(node, LookalikeCondition):
            return self._lookalike(node).notnull()
        if isinstance(node, SegmentReference):
            raise SegmentSpecError(
                f"Segment reference {node.segment!r} was not expanded before compiling.",
                "Compile with compile_segment(), which expands references.",
            )
        raise TypeError(f"unknown condition node {type(node).__name__}")

    def _prediction(self, model: str) -> Deferred:
        table = self.sources.predictions
        if table is None:
            raise SegmentSpecError(
                "The warehouse has no predictions table.", "Train and score a model first."
            )
        rows = table.filter(table.model == ibis.literal(model))
        latest = rows.group_by("customer_id").aggregate(score=rows.score.argmax(rows.computed_at))
        return self._join(latest, latest.score)

    def _profile(self, name: str, op: str) -> Deferred:
        table = self.sources.profile
        if table is None:
            raise SegmentSpecError(
                "The warehouse has no profile_traits table.",
                "Run `vantage init` (migrations) and sync events.",
            )
        rows = table.filter(table.trait == ibis.literal(name))
        if op == "exists":  # any value but JSON null, whatever its type (lists included)
            return self._join(rows, ibis.ifelse(rows.value == "null", None, rows.value))
        column = PROFILE_COLUMNS[self.catalog.profile.get(name, "text")]
        return self._join(rows, rows[column])

    def _consent(self, purpose: str) -> Deferred:
        table = self.sources.consent
        if table is None:
            raise SegmentSpecError("The warehouse has no consent ledger.", "Run `vantage init`.")
        rows = table.filter(table.purpose == ibis.literal(purpose))
        return self._join(rows, rows.granted)

    def _events(self, name: str) -> ir.Table:
        events = self.sources.events
        cutoff = ibis.literal(self.sources.as_of, type="timestamp('UTC')")
        return events.filter((events.event == ibis.literal(name)) & (events.timestamp <= cutoff))

    def _property(self, rows: ir.Table, cond: PropertyCondition) -> Any:
        text = self.sources.json_text(rows.payload, ["properties", *cond.property.split(".")])
        sample = cond.value[0] if isinstance(cond.value, list) else cond.value
        if isinstance(sample, bool):
            values = cond.value if isinstance(cond.value, list) else [cond.value]
            words = ["true" if v else "false" for v in values]
            value: Any = words if isinstance(cond.value, list) else words[0]
            return compare(text, cond.op, value)
        if isinstance(sample, int | float):
            return compare(text.try_cast("float64"), cond.op, cond.value)
        return compare(text, cond.op, cond.value)

    def _event_count(self, node: EventCondition) -> Deferred:
        rows = self._events(node.event)
        if node.within is not None:
            start = self.sources.as_of - parse_duration(node.within)
            rows = rows.filter(rows.timestamp > ibis.literal(start, type="timestamp('UTC')"))
        if node.where is not None:
            rows = rows.filter(self._property(rows, node.where))
        counts = rows.group_by("customer_id").aggregate(n=rows.count())
        return self._join(counts, counts.n)

    def _did(self, node: DidCondition) -> Deferred:
        window = parse_duration(node.within)
        first = self._events(node.did)
        latest = ibis.literal(self.sources.as_of - window, type="timestamp('UTC')")
        first = first.filter(first.timestamp <= latest)
        if node.in_last is not None:
            start = self.sources.as_of - parse_duration(node.in_last)
            first = first.filter(first.timestamp > ibis.literal(start, type="timestamp('UTC')"))
        first = first.select("customer_id", "timestamp")
        then = self._events(node.not_followed_by)
        then = then.select(then_customer=then.customer_id, then_ts=then.timestamp)
        span = ibis.interval(seconds=int(window.total_seconds()))
        missed = first.anti_join(
            then,
            [
                first.customer_id == then.then_customer,
                then.then_ts >= first.timestamp,
                then.then_ts <= first.timestamp + span,
            ],
        )
        marks = missed.select("customer_id").distinct()
        return self._join(marks, ibis.literal(True))

    def _lookalike(self, node: LookalikeCondition) -> Deferred:
        table = self.sources.lookalikes
        if table is None:
            raise SegmentSpecError(
                f"No look-alike scores for seed {node.lookalike!r}.",
                f"Run `vantage segment lookalike {node.lookalike} --top N` first.",
            )
        rows = table.filter(
            (table.seed == ibis.literal(node.lookalike)) & (table["rank"] <= node.top)
        )
        return self._join(rows, ibis.literal(True))


def compile_condition(node: Node, sources: Sources, catalog: Catalog) -> ir.Table:
    """The customers matching an (expanded) condition: a table with one ``customer_id`` column.

    Args:
        node: The condition, segment references already expanded (see :func:`expand`).
        sources: The warehouse tables.
        catalog: Known names and trait types (checked before).
    """
    compiler = _Compiler(sources, catalog)
    predicate = compiler.condition(node)
    base = sources.customers
    for _name, table in compiler.joins:
        base = base.left_join(table, "customer_id").drop("customer_id_right")
    return base.filter(predicate).select("customer_id")


def compile_segment(spec: SegmentSpec, sources: Sources, catalog: Catalog) -> ir.Table:
    """The members of a checked segment as an Ibis table (``customer_id``), references inlined.

    Raises:
        SegmentSpecError: A reference is unknown or the references form a cycle.
    """
    return compile_condition(expand(spec, catalog), sources, catalog)
