import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow.compute as pc
import pytest
from store_helpers import submission

from vantage.store.compaction import compact, snapshot
from vantage.store.lake import EventLog
from vantage.store.lake_sync import SyncResult, sync_events, synced_watermark
from vantage.store.migrations import EVENTS_TABLE
from vantage.store.warehouse import IbisStore, connect_store

# Runs sync_events in a child process that dies (os._exit) after its first bulk append, in the
# middle of the warehouse transaction.
CRASHING_SYNC = """
import os, sys
from pathlib import Path
from vantage.store import warehouse
from vantage.store.lake import EventLog
from vantage.store.lake_sync import sync_events

real_append = warehouse.IbisStore.append

def append(self, name, obj):
    count = real_append(self, name, obj)
    if name == "events" and count:
        os._exit(137)
    return count

warehouse.IbisStore.append = append
sync_events(EventLog(Path(sys.argv[1])), warehouse.connect_store(sys.argv[2]))
"""


@pytest.fixture
def store() -> Iterator[IbisStore]:
    with connect_store("duckdb://:memory:") as opened:
        yield opened


def _warehouse_ids(store: IbisStore) -> list[str]:
    return sorted(store.execute(store.table(EVENTS_TABLE))["message_id"])


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def test_an_empty_lake_syncs_nothing(home: Path, store: IbisStore) -> None:
    result = sync_events(EventLog(home), store)
    assert result == SyncResult(0, 0, 0, 0, 0)
    assert synced_watermark(store) == 0
    assert store.scalar(store.table(EVENTS_TABLE).count()) == 0


def test_sync_copies_the_lake_exactly_and_is_idempotent(home: Path, store: IbisStore) -> None:
    log = EventLog(home)
    log.append([submission(*_ids("a", 5), day=0), submission(*_ids("b", 3), day=2)])
    compact(log, max_rows=6)
    first = sync_events(log, store)
    assert (first.inserted, first.watermark, first.previous_watermark) == (8, 8, 0)
    assert first.files_read == 2
    again = sync_events(log, store)
    assert again == SyncResult(0, 8, 8, 0, 0)
    lake = snapshot(log).read().sort_by("seq")
    warehouse = store.to_arrow(store.table(EVENTS_TABLE).order_by("seq"))
    assert warehouse.cast(lake.schema).equals(lake)


def test_sync_interleaved_with_compaction_loads_each_event_once(
    home: Path, store: IbisStore
) -> None:
    log = EventLog(home)
    log.append([submission(*_ids("a", 4))])
    assert sync_events(log, store).inserted == 4
    compact(log)
    log.append([submission(*_ids("b", 3), day=1), submission("a1", "a2")])
    second = sync_events(log, store)
    assert (second.inserted, second.files_read) == (3, 0)
    compact(log, max_rows=2)
    log.append([submission("c0")])
    assert sync_events(log, store).inserted == 1
    compact(log)
    assert sync_events(log, store).inserted == 0
    assert _warehouse_ids(store) == sorted([*_ids("a", 4), *_ids("b", 3), "c0"])
    assert synced_watermark(store) == 8


def test_rows_left_above_the_watermark_are_replaced_not_duplicated(
    home: Path, store: IbisStore
) -> None:
    log = EventLog(home)
    log.append([submission(*_ids("a", 3))])
    sync_events(log, store)
    log.append([submission(*_ids("b", 3))])
    # What an interrupted run on an engine without transactions leaves behind.
    lake = snapshot(log).read()
    leftovers = lake.filter(pc.greater(lake["seq"], 4))
    store.append(EVENTS_TABLE, leftovers)
    result = sync_events(log, store)
    assert (result.removed, result.inserted, result.watermark) == (2, 3, 6)
    assert _warehouse_ids(store) == sorted([*_ids("a", 3), *_ids("b", 3)])


def test_a_sync_killed_mid_way_is_rolled_back_and_redone(home: Path, tmp_path: Path) -> None:
    log = EventLog(home)
    log.append([submission(*_ids("a", 10), day=0), submission(*_ids("b", 10), day=1)])
    compact(log, max_rows=15)
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_SYNC, str(home), url], capture_output=True, check=False
    )
    assert crashed.returncode == 137, crashed.stderr.decode()
    with connect_store(url) as store:
        assert store.scalar(store.table(EVENTS_TABLE).count()) == 0
        assert synced_watermark(store) == 0
        result = sync_events(log, store)
        assert (result.inserted, result.removed) == (20, 0)
        assert _warehouse_ids(store) == sorted([*_ids("a", 10), *_ids("b", 10)])


def test_concurrent_syncs_load_each_event_once(home: Path, store: IbisStore) -> None:
    log = EventLog(home)
    log.append([submission(*_ids("a", 50))])
    results: list[SyncResult] = []

    def run() -> None:
        results.append(sync_events(log, store))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.inserted for r in results) == [0, 0, 0, 50]
    assert store.scalar(store.table(EVENTS_TABLE).count()) == 50
