"""Segments as a use case: save definitions, preview, evaluate membership, page through members.

Definitions live in the warehouse table ``segments`` (the JSON of each :class:`SegmentSpec`);
current membership in ``segment_membership`` (segment, customer_id, since) and every change in
``segment_membership_history`` as ``Segment Entered`` / ``Segment Exited`` events (properties
``{"segment": name}``), whether batch evaluation (:func:`evaluate_all`) or the real-time
listener (:mod:`vantage.services.segments_realtime`) found it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import replace as replace_field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import ibis
import orjson
import pandas as pd
import pyarrow as pa

from vantage.core.errors import VantageError
from vantage.profiles.computed import (
    ComputedTrait,
    computed_traits,
    customer_events,
    load_computed_traits,
)
from vantage.profiles.consent import DEFAULT_PURPOSES
from vantage.profiles.consent_ledger import customer_consent
from vantage.segments.catalog import Catalog, check, expand, realtime_blockers, walk
from vantage.segments.compile import Sources, compile_condition
from vantage.segments.spec import (
    Node,
    SegmentSpec,
    SegmentSpecError,
    TraitCondition,
    load_spec,
)
from vantage.services.context import ServiceContext
from vantage.services.realtime_bus import MembershipChange
from vantage.services.segments_profile import profile_types
from vantage.services.warehouse import open_warehouse
from vantage.store.migrations import (
    CONSENT_LEDGER_TABLE,
    PREDICTIONS_TABLE,
    PROFILE_TRAITS_TABLE,
    SEGMENT_HISTORY_TABLE,
    SEGMENT_LOOKALIKES_TABLE,
    SEGMENT_MEMBERSHIP_TABLE,
    SEGMENTS_TABLE,
)
from vantage.store.warehouse import Store

__all__ = [
    "SegmentNotFoundError",
    "SegmentPreview",
    "SegmentSpecError",
    "apply_changes",
    "build_catalog",
    "create_segment",
    "current_members",
    "evaluate_all",
    "export_members",
    "get_segment",
    "list_segments",
    "members",
    "membership_history",
    "preview",
    "segments_of",
    "write_members",
]
_STAMP = pa.timestamp("us", tz="UTC")


class SegmentNotFoundError(VantageError):
    """No saved segment has the name asked for."""


@dataclass(frozen=True)
class SegmentPreview:
    """The size of a segment and a few of its members, without saving anything.

    Attributes:
        size: How many customers match.
        sample: Up to ``sample`` customer ids, sorted.
    """

    size: int
    sample: list[str]

    def as_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {"size": self.size, "sample": self.sample}


def _now(as_of: datetime | None) -> datetime:
    moment = as_of or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def saved_specs(store: Store) -> dict[str, SegmentSpec]:
    """Every saved definition by name."""
    rows = store.execute(store.table(SEGMENTS_TABLE).select("name", "spec"))
    return {
        str(n): load_spec(orjson.loads(s)) for n, s in zip(rows["name"], rows["spec"], strict=True)
    }


def _distinct(store: Store, table: str, column: str) -> frozenset[str]:
    if not store.has_table(table):
        return frozenset()
    values = store.execute(store.table(table).select(column).distinct())[column]
    return frozenset(str(v) for v in values)


def build_catalog(
    store: Store,
    traits: Sequence[ComputedTrait] | None = None,
    *,
    exclude: str | None = None,
) -> Catalog:
    """The names definitions may use in this warehouse.

    Args:
        store: The warehouse.
        traits: Computed traits (default: vantage.toml's, else the defaults).
        exclude: A segment left out of the saved ones (the one being replaced).
    """
    declared = load_computed_traits() if traits is None else tuple(traits)
    specs = {n: s for n, s in saved_specs(store).items() if n != exclude}
    return Catalog.from_traits(
        declared,
        predictions=_distinct(store, PREDICTIONS_TABLE, "model"),
        purposes=frozenset(DEFAULT_PURPOSES) | _distinct(store, CONSENT_LEDGER_TABLE, "purpose"),
        segments=specs,
        lookalikes=_distinct(store, SEGMENT_LOOKALIKES_TABLE, "seed"),
        profile=profile_types(store),
    )


def sources(store: Store, as_of: datetime, traits: Sequence[ComputedTrait]) -> Sources:
    """The warehouse tables a segment reads, as of ``as_of``.

    Args:
        store: The warehouse.
        as_of: Evaluation time.
        traits: The computed traits to evaluate (only those the segments use, for speed).
    """
    ids = store.table("identity_map")
    universe = ids.select("customer_id").distinct()
    if traits:
        values = computed_traits(store, tuple(traits), as_of=as_of)
        universe = universe.left_join(values, "customer_id").drop("customer_id_right")
    # Computed once: compiling the traits' many-way join costs up to a second, every time.
    customers = ibis.memtable(store.to_arrow(universe))
    return Sources(
        customers=customers,
        events=customer_events(store.table("events"), ids),
        predictions=store.table(PREDICTIONS_TABLE),
        consent=customer_consent(store.table(CONSENT_LEDGER_TABLE), ids),
        lookalikes=store.table(SEGMENT_LOOKALIKES_TABLE),
        json_text=store.json_text,
        as_of=as_of,
        profile=store.table(PROFILE_TRAITS_TABLE)
        if store.has_table(PROFILE_TRAITS_TABLE)
        else None,
    )


def used_traits(conditions: Iterable[Node], traits: Sequence[ComputedTrait]) -> list[ComputedTrait]:
    """The computed traits the (expanded) conditions refer to."""
    names = {n.trait for c in conditions for n, _ in walk(c) if isinstance(n, TraitCondition)}
    return [t for t in traits if t.name in names]


def member_ids(
    store: Store,
    spec: SegmentSpec,
    *,
    as_of: datetime | None = None,
    traits: Sequence[ComputedTrait] | None = None,
    catalog: Catalog | None = None,
    tables: Sources | None = None,
) -> set[str]:
    """The customers matching a definition (checked first; nothing is saved).

    Args:
        store: The warehouse.
        spec: The definition.
        as_of: Evaluation time (now by default).
        traits: Computed traits (default: vantage.toml's, else the defaults).
        catalog: Known names (default: read from the warehouse).
        tables: The tables to read, from :func:`sources` (built when omitted).
    """
    declared = load_computed_traits() if traits is None else tuple(traits)
    known = catalog or build_catalog(store, declared, exclude=spec.name)
    check(spec, known)
    condition = expand(spec, known)
    read = tables or sources(store, _now(as_of), used_traits([condition], declared))
    expr = compile_condition(condition, read, known)
    return set(store.execute(expr)["customer_id"].astype(str))


def preview(
    ctx: ServiceContext, spec: SegmentSpec, *, sample: int = 10, as_of: datetime | None = None
) -> SegmentPreview:
    """How many customers a definition matches, and a few of them, without saving it.

    Raises:
        SegmentSpecError: An unknown name or a type mismatch, with the node's path.
    """
    with open_warehouse(ctx.settings) as store:
        found = member_ids(store, spec, as_of=as_of)
    return SegmentPreview(len(found), sorted(found)[:sample])


def _require_new_or_replace(store: Store, name: str, replace: bool) -> bool:
    table = store.table(SEGMENTS_TABLE)
    exists = bool(store.scalar(table.filter(table.name == name).count()))
    if exists and not replace:
        raise SegmentSpecError(
            f"A segment named {name!r} already exists.",
            "Choose another name, or replace it (--replace / ?replace=true).",
        )
    return exists


def create_segment(
    ctx: ServiceContext,
    spec: SegmentSpec,
    *,
    replace: bool = False,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """Check, save and evaluate a segment; its members are recorded as having entered.

    Args:
        ctx: Services for the data directory.
        spec: The definition.
        replace: Overwrite a saved segment of the same name.
        as_of: Evaluation time (now by default).

    Returns:
        The saved segment (see :func:`get_segment`) with ``entered`` and ``exited`` counts.

    Raises:
        SegmentSpecError: The definition is invalid here, or the name is taken.
    """
    moment = _now(as_of)
    with open_warehouse(ctx.settings) as store:
        existed = _require_new_or_replace(store, spec.name, replace)
        catalog = build_catalog(store, exclude=spec.name)
        check(spec, catalog)
        updated = replace_field(catalog, segments={**catalog.segments, spec.name: spec})
        for other in catalog.segments.values():
            expand(other, updated)
        found = member_ids(store, spec, as_of=moment, catalog=catalog)
        now = datetime.now(UTC)
        with store.transaction():
            created = now
            if existed:
                table = store.table(SEGMENTS_TABLE)
                old = store.execute(table.filter(table.name == spec.name))
                created = pd.Timestamp(old["created_at"].iloc[0]).to_pydatetime()
                store.delete_where(SEGMENTS_TABLE, lambda t: t.name == spec.name)
            store.append(
                SEGMENTS_TABLE,
                pa.table(
                    {
                        "name": [spec.name],
                        "description": [spec.description],
                        "spec": [orjson.dumps(spec.to_dict()).decode()],
                        "realtime": [spec.realtime],
                        "created_at": pa.array([created], _STAMP),
                        "updated_at": pa.array([now], _STAMP),
                    }
                ),
            )
            changes = _set_members(store, spec.name, found, moment, "batch")
        summary = _describe(store, spec.name)
    summary["entered"] = sum(c.entered for c in changes)
    summary["exited"] = sum(not c.entered for c in changes)
    return summary


def current_members(
    store: Store, names: Iterable[str], customers: Iterable[str] | None = None
) -> pd.DataFrame:
    """The ``segment_membership`` rows of some segments (and optionally some customers)."""
    table = store.table(SEGMENT_MEMBERSHIP_TABLE)
    rows = table.filter(table.segment.isin(list(names)))
    if customers is not None:
        rows = rows.filter(rows.customer_id.isin(list(customers)))
    return store.execute(rows)


def _set_members(
    store: Store, name: str, found: set[str], at: datetime, source: str
) -> list[MembershipChange]:
    """Make ``found`` the segment's members; record and return the entries and exits.

    The segment's rows are rewritten as a whole (members who stay keep their ``since``), so a
    large change never becomes a long ``IN`` list.
    """
    current = current_members(store, [name])
    since = dict(zip(current["customer_id"].astype(str), current["since"], strict=True))
    changes = [MembershipChange(c, name, True, at) for c in sorted(found - set(since))]
    changes += [MembershipChange(c, name, False, at) for c in sorted(set(since) - found)]
    if not changes:
        return changes
    kept = sorted(found)
    rows = pa.table(
        {
            "segment": [name] * len(kept),
            "customer_id": kept,
            "since": pa.array([since.get(c, at) for c in kept], _STAMP),
        }
    )
    with store.transaction():
        store.delete_where(SEGMENT_MEMBERSHIP_TABLE, lambda t: t.segment == name)
        store.append(SEGMENT_MEMBERSHIP_TABLE, rows)
        store.append(SEGMENT_HISTORY_TABLE, _history(changes, source))
    return changes


def _history(changes: Sequence[MembershipChange], source: str) -> pa.Table:
    return pa.table(
        {
            "segment": [c.segment for c in changes],
            "customer_id": [c.customer_id for c in changes],
            "event": [c.event for c in changes],
            "entered": [c.entered for c in changes],
            "at": pa.array([c.at for c in changes], _STAMP),
            "source": [source] * len(changes),
            "properties": [orjson.dumps({"segment": c.segment}).decode() for c in changes],
        }
    )


def apply_changes(store: Store, changes: Sequence[MembershipChange], *, source: str) -> int:
    """Record a few membership changes (real time): update the members, append to the history.

    Args:
        store: The warehouse.
        changes: Entries and exits (at most one per customer and segment).
        source: ``batch`` or ``realtime``.

    Returns:
        The number of changes recorded.
    """
    if not changes:
        return 0
    entered = [c for c in changes if c.entered]
    with store.transaction():
        for segment in sorted({c.segment for c in changes}):
            gone = [c.customer_id for c in changes if c.segment == segment and not c.entered]
            if not gone:
                continue
            store.delete_where(
                SEGMENT_MEMBERSHIP_TABLE,
                lambda t, s=segment, g=gone: (t.segment == s) & t.customer_id.isin(g),  # type: ignore[misc]
            )
        if entered:
            store.append(
                SEGMENT_MEMBERSHIP_TABLE,
                pa.table(
                    {
                        "segment": [c.segment for c in entered],
                        "customer_id": [c.customer_id for c in entered],
                        "since": pa.array([c.at for c in entered], _STAMP),
                    }
                ),
            )
        store.append(SEGMENT_HISTORY_TABLE, _history(changes, source))
    return len(changes)


def evaluate_all(
    ctx: ServiceContext, *, as_of: datetime | None = None
) -> dict[str, dict[str, int]]:
    """Re-evaluate every saved segment in batch and record who entered and who left.

    Returns:
        Segment name -> ``{"size", "entered", "exited"}``.
    """
    moment = _now(as_of)
    out: dict[str, dict[str, int]] = {}
    with open_warehouse(ctx.settings) as store:
        declared = load_computed_traits()
        catalog = build_catalog(store, declared)
        conditions = [expand(spec, catalog) for spec in catalog.segments.values()]
        tables = sources(store, moment, used_traits(conditions, declared))
        for name, spec in sorted(catalog.segments.items()):
            found = member_ids(store, spec, traits=declared, catalog=catalog, tables=tables)
            changes = _set_members(store, name, found, moment, "batch")
            out[name] = {
                "size": len(found),
                "entered": sum(c.entered for c in changes),
                "exited": sum(not c.entered for c in changes),
            }
    return out


def _describe(store: Store, name: str) -> dict[str, Any]:
    table = store.table(SEGMENTS_TABLE)
    rows = store.execute(table.filter(table.name == name))
    if rows.empty:
        known = sorted(saved_specs(store))
        raise SegmentNotFoundError(
            f"No segment named {name!r}.",
            f"Create it with `vantage segment create FILE` (segments: {known or 'none yet'}).",
        )
    row = rows.iloc[0]
    membership = store.table(SEGMENT_MEMBERSHIP_TABLE)
    size = store.scalar(membership.filter(membership.segment == name).count())
    return {
        "name": name,
        "description": str(row["description"]),
        "realtime": bool(row["realtime"]),
        "size": int(size or 0),
        "definition": orjson.loads(str(row["spec"])),
        "created_at": pd.Timestamp(row["created_at"]).isoformat(),
        "updated_at": pd.Timestamp(row["updated_at"]).isoformat(),
    }


def get_segment(ctx: ServiceContext, name: str) -> dict[str, Any]:
    """One saved segment: definition, size, real-time flag, times.

    ``realtime_blockers`` says why it could not be kept in real time (empty when it can).

    Raises:
        SegmentNotFoundError: No such segment.
    """
    with open_warehouse(ctx.settings) as store:
        found = _describe(store, name)
        catalog = build_catalog(store)
        spec = catalog.segments[name]
        found["realtime_blockers"] = realtime_blockers(expand(spec, catalog), catalog)
    return found


def list_segments(ctx: ServiceContext) -> list[dict[str, Any]]:
    """Every saved segment with its size, sorted by name."""
    with open_warehouse(ctx.settings) as store:
        segments = store.table(SEGMENTS_TABLE)
        membership = store.table(SEGMENT_MEMBERSHIP_TABLE)
        sizes = membership.group_by("segment").aggregate(size=membership.count())
        joined = segments.left_join(sizes, segments.name == sizes.segment)
        rows = store.execute(
            joined.select("name", "description", "realtime", "size", "updated_at").order_by("name")
        )
    return [
        {
            "name": str(r["name"]),
            "description": str(r["description"]),
            "realtime": bool(r["realtime"]),
            "size": 0 if pd.isna(r["size"]) else int(r["size"]),
            "updated_at": pd.Timestamp(r["updated_at"]).isoformat(),
        }
        for r in rows.to_dict("records")
    ]


def members(ctx: ServiceContext, name: str, page: int = 1, page_size: int = 100) -> dict[str, Any]:
    """One page of a segment's current members, sorted by customer id.

    Returns:
        ``segment, page, page_size, total, members`` (each ``customer_id, since``).

    Raises:
        SegmentNotFoundError: No such segment.
        SegmentSpecError: ``page`` or ``page_size`` is out of range.
    """
    if page < 1 or not 1 <= page_size <= 10_000:
        raise SegmentSpecError(
            f"page={page}, page_size={page_size}: page must be >= 1 and page_size 1..10000.",
            "Pass a page from 1 and a page size of at most 10000.",
        )
    with open_warehouse(ctx.settings) as store:
        _describe(store, name)
        table = store.table(SEGMENT_MEMBERSHIP_TABLE)
        mine = table.filter(table.segment == name)
        total = int(store.scalar(mine.count()) or 0)
        rows = store.execute(
            mine.order_by("customer_id").limit(page_size, offset=(page - 1) * page_size)
        )
    return {
        "segment": name,
        "page": page,
        "page_size": page_size,
        "total": total,
        "members": [
            {"customer_id": str(c), "since": pd.Timestamp(s).isoformat()}
            for c, s in zip(rows["customer_id"], rows["since"], strict=True)
        ],
    }


def write_members(ctx: ServiceContext, name: str, handle: TextIO) -> int:
    """Write every current member of a segment as CSV (``customer_id, since``) to ``handle``.

    Returns:
        The number of members written.

    Raises:
        SegmentNotFoundError: No such segment.
    """
    writer = csv.writer(handle)
    writer.writerow(["customer_id", "since"])
    count, page = 0, 1
    while True:
        chunk = members(ctx, name, page=page, page_size=10_000)
        writer.writerows((m["customer_id"], m["since"]) for m in chunk["members"])
        count += len(chunk["members"])
        if count >= chunk["total"] or not chunk["members"]:
            return count
        page += 1


def export_members(ctx: ServiceContext, name: str, path: Path) -> int:
    """Write every current member of a segment to a CSV file (``customer_id, since``).

    Returns:
        The number of members written.
    """
    with path.open("w", newline="") as handle:
        return write_members(ctx, name, handle)


def membership_history(
    ctx: ServiceContext, name: str, *, limit: int = 1_000
) -> list[dict[str, Any]]:
    """A segment's entries and exits, newest first.

    Raises:
        SegmentNotFoundError: No such segment.
    """
    with open_warehouse(ctx.settings) as store:
        _describe(store, name)
        table = store.table(SEGMENT_HISTORY_TABLE)
        rows = store.execute(
            table.filter(table.segment == name).order_by(ibis.desc("at")).limit(limit)
        )
    return [
        {
            "customer_id": str(r["customer_id"]),
            "event": str(r["event"]),
            "entered": bool(r["entered"]),
            "at": pd.Timestamp(r["at"]).isoformat(),
            "source": str(r["source"]),
            "properties": orjson.loads(str(r["properties"])),
        }
        for r in rows.to_dict("records")
    ]


def segments_of(ctx: ServiceContext, customer_id: str) -> list[str]:
    """The segments a customer is currently a member of, sorted."""
    with open_warehouse(ctx.settings) as store:
        table = store.table(SEGMENT_MEMBERSHIP_TABLE)
        rows = store.execute(table.filter(table.customer_id == customer_id).select("segment"))
    return sorted(str(s) for s in rows["segment"])
