"""GDPR requests: export everything about a person, or erase them for good.

``export_person`` gathers the person's identifiers, profile (traits, computed traits), every
warehouse row that mentions them (consent ledger included), every event with its full payload and
the failed events that carry their identifiers. ``erase_person`` suppresses their identifiers
first (so nothing new arrives meanwhile), then deletes them from the lake, the warehouse, the
control databases and the identity state, makes the bytes unrecoverable (SQLite VACUUM and WAL
truncation, a rewritten DuckDB file) and finally checks every file under the data directory.
Both are recorded in the audit log with hashed identifiers only. See ``docs/privacy.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from vantage.collect.suppression import SuppressionList
from vantage.core.identifiers import Identifier
from vantage.core.settings import Settings
from vantage.services.privacy_audit import AuditEntry, AuditLog, default_actor, hashed_identifiers
from vantage.services.privacy_lake import (
    erase_from_lake,
    lake_payloads,
    person_events,
    person_failed_events,
)
from vantage.services.privacy_scope import (
    Person,
    PersonNotFoundError,
    PrivacyError,
    parse_target,
    resolve_person,
)
from vantage.services.privacy_store import (
    erase_from_warehouse,
    files_mentioning,
    person_rows,
    rebuild_identity_state,
    rewrite_duckdb,
    scrub_sqlite_files,
)
from vantage.services.profiles import ProfileNotFoundError, profile
from vantage.services.warehouse import warehouse_lock
from vantage.store.lake import EventLog
from vantage.store.migrations import migrate
from vantage.store.warehouse import Store, connect_store

__all__ = [
    "Erasure",
    "PersonNotFoundError",
    "PrivacyError",
    "audit_entries",
    "erase_person",
    "export_person",
    "find_person",
]


@dataclass
class Erasure:
    """What an erase did (no identifier values, only counts and hashes).

    Attributes:
        customer_id: The erased customer id (None when the identity map did not know them).
        subject: The person's identifiers as ``type:hash``.
        counts: Records removed per place, and other figures.
        leftover_files: Files under the data directory that still mention the person (should be
            empty; listed so that nothing is silently kept).
    """

    customer_id: str | None
    subject: list[str]
    counts: dict[str, Any] = field(default_factory=dict)
    leftover_files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "customer_id": self.customer_id,
            "subject": self.subject,
            "counts": self.counts,
            "leftover_files": self.leftover_files,
        }


@contextmanager
def _warehouse(settings: Settings) -> Iterator[Store]:
    """The warehouse, with the embedded warehouse's lock held until the block ends."""
    url = settings.store_url
    home = Path(settings.home)
    with warehouse_lock(home) if url.startswith("duckdb") else nullcontext():
        store = connect_store(url)
        try:
            migrate(store)
            yield store
        finally:
            store.close()


def _payloads(log: EventLog) -> Iterator[str]:
    yield from lake_payloads(log)


def find_person(settings: Settings, target: str) -> Person:
    """Resolve a request's subject (``cus_...``, ``type:value`` or a bare e-mail).

    Raises:
        PrivacyError: The subject is malformed or an unknown customer id.
    """
    log = EventLog(Path(settings.home))
    with _warehouse(settings) as store:
        return resolve_person(store, parse_target(target), _payloads(log))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is None:
        return None
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value


def _event_records(log: EventLog, person: Person) -> list[dict[str, Any]]:
    table = person_events(log, person)
    records = []
    for row in table.to_pylist():
        payload = row.pop("payload")
        records.append({**row, "message": orjson.loads(payload)})
    return records


def export_person(settings: Settings, target: str, *, actor: str | None = None) -> dict[str, Any]:
    """Everything about one person, as a JSON-ready document.

    Args:
        settings: Settings naming the data directory and warehouse.
        target: ``cus_...``, ``type:value`` or a bare e-mail.
        actor: Who asks (audit log); the CLI user by default.

    Raises:
        PrivacyError: The subject is malformed or an unknown customer id.
    """
    home = Path(settings.home)
    log = EventLog(home)
    with _warehouse(settings) as store:
        person = resolve_person(store, parse_target(target), _payloads(log))
        prof: dict[str, Any] | None = None
        if person.customer_id:
            try:
                prof = profile(store, person.customer_id)
            except ProfileNotFoundError:
                prof = None
        rows = person_rows(store, person)
    failed = person_failed_events(log, person)
    for item in failed:
        item["message"] = _maybe_json(item.pop("payload"))
    events = _event_records(log, person)
    document = {
        "generated_at": datetime.now(UTC).isoformat(),
        "customer_id": person.customer_id,
        "identifiers": [{"type": i.type, "value": i.value} for i in person.identifiers],
        "profile": prof,
        "consent": rows.get("consent_ledger", []),
        "warehouse": rows,
        "events": events,
        "failed_events": failed,
    }
    AuditLog(home).record(
        "export",
        actor or default_actor(),
        _subject(home, person),
        {"identifiers": len(person.identifiers), "events": len(events), "failed": len(failed)},
    )
    return dict(_jsonable(document))


def _maybe_json(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text


def _subject(home: Path, person: Person) -> list[str]:
    extra = [Identifier("customer_id", person.customer_id)] if person.customer_id else []
    return hashed_identifiers(home, [*person.identifiers, *extra])


def erase_person(settings: Settings, target: str, *, actor: str | None = None) -> Erasure:
    """Erase one person from the data directory and suppress their identifiers.

    Args:
        settings: Settings naming the data directory and warehouse.
        target: ``cus_...``, ``type:value`` or a bare e-mail.
        actor: Who asks (audit log); the CLI user by default.

    Returns:
        Counts per place and any file that still mentions the person.

    Raises:
        PrivacyError: The subject is malformed or an unknown customer id.
    """
    home = Path(settings.home)
    log = EventLog(home)
    url = settings.store_url
    with warehouse_lock(home) if url.startswith("duckdb") else nullcontext():
        store = connect_store(url)
        try:
            migrate(store)
            person = resolve_person(store, parse_target(target), _payloads(log))
            suppressed = SuppressionList(home)
            try:
                added = suppressed.add(person.identifiers)
            finally:
                suppressed.close()
            lake = erase_from_lake(log, person)
            warehouse = erase_from_warehouse(store, person, lake.seqs)
        finally:
            store.close()
        rewritten = rewrite_duckdb(url)
        # Under the warehouse lock, like the server's identity refresh: neither can save a graph
        # the other has just replaced.
        identity_state = rebuild_identity_state(home, log, person)
    counts: dict[str, Any] = {
        "identifiers": len(person.identifiers),
        "suppressed_new": added,
        "events": lake.events,
        "failed_events": lake.failed_events,
        "lake_files_rewritten": lake.files_rewritten,
        "warehouse_rows": warehouse,
        "warehouse_file_rewritten": rewritten,
        "control_rows": scrub_sqlite_files(home, person, log),
        "identity_state": identity_state,
    }
    result = Erasure(person.customer_id, _subject(home, person), counts)
    result.leftover_files = files_mentioning(home, person)
    counts["leftover_files"] = len(result.leftover_files)
    AuditLog(home).record("erase", actor or default_actor(), result.subject, counts)
    return result


def audit_entries(settings: Settings, limit: int = 50) -> list[AuditEntry]:
    """The newest privacy audit entries, newest first."""
    return AuditLog(Path(settings.home)).entries(limit)
