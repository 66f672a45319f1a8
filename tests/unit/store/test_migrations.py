from collections.abc import Iterator
from datetime import UTC, datetime

import pyarrow as pa
import pytest

from vantage.core.errors import StoreError
from vantage.store.compaction import EVENT_SCHEMA
from vantage.store.migrations import (
    EVENTS_TABLE,
    LAKE_SYNC_TABLE,
    MIGRATIONS_TABLE,
    Migration,
    applied_migrations,
    events_schema,
    migrate,
    pending_migrations,
    schema_version,
)
from vantage.store.migrations import MIGRATIONS as ALL_MIGRATIONS
from vantage.store.warehouse import IbisStore, Store, connect_store

# The mechanism is tested on the first migration alone; later capabilities append their own.
MIGRATIONS = ALL_MIGRATIONS[:1]


@pytest.fixture
def store() -> Iterator[IbisStore]:
    with connect_store("duckdb://:memory:") as opened:
        yield opened


def _add_segments(store: Store) -> None:
    store.create_table("segments", schema={"segment": "!string", "customer_id": "string"})


def _broken(store: Store) -> None:
    store.create_table("half_done", schema={"x": "int64"})
    raise RuntimeError("migration 2 exploded")


def test_migrate_creates_the_events_table_once(store: IbisStore) -> None:
    assert schema_version(store) == 0
    assert [m.version for m in pending_migrations(store, MIGRATIONS)] == [1]
    assert migrate(store, MIGRATIONS) == list(MIGRATIONS)
    assert store.list_tables() == [LAKE_SYNC_TABLE, MIGRATIONS_TABLE, EVENTS_TABLE]
    assert store.table(EVENTS_TABLE).schema() == events_schema()
    assert store.table(EVENTS_TABLE).schema().names == tuple(EVENT_SCHEMA.names)
    assert migrate(store, MIGRATIONS) == []
    assert applied_migrations(store) == [(1, "events")]
    applied_at = store.execute(store.table(MIGRATIONS_TABLE))["applied_at"].iloc[0]
    assert abs((datetime.now(UTC) - applied_at.to_pydatetime()).total_seconds()) < 60


def test_only_new_migrations_are_applied(store: IbisStore) -> None:
    migrate(store, MIGRATIONS)
    later = (*MIGRATIONS, Migration(2, "segments", _add_segments))
    assert [m.name for m in pending_migrations(store, later)] == ["segments"]
    assert [m.version for m in migrate(store, later)] == [2]
    assert store.has_table("segments")
    assert schema_version(store) == 2
    assert migrate(store, later) == []


def test_a_failing_migration_leaves_no_trace(store: IbisStore) -> None:
    migrate(store, MIGRATIONS)
    with pytest.raises(RuntimeError, match="exploded"):
        migrate(store, (*MIGRATIONS, Migration(2, "broken", _broken)))
    assert schema_version(store) == 1
    assert not store.has_table("half_done")


def test_a_newer_warehouse_is_refused(store: IbisStore) -> None:
    migrate(store, MIGRATIONS)
    store.append(
        MIGRATIONS_TABLE,
        pa.table(
            {
                "version": [2, 3],
                "name": ["from", "the future"],
                "applied_at": pa.array([datetime.now(UTC)] * 2, pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    with pytest.raises(
        StoreError, match=r"schema version 3, newer than this Vantage knows \(latest 1\)"
    ) as info:
        migrate(store, MIGRATIONS)
    assert "Upgrade Vantage" in str(info.value)


def test_a_warehouse_with_another_history_is_refused(store: IbisStore) -> None:
    migrate(store, MIGRATIONS)
    renamed = (Migration(1, "events_v2", MIGRATIONS[0].apply),)
    with pytest.raises(StoreError, match=r"records migration 1 as 'events'.*calls it 'events_v2'"):
        migrate(store, renamed)


def test_migration_versions_must_be_contiguous(store: IbisStore) -> None:
    with pytest.raises(ValueError, match="without gaps"):
        migrate(store, (*MIGRATIONS, Migration(3, "skipped_two", _add_segments)))
