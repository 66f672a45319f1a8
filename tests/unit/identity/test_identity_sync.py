from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from vantage.collect.ingest import Ingestor
from vantage.core.errors import StoreError
from vantage.identity.graph import IdentityGraph
from vantage.identity.sync import (
    IDENTITY_MAP_TABLE,
    process_events,
    rebuild_from_lake,
    sync_from_warehouse,
    write_identity_map,
)
from vantage.store.compaction import compact_all, snapshot
from vantage.store.lake import EventLog
from vantage.store.lake_sync import sync_events
from vantage.store.migrations import migrate
from vantage.store.warehouse import connect_store


def _message(k: int, **fields: object) -> dict[str, object]:
    return {
        "type": "identify",
        "messageId": f"m{k}",
        "timestamp": f"2025-01-0{1 + k % 8}T10:00:00Z",
        **fields,
    }


MESSAGES = [
    _message(1, userId="u1", anonymousId="a1"),
    _message(2, anonymousId="a1", traits={"email": "Jane@X.com"}),
    _message(3, anonymousId="a2", context={"externalIds": [{"id": "L1", "type": "loyalty_card"}]}),
    _message(4, userId="u2", anonymousId="a1"),
    _message(5, anonymousId="a2", traits={"email": "jane@x.com"}),
    _message(6, anonymousId="null", traits={"email": "test@test.com"}),
]


def _append(log: EventLog, messages: list[dict[str, object]]) -> None:
    submission = Ingestor().prepare("web", messages, correct_skew=False)
    log.append([submission])


def test_incremental_equals_rebuild_from_lake(home: Path) -> None:
    log = EventLog(home)
    live = IdentityGraph()
    _append(log, MESSAGES[:3])
    process_events(live, snapshot(log).read())
    compact_all(log)
    _append(log, MESSAGES[3:])
    process_events(live, snapshot(log).read())
    rebuilt = rebuild_from_lake(log)
    assert rebuilt.identity_map().equals(live.identity_map())
    assert live.customer_of(("loyalty_card", "L1")) == live.customer_of(("user_id", "u1"))
    assert live.customer_of(("user_id", "u2")) != live.customer_of(("user_id", "u1"))
    assert live.lookup(("email", "test@test.com")) is None
    assert live.explain("email:jane@x.com").path[0].message_id == "m2"


def test_rebuild_reapplies_splits(home: Path) -> None:
    log = EventLog(home)
    _append(log, MESSAGES)
    live = rebuild_from_lake(log)
    cid = live.customer_of(("user_id", "u1"))
    assert cid is not None
    live.split(cid, ("anonymous_id", "a2"))
    again = rebuild_from_lake(log, splits=live.splits)
    assert again.identity_map().equals(live.identity_map())
    assert process_events(live, pa.table({"seq": pa.array([], pa.int64())})) == 0


def test_write_identity_map(home: Path) -> None:
    log = EventLog(home)
    _append(log, MESSAGES[:2])
    graph = rebuild_from_lake(log)
    with connect_store("duckdb://:memory:") as store:
        migrate(store)
        assert write_identity_map(store, graph.drain_changes(), replace=True) == 3
        _append(log, MESSAGES[2:])
        process_events(graph, snapshot(log).read())
        write_identity_map(store, graph.drain_changes())
        stored = store.to_arrow(store.table(IDENTITY_MAP_TABLE)).sort_by(
            [("id_type", "ascending"), ("id_value", "ascending")]
        )
        expected = graph.identity_map().sort_by(
            [("id_type", "ascending"), ("id_value", "ascending")]
        )
        assert stored.to_pylist() == expected.to_pylist()
        with pytest.raises(StoreError, match="identity_map rows have columns"):
            write_identity_map(store, pa.table({"x": [1]}))


def test_sync_from_warehouse_keeps_identity_map_current(home: Path) -> None:
    log = EventLog(home)
    graph = IdentityGraph()
    with connect_store("duckdb://:memory:") as store:
        _append(log, MESSAGES[:2])
        sync_events(log, store)
        assert sync_from_warehouse(graph, store) == 2
        _append(log, MESSAGES[2:])
        sync_events(log, store)
        sync_from_warehouse(graph, store)
        assert sync_from_warehouse(graph, store) == 0
        stored = store.to_arrow(store.table(IDENTITY_MAP_TABLE))
        assert sorted(stored.to_pylist(), key=str) == sorted(
            graph.identity_map().to_pylist(), key=str
        )
        assert stored.num_rows == len(graph)
    assert rebuild_from_lake(log).identity_map().equals(graph.identity_map())
