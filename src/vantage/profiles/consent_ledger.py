"""The consent ledger: the full, append-only history of consent decisions in the warehouse.

Table ``consent_ledger`` (migration 4): ``seq, id_type, id_value, purpose, granted, ts, source,
message_id, recorded_at``. Rows are keyed by identifier, not by customer, so the ledger never
has to be rewritten when identity resolution merges or splits customers; ``identity_map``
joins them to customers when the state is read.

Current state (Ibis, so it runs on DuckDB and PostgreSQL):

- per identifier and purpose: the latest decision by event time ``ts``; ties go to the higher
  ``seq`` (recorded later);
- per customer and purpose: the same rule across all the customer's identifiers, so the most
  recent decision wins, whichever identifier made it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from vantage.profiles.consent import ConsentChange, ConsentConfig, consent_changes
from vantage.store.migrations import CONSENT_LEDGER_SCHEMA, CONSENT_LEDGER_TABLE
from vantage.store.warehouse import Store

IDENTITY_MAP_TABLE = "identity_map"
_LOCK = "vantage_consent_ledger"
_DEDUP_KEYS = ("id_type", "id_value", "purpose", "granted", "ts", "source")


def _latest(table: ir.Table, keys: list[str]) -> ir.Table:
    window = ibis.window(group_by=keys, order_by=[table.ts.desc(), table.seq.desc()])
    ranked = table.mutate(_rank=ibis.row_number().over(window))
    return ranked.filter(ranked._rank == 0).drop("_rank")


def current_consent(ledger: ir.Table) -> ir.Table:
    """The latest decision per (id_type, id_value, purpose): by ``ts``, ties by ``seq``."""
    return _latest(ledger, ["id_type", "id_value", "purpose"])


def customer_consent(ledger: ir.Table, identity_map: ir.Table) -> ir.Table:
    """The current decision per (customer_id, purpose) through ``identity_map``.

    Conflicts across a customer's identifiers: the most recent decision (``ts``, then ``seq``)
    wins. Identifiers absent from ``identity_map`` are left out.

    Returns:
        Columns ``customer_id, purpose, granted, ts, source, id_type, id_value, message_id``
        (the identifier and message that made the deciding choice).
    """
    links = identity_map.select("id_type", "id_value", "customer_id")
    joined = ledger.inner_join(links, ["id_type", "id_value"])
    latest = _latest(joined, ["customer_id", "purpose"])
    return latest.select(
        "customer_id", "purpose", "granted", "ts", "source", "id_type", "id_value", "message_id"
    )


def consent_states(frame: pd.DataFrame, key: str = "customer_id") -> dict[Any, dict[str, bool]]:
    """Turn a current-state frame into ``{customer_id: {purpose: granted}}`` for can_contact."""
    states: dict[Any, dict[str, bool]] = {}
    for owner, purpose, granted in zip(frame[key], frame["purpose"], frame["granted"], strict=True):
        states.setdefault(owner, {})[str(purpose)] = bool(granted)
    return states


def _changes_table(changes: Iterable[ConsentChange]) -> pa.Table:
    rows = list(changes)
    return pa.table(
        {
            "id_type": pa.array([c.id_type for c in rows], pa.string()),
            "id_value": pa.array([c.id_value for c in rows], pa.string()),
            "purpose": pa.array([c.purpose for c in rows], pa.string()),
            "granted": pa.array([c.granted for c in rows], pa.bool_()),
            "ts": pa.array([c.ts for c in rows], pa.timestamp("us", tz="UTC")),
            "source": pa.array([c.source for c in rows], pa.string()),
            "message_id": pa.array([c.message_id for c in rows], pa.string()),
        }
    )


def create_ledger_table(store: Store, table: str = CONSENT_LEDGER_TABLE) -> None:
    """Create an empty ledger table, as migration 4 does (for other names, or tests)."""
    store.create_table(table, schema=CONSENT_LEDGER_SCHEMA)
    store.add_range_index(table, "seq")


class ConsentLedger:
    """Record and read consent decisions in a migrated warehouse.

    Args:
        store: The warehouse (migration 4 applied).
        table: The ledger table's name.
    """

    def __init__(self, store: Store, table: str = CONSENT_LEDGER_TABLE) -> None:
        self.store = store
        self.name = table

    def table(self) -> ir.Table:
        """The ledger as an Ibis table."""
        return self.store.table(self.name)

    def record(self, changes: Iterable[ConsentChange]) -> int:
        """Append decisions, numbering them with increasing ``seq``.

        An exact repeat (same identifier, purpose, answer, time, source and message id) of a
        recorded decision is skipped, so replaying events is harmless. The rows go through a
        short-lived staging table inside the transaction (a failure rolls it back).

        Returns:
            The number of rows appended.
        """
        new = _changes_table(changes)
        if new.num_rows == 0:
            return 0
        staging = f"_consent_staging_{uuid.uuid4().hex[:12]}"
        with self.store.transaction(exclusive=_LOCK):
            ledger = self.table()
            self.store.create_table(staging, new, schema=_staging_schema())
            rows = self.store.table(staging).distinct()
            keys = [rows[k] == ledger[k] for k in _DEDUP_KEYS]
            keys.append(rows.message_id.fill_null("") == ledger.message_id.fill_null(""))
            order = ["ts", "message_id", "id_type", "id_value", "purpose"]
            fresh = self.store.to_arrow(rows.anti_join(ledger, keys).order_by(order))
            self.store.drop_table(staging)
            if fresh.num_rows == 0:
                return 0
            start = (self.store.scalar(ledger.seq.max()) or 0) + 1
            fresh = fresh.append_column(
                "seq", pa.array(range(start, start + fresh.num_rows), pa.int64())
            ).append_column(
                "recorded_at",
                pa.array([datetime.now(UTC)] * fresh.num_rows, pa.timestamp("us", tz="UTC")),
            )
            return self.store.append(self.name, fresh)

    def record_messages(
        self,
        messages: Iterable[Mapping[str, Any]],
        config: ConsentConfig | None = None,
        *,
        source: str = "event",
    ) -> int:
        """Extract consent from Segment messages (see :func:`consent_changes`) and record it."""
        changes = [c for m in messages for c in consent_changes(m, config, source=source)]
        return self.record(changes)

    def history(self, id_type: str | None = None, id_value: str | None = None) -> pd.DataFrame:
        """Every recorded decision, oldest first (``ts``, then ``seq``), or one identifier's."""
        table = self.table()
        if id_type is not None:
            table = table.filter(table.id_type == id_type)
        if id_value is not None:
            table = table.filter(table.id_value == id_value)
        return self.store.execute(table.order_by(["ts", "seq"]))

    def current(self) -> ir.Table:
        """The current decision per identifier and purpose (see :func:`current_consent`)."""
        return current_consent(self.table())

    def for_customers(self, identity_map: ir.Table | str = IDENTITY_MAP_TABLE) -> ir.Table:
        """The current decision per customer and purpose (see :func:`customer_consent`)."""
        links = self.store.table(identity_map) if isinstance(identity_map, str) else identity_map
        return customer_consent(self.table(), links)

    def customer_states(
        self, identity_map: ir.Table | str = IDENTITY_MAP_TABLE
    ) -> dict[Any, dict[str, bool]]:
        """``{customer_id: {purpose: granted}}``, ready for ``can_contact``."""
        return consent_states(self.store.execute(self.for_customers(identity_map)))


def _staging_schema() -> ibis.Schema:
    fields = {k: v for k, v in CONSENT_LEDGER_SCHEMA.items() if k not in ("seq", "recorded_at")}
    return ibis.schema(fields)
