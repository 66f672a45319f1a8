"""Property tests: whatever the order of appends, retries, compactions and syncs, every distinct
messageId is stored exactly once in the lake and, after a sync, in the warehouse."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import submission

from vantage.store.compaction import compact, snapshot
from vantage.store.lake import EventLog
from vantage.store.lake_sync import sync_events
from vantage.store.migrations import EVENTS_TABLE, LAKE_SYNC_TABLE, migrate
from vantage.store.warehouse import IbisStore, connect_store

message_ids = st.sampled_from([f"m{i}" for i in range(25)])
appends = st.tuples(
    st.just("append"),
    st.lists(st.lists(message_ids, max_size=8), min_size=1, max_size=3),
    st.integers(0, 3),
)
compactions = st.tuples(st.just("compact"), st.integers(1, 12), st.just(0))
syncs = st.tuples(st.just("sync"), st.just(0), st.just(0))
operations = st.lists(st.one_of(appends, compactions, syncs), min_size=1, max_size=12)


@pytest.fixture(scope="module")
def store() -> Iterator[IbisStore]:
    with connect_store("duckdb://:memory:") as opened:
        migrate(opened)
        yield opened


def _empty(store: IbisStore) -> IbisStore:
    store.delete_where(EVENTS_TABLE, lambda t: t.seq.notnull())
    store.delete_where(LAKE_SYNC_TABLE, lambda t: t.watermark.notnull())
    return store


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_each_distinct_message_id_is_stored_exactly_once(
    store: IbisStore, ops: list[tuple]
) -> None:
    _empty(store)
    with tempfile.TemporaryDirectory() as tmp:
        log = EventLog(Path(tmp))
        sent: set[str] = set()
        for kind, arg, day in ops:
            if kind == "append":
                results = log.append([submission(*ids, day=day) for ids in arg])
                assert sum(r.stored + r.duplicates for r in results) == sum(map(len, arg))
                sent.update(mid for ids in arg for mid in ids)
            elif kind == "compact":
                compact(log, max_rows=arg)
            else:
                sync_events(log, store)
            assert log.count() == len(sent)

        stored = snapshot(log).read()["message_id"].to_pylist()
        assert len(stored) == len(set(stored))
        assert set(stored) == sent
        assert log.known_message_ids(sorted(sent)) == sent

        sync_events(log, store)
        loaded = store.execute(store.table(EVENTS_TABLE))["message_id"].tolist()
        assert sorted(loaded) == sorted(stored)
