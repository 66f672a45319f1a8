"""Versioned warehouse schema.

The warehouse records each applied migration in ``_vantage_migrations`` (version, name,
applied_at). :func:`migrate` applies the missing ones in order, together with their records, in one
transaction, so a crash leaves either all of them or none. A warehouse migrated by a
newer Vantage (a version this code does not know) is refused rather than misread.

A capability that needs new warehouse tables appends a :class:`Migration` to
:data:`MIGRATIONS` with the next version number; shipped migrations are never edited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import ibis
import pyarrow as pa

from vantage.core.errors import StoreError
from vantage.store.compaction import EVENT_SCHEMA
from vantage.store.warehouse import Store

MIGRATIONS_TABLE = "_vantage_migrations"
EVENTS_TABLE = "events"
LAKE_SYNC_TABLE = "_vantage_lake_sync"
_LOCK = "vantage_migrations"

MIGRATIONS_SCHEMA = ibis.schema(
    {"version": "!int64", "name": "!string", "applied_at": "!timestamp('UTC', 6)"}
)
EVENTS_NOT_NULL = frozenset(
    {"seq", "message_id", "source", "type", "timestamp", "received_at", "payload"}
)


@dataclass(frozen=True)
class Migration:
    """One step of the warehouse schema.

    Attributes:
        version: Position in the sequence, starting at 1 with no gaps.
        name: Short stable name, recorded with the version.
        apply: Makes the change through the :class:`Store` API.
    """

    version: int
    name: str
    apply: Callable[[Store], None]


def events_schema() -> ibis.Schema:
    """The warehouse ``events`` table: the lake's event columns, required ones NOT NULL."""
    fields = {}
    for field in EVENT_SCHEMA:
        dtype = ibis.dtype(field.type)
        fields[field.name] = dtype.copy(nullable=field.name not in EVENTS_NOT_NULL)
    return ibis.schema(fields)


def _create_events(store: Store) -> None:
    store.create_table(EVENTS_TABLE, schema=events_schema())
    store.add_range_index(EVENTS_TABLE, "seq")
    store.create_table(
        LAKE_SYNC_TABLE,
        schema={"watermark": "!int64", "rows": "!int64", "synced_at": "!timestamp('UTC', 6)"},
    )


CONSENT_LEDGER_TABLE = "consent_ledger"
CONSENT_LEDGER_SCHEMA = ibis.schema(
    {
        "seq": "!int64",
        "id_type": "!string",
        "id_value": "!string",
        "purpose": "!string",
        "granted": "!boolean",
        "ts": "!timestamp('UTC', 6)",
        "source": "!string",
        "message_id": "string",
        "recorded_at": "!timestamp('UTC', 6)",
    }
)


def _create_consent_ledger(store: Store) -> None:
    store.create_table(CONSENT_LEDGER_TABLE, schema=CONSENT_LEDGER_SCHEMA)
    store.add_range_index(CONSENT_LEDGER_TABLE, "seq")


def _create_identity_map(store: Store) -> None:
    store.create_table(
        "identity_map",
        schema=ibis.schema(
            {
                "id_type": "!string",
                "id_value": "!string",
                "customer_id": "!string",
                "since": "!timestamp('UTC', 6)",
                "reason": "!string",
            }
        ),
    )


PREDICTIONS_TABLE = "predictions"
PREDICTIONS_SCHEMA = ibis.schema(
    {
        "customer_id": "!string",
        "model": "!string",
        "version": "!string",
        "score": "!float64",
        "lo": "float64",
        "hi": "float64",
        "computed_at": "!timestamp('UTC', 6)",
    }
)


def _create_predictions(store: Store) -> None:
    store.create_table(PREDICTIONS_TABLE, schema=PREDICTIONS_SCHEMA)


SEGMENTS_TABLE = "segments"
SEGMENT_MEMBERSHIP_TABLE = "segment_membership"
SEGMENT_HISTORY_TABLE = "segment_membership_history"
SEGMENT_LOOKALIKES_TABLE = "segment_lookalikes"


def _create_segments(store: Store) -> None:
    stamp = "!timestamp('UTC', 6)"
    store.create_table(
        SEGMENTS_TABLE,
        schema={
            "name": "!string",
            "description": "!string",
            "spec": "!string",
            "realtime": "!boolean",
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    store.create_table(
        SEGMENT_MEMBERSHIP_TABLE,
        schema={"segment": "!string", "customer_id": "!string", "since": stamp},
    )
    store.create_table(
        SEGMENT_HISTORY_TABLE,
        schema={
            "segment": "!string",
            "customer_id": "!string",
            "event": "!string",
            "entered": "!boolean",
            "at": stamp,
            "source": "!string",
            "properties": "!string",
        },
    )
    store.create_table(
        SEGMENT_LOOKALIKES_TABLE,
        schema={
            "seed": "!string",
            "customer_id": "!string",
            "score": "!float64",
            "rank": "!int64",
            "computed_at": stamp,
        },
    )


PROFILE_TRAIT_VALUES_TABLE = "profile_trait_values"
PROFILE_TRAITS_TABLE = "profile_traits"


def _create_profile_traits(store: Store) -> None:
    stamp = "!timestamp('UTC', 6)"
    store.create_table(
        PROFILE_TRAIT_VALUES_TABLE,
        schema={
            "seq": "!int64",
            "timestamp": stamp,
            "source": "!string",
            "user_id": "string",
            "anonymous_id": "string",
            "trait": "!string",
            "value": "!string",
            "text": "string",
            "number": "float64",
            "flag": "boolean",
            "empty": "!boolean",
            "items": "array<string>",
        },
    )
    store.create_table(
        PROFILE_TRAITS_TABLE,
        schema={
            "customer_id": "!string",
            "trait": "!string",
            "value": "!string",
            "text": "string",
            "number": "float64",
            "flag": "boolean",
            "source": "!string",
            "updated_at": stamp,
            "strategy": "!string",
            "pii": "!boolean",
        },
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "events", _create_events),
    Migration(2, "identity_map", _create_identity_map),
    Migration(3, "consent_ledger", _create_consent_ledger),
    Migration(4, "predictions", _create_predictions),
    Migration(5, "segments", _create_segments),
    Migration(6, "profile_traits", _create_profile_traits),
)


def _check_sequence(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migration versions must be 1, 2, 3, ... without gaps; got {versions}")


def applied_migrations(store: Store) -> list[tuple[int, str]]:
    """(version, name) of the migrations recorded in the warehouse, oldest first."""
    if not store.has_table(MIGRATIONS_TABLE):
        return []
    table = store.table(MIGRATIONS_TABLE)
    rows = store.execute(table.select("version", "name").order_by("version"))
    return [(int(v), str(n)) for v, n in zip(rows["version"], rows["name"], strict=True)]


def schema_version(store: Store) -> int:
    """The warehouse's schema version (0 for an empty warehouse)."""
    applied = applied_migrations(store)
    return applied[-1][0] if applied else 0


def pending_migrations(
    store: Store, migrations: Sequence[Migration] = MIGRATIONS
) -> list[Migration]:
    """The migrations :func:`migrate` would apply.

    Raises:
        StoreError: The warehouse is newer than ``migrations`` or its history differs.
    """
    _check_sequence(migrations)
    applied = applied_migrations(store)
    known = {m.version: m.name for m in migrations}
    latest = migrations[-1].version if migrations else 0
    if applied and applied[-1][0] > latest:
        raise StoreError(
            f"The warehouse {store.url} has schema version {applied[-1][0]}, newer than this "
            f"Vantage knows (latest {latest}).",
            "Upgrade Vantage to the release that migrated this warehouse, or point "
            "VANTAGE_STORE at another warehouse.",
        )
    for version, name in applied:
        if known.get(version) != name:
            raise StoreError(
                f"The warehouse {store.url} records migration {version} as {name!r}, but this "
                f"Vantage calls it {known.get(version)!r}.",
                "The warehouse was migrated by a different build of Vantage: use that build, "
                "or point VANTAGE_STORE at another warehouse.",
            )
    done = {version for version, _ in applied}
    return [m for m in migrations if m.version not in done]


def migrate(store: Store, migrations: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    """Bring the warehouse schema up to date (idempotent, safe to run from several processes).

    Args:
        store: The warehouse.
        migrations: The ordered migrations (all of Vantage's by default).

    Returns:
        The migrations applied now, oldest first; empty when already up to date.

    Raises:
        StoreError: The warehouse is newer than this code or was migrated differently.
    """
    if not pending_migrations(store, migrations):
        return []
    applied: list[Migration] = []
    with store.transaction(exclusive=_LOCK):
        if not store.has_table(MIGRATIONS_TABLE):
            store.create_table(MIGRATIONS_TABLE, schema=MIGRATIONS_SCHEMA)
        for migration in pending_migrations(store, migrations):
            migration.apply(store)
            store.append(
                MIGRATIONS_TABLE,
                pa.table(
                    {
                        "version": [migration.version],
                        "name": [migration.name],
                        "applied_at": pa.array([datetime.now(UTC)], pa.timestamp("us", tz="UTC")),
                    }
                ),
            )
            applied.append(migration)
    return applied
