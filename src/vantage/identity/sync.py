"""Feeding the identity graph from stored events, and writing ``identity_map`` to the warehouse.

:func:`process_events` takes any table of events with the lake's columns (``seq``,
``message_id``, ``timestamp``, ``payload``): the incremental path hands it the new rows, and
:func:`rebuild_from_lake` hands it every event of the lake, so both give the same graph.
"""

from __future__ import annotations

from collections.abc import Iterable

import ibis.expr.types as ir
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from vantage.core.errors import StoreError
from vantage.identity.extract import extract_identifiers
from vantage.identity.graph import IDENTITY_MAP_SCHEMA, IdentityGraph, Split
from vantage.identity.rules import IdentityRules
from vantage.store.compaction import snapshot
from vantage.store.lake import EventLog
from vantage.store.migrations import EVENTS_TABLE
from vantage.store.warehouse import Predicate, Store

IDENTITY_MAP_TABLE = "identity_map"


def process_events(graph: IdentityGraph, events: pa.Table) -> int:
    """Add events (lake columns; any order) to the graph in ``seq`` order.

    Events at or below the graph's watermark are skipped, so a batch may overlap the last one.

    Returns:
        How many merges the events caused.
    """
    if events.num_rows == 0:
        return 0
    events = events.filter(pc.greater(events.column("seq"), graph.watermark))
    events = events.sort_by("seq")
    seqs = events.column("seq").to_pylist()
    ids = events.column("message_id").to_pylist()
    stamps = pc.divide(
        pc.cast(pc.cast(events.column("timestamp"), pa.timestamp("us", tz="UTC")), pa.int64()),
        1e6,
    ).to_pylist()
    payloads = events.column("payload").to_pylist()
    merges = 0
    rules = graph.rules
    for seq, message_id, ts, payload in zip(seqs, ids, stamps, payloads, strict=True):
        message = orjson.loads(payload)
        found = extract_identifiers(message, rules) if isinstance(message, dict) else []
        merges += graph.add(found, seq, ts if ts is not None else 0.0, message_id)
    graph.apply_pending()
    return merges


def rebuild_from_lake(
    log: EventLog, rules: IdentityRules | None = None, splits: Iterable[Split] = ()
) -> IdentityGraph:
    """Build the graph from scratch by replaying every event of the lake in ``seq`` order.

    Args:
        log: The event log (its compacted files and the rows still in the log are read).
        rules: Identity rules; defaults when None.
        splits: Manual splits to re-apply, each at the watermark it was made at.

    Returns:
        The rebuilt graph; its ``identity_map`` equals that of incremental processing of the
        same events with the same splits.
    """
    graph = IdentityGraph(rules)
    graph.queue_splits(splits)
    process_events(graph, snapshot(log).read())
    return graph


def _same_identifiers(id_type: str, values: list[str]) -> Predicate:
    def predicate(table: ir.Table) -> ir.BooleanValue:
        return (table.id_type == id_type) & table.id_value.isin(values)

    return predicate


def write_identity_map(store: Store, rows: pa.Table, *, replace: bool = False) -> int:
    """Write ``identity_map`` rows to the warehouse (migration 2 creates the table).

    Args:
        store: The warehouse.
        rows: Rows with :data:`~vantage.identity.graph.IDENTITY_MAP_SCHEMA` (the whole map, or
            the changes from :meth:`IdentityGraph.drain_changes`).
        replace: Replace the whole table with ``rows``; otherwise rows replace the stored rows
            of the same identifiers (an upsert by ``id_type, id_value``).

    Returns:
        The number of rows written.

    Raises:
        StoreError: The table is missing (migrations not applied) or rows do not fit.
    """
    if rows.schema.names != IDENTITY_MAP_SCHEMA.names:
        raise StoreError(
            f"identity_map rows have columns {rows.schema.names}.",
            f"Pass a table with the columns {IDENTITY_MAP_SCHEMA.names} "
            "(IdentityGraph.identity_map() or drain_changes()).",
        )
    with store.transaction():
        if replace:
            store.delete_where(IDENTITY_MAP_TABLE, lambda t: t.id_type.notnull())
        elif rows.num_rows:
            types = rows.column("id_type")
            for id_type in pc.unique(types).to_pylist():
                values = rows.filter(pc.equal(types, id_type)).column("id_value").to_pylist()
                store.delete_where(IDENTITY_MAP_TABLE, _same_identifiers(id_type, values))
        return store.append(IDENTITY_MAP_TABLE, rows)


def sync_from_warehouse(graph: IdentityGraph, store: Store) -> int:
    """Bring the graph and the warehouse's ``identity_map`` up to date with its ``events``.

    Reads the events above the graph's watermark, processes them in ``seq`` order and writes
    the ``identity_map`` rows that changed (the whole map on the first run).

    Returns:
        How many merges the new events caused.
    """
    first = graph.watermark < 0
    events = store.table(EVENTS_TABLE)
    fresh = events.filter(events.seq > graph.watermark).select(
        "seq", "message_id", "timestamp", "payload"
    )
    merges = process_events(graph, store.to_arrow(fresh))
    write_identity_map(store, graph.drain_changes(), replace=first)
    return merges
