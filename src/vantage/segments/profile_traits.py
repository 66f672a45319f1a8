"""Profile traits from identify calls and imports, materialised in the warehouse for segments.

Two tables (migration 6):

* ``profile_trait_values``: every trait value ever sent, one row per identify/group call and
  trait, keyed by the call's identifiers (``user_id``, ``anonymous_id``) rather than a customer,
  so identity merges and splits never rewrite it. It is extended incrementally: only events
  above its highest ``seq`` are read, and each payload is parsed once.
* ``profile_traits``: one row per customer and trait with the merged value, rebuilt from the
  first table in the warehouse by set operations (window functions over the identity map join),
  with the strategies of :class:`vantage.profiles.traits.TraitPolicy` (``most_recent``,
  ``first_seen``, ``non_empty``, ``sum``, ``union``), so it agrees with
  :func:`vantage.profiles.traits.merge_traits`.

Values keep their JSON text in ``value``, plus typed copies for comparisons: ``text`` (JSON
strings), ``number`` (numbers, not booleans) and ``flag`` (booleans).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import orjson
import pyarrow as pa

from vantage.profiles.computed import customer_events
from vantage.profiles.traits import TraitPolicy, traits_of
from vantage.store.migrations import PROFILE_TRAIT_VALUES_TABLE, PROFILE_TRAITS_TABLE
from vantage.store.warehouse import Store

EMPTY_VALUES = ('""', "null", "[]", "{}")
_STAMP = pa.timestamp("us", tz="UTC")
VALUE_SCHEMA = pa.schema(
    [
        pa.field("seq", pa.int64(), nullable=False),
        pa.field("timestamp", _STAMP, nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("user_id", pa.string()),
        pa.field("anonymous_id", pa.string()),
        pa.field("trait", pa.string(), nullable=False),
        pa.field("value", pa.string(), nullable=False),
        pa.field("text", pa.string()),
        pa.field("number", pa.float64()),
        pa.field("flag", pa.bool_()),
        pa.field("empty", pa.bool_(), nullable=False),
        pa.field("items", pa.list_(pa.string())),
    ]
)


@dataclass(frozen=True)
class TraitRefresh:
    """What a refresh of the materialised traits did.

    Attributes:
        events: Identify/group calls read (new since the last refresh).
        values: Trait values added to ``profile_trait_values``.
        rows: Rows of ``profile_traits`` after the rebuild (customer x trait).
        seconds: Wall time of the whole refresh.
    """

    events: int
    values: int
    rows: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


def typed(value: Any) -> tuple[str | None, float | None, bool | None]:
    """The ``text``, ``number`` and ``flag`` copies of one parsed JSON value."""
    if isinstance(value, bool):
        return None, None, value
    if isinstance(value, int | float):
        return None, float(value), None
    return (value, None, None) if isinstance(value, str) else (None, None, None)


def _traits(message: Any) -> dict[str, Any]:
    """:func:`traits_of`, with a fast path for flat top-level ``traits`` (the common case)."""
    context = message.get("context")
    top = message.get("traits")
    nested = isinstance(context, dict) and "traits" in context
    if not nested and type(top) is dict and not any(type(v) is dict for v in top.values()):
        return top
    return traits_of(message)


def explode(rows: Iterable[Any]) -> pa.Table:
    """One row per trait value of (seq, timestamp, source, user_id, anonymous_id, payload) rows.

    Uses :func:`vantage.profiles.traits.traits_of`, so nested traits are dotted and top-level
    ``traits`` win over ``context.traits`` as everywhere else.
    """
    records: list[tuple[Any, ...]] = []
    add = records.append
    dumps, loads = orjson.dumps, orjson.loads
    for seq, ts, source, user, device, payload in rows:
        for trait, value in _traits(loads(payload)).items():
            text = dumps(value).decode()
            plain, number, flag = typed(value)
            items = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            add(
                (
                    seq,
                    ts,
                    source,
                    user,
                    device,
                    trait,
                    text,
                    plain,
                    number,
                    flag,
                    text in EMPTY_VALUES,
                    items,
                )
            )
    columns = list(zip(*records, strict=True)) if records else [()] * len(VALUE_SCHEMA)
    return pa.table(
        [pa.array(c, type=f.type) for c, f in zip(columns, VALUE_SCHEMA, strict=True)],
        schema=VALUE_SCHEMA,
    )


def append_new_values(store: Store, events: str = "events") -> tuple[int, int]:
    """Add the trait values of identify/group calls newer than the table's highest ``seq``.

    Returns:
        (calls read, values added).
    """
    values = store.table(PROFILE_TRAIT_VALUES_TABLE)
    done = store.scalar(values.seq.max())
    watermark = -1 if done is None else int(done)
    table = store.table(events)
    calls = table.filter(
        (table.seq > watermark)
        & table.type.isin(["identify", "group"])
        & (table.user_id.notnull() | table.anonymous_id.notnull())
    ).select("seq", "timestamp", "source", "user_id", "anonymous_id", "payload")
    fresh = store.to_arrow(calls)
    added = explode(zip(*(fresh.column(i).to_pylist() for i in range(6)), strict=True))
    if added.num_rows:
        store.append(PROFILE_TRAIT_VALUES_TABLE, added)
    return fresh.num_rows, added.num_rows


def _strategy(trait: ir.StringValue, policy: TraitPolicy) -> ir.StringValue:
    if not policy.strategies:
        return ibis.literal(policy.default)
    return trait.substitute(dict(policy.strategies), else_=policy.default)


def merged_traits(
    values: ir.Table, identity_map: ir.Table, policy: TraitPolicy | None = None
) -> ir.Table:
    """The merged value of every (customer, trait) as an Ibis expression (no Python loops).

    Args:
        values: ``profile_trait_values`` (or a table with its columns).
        identity_map: The identity map resolving ``user_id`` / ``anonymous_id`` to customers.
        policy: Strategies and personal-data traits (default: :class:`TraitPolicy`).

    Returns:
        Columns ``customer_id, trait, value, text, number, flag, source, updated_at,
        strategy, pii`` (``value`` of ``sum`` and ``union`` rows is filled in by
        :func:`finish`, which needs the total or the items).
    """
    policy = policy or TraitPolicy()
    rows = customer_events(values, identity_map)
    rows = rows.mutate(strategy=_strategy(rows.trait, policy))
    group = [rows.customer_id, rows.trait]
    oldest = ibis.window(group_by=group, order_by=[rows.timestamp, rows.seq])
    newest = ibis.window(group_by=group, order_by=[ibis.desc(rows.timestamp), ibis.desc(rows.seq)])
    newest_kind = ibis.window(
        group_by=[*group, rows.empty],
        order_by=[ibis.desc(rows.timestamp), ibis.desc(rows.seq)],
    )
    ranked = rows.mutate(
        first=ibis.row_number().over(oldest),
        last=ibis.row_number().over(newest),
        last_kind=ibis.row_number().over(newest_kind),
        filled=ibis.ifelse(rows.empty, 0, 1).max().over(ibis.window(group_by=group)),
        total=rows.number.sum().over(ibis.window(group_by=group)),
    )
    pick = ibis.cases(
        (ranked.strategy == "first_seen", ranked.first == 0),
        (
            ranked.strategy == "non_empty",
            ibis.ifelse(
                ranked.filled == 1, ~ranked.empty & (ranked.last_kind == 0), ranked.last == 0
            ),
        ),
        else_=ranked.last == 0,
    )
    chosen = ranked.filter(pick)
    is_sum = chosen.strategy == "sum"
    is_union = chosen.strategy == "union"
    return chosen.select(
        "customer_id",
        "trait",
        value=chosen.value,
        text=ibis.ifelse(is_sum | is_union, ibis.null("string"), chosen.text),
        number=ibis.ifelse(is_sum, chosen.total.fill_null(0.0), chosen.number),
        flag=ibis.ifelse(is_sum | is_union, ibis.null("boolean"), chosen.flag),
        source=chosen.source,
        updated_at=chosen.timestamp,
        strategy=chosen.strategy,
        pii=chosen.trait.isin(sorted(policy.pii)) if policy.pii else ibis.literal(False),
        has_number=chosen.total.notnull(),
    )


def _union_items(values: ir.Table, identity_map: ir.Table, policy: TraitPolicy) -> ir.Table:
    rows = customer_events(values, identity_map)
    rows = rows.filter(_strategy(rows.trait, policy) == "union")
    items = rows.select("customer_id", "trait", item=rows["items"].unnest()).distinct()
    return items.group_by("customer_id", "trait").aggregate(items=items.item.collect())


def finish(merged: pa.Table, union: pa.Table) -> pa.Table:
    """Fill the JSON ``value`` of ``sum`` rows (the total) and ``union`` rows (sorted items).

    Only those rows are touched, one formatting call each; their merge happened in the engine.
    """
    frame = merged.to_pandas()
    sums = frame["strategy"] == "sum"
    if sums.any():
        # merge_traits sums floats onto 0: an int 0 when nothing was a number, else a float.
        frame.loc[sums, "value"] = [
            orjson.dumps(float(n) if has else 0).decode()
            for n, has in zip(frame.loc[sums, "number"], frame.loc[sums, "has_number"], strict=True)
        ]
    if union.num_rows:
        found = {
            (c, t): orjson.dumps(sorted(i)).decode()
            for c, t, i in zip(*(union.column(n).to_pylist() for n in range(3)), strict=True)
        }
        unions = frame["strategy"] == "union"
        keys = zip(frame.loc[unions, "customer_id"], frame.loc[unions, "trait"], strict=True)
        frame.loc[unions, "value"] = [found.get(key, "[]") for key in keys]
    frame = frame.drop(columns=["has_number"])
    schema = store_schema()
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def store_schema() -> pa.Schema:
    """The Arrow schema of ``profile_traits``."""
    return pa.schema(
        [
            pa.field("customer_id", pa.string(), nullable=False),
            pa.field("trait", pa.string(), nullable=False),
            pa.field("value", pa.string(), nullable=False),
            pa.field("text", pa.string()),
            pa.field("number", pa.float64()),
            pa.field("flag", pa.bool_()),
            pa.field("source", pa.string(), nullable=False),
            pa.field("updated_at", _STAMP, nullable=False),
            pa.field("strategy", pa.string(), nullable=False),
            pa.field("pii", pa.bool_(), nullable=False),
        ]
    )


def rebuild_profile_traits(store: Store, policy: TraitPolicy | None = None) -> int:
    """Replace ``profile_traits`` with the merge of every value under the current identity map.

    Returns:
        The number of (customer, trait) rows written.
    """
    policy = policy or TraitPolicy()
    values = store.table(PROFILE_TRAIT_VALUES_TABLE)
    ids = store.table("identity_map")
    merged = store.to_arrow(merged_traits(values, ids, policy))
    union = store.to_arrow(_union_items(values, ids, policy))
    rows = finish(merged, union)
    with store.transaction():
        store.delete_where(PROFILE_TRAITS_TABLE, lambda t: t.trait.notnull())
        store.append(PROFILE_TRAITS_TABLE, rows)
    return rows.num_rows


def refresh_profile_traits(store: Store, policy: TraitPolicy | None = None) -> TraitRefresh:
    """Read new identify/group calls, then rebuild ``profile_traits`` in the warehouse.

    The values are appended incrementally; the merge is rebuilt in full (set operations in the
    engine, so identity merges and splits since the last refresh are always reflected).
    """
    started = time.perf_counter()
    calls, added = append_new_values(store)
    rows = rebuild_profile_traits(store, policy)
    return TraitRefresh(calls, added, rows, time.perf_counter() - started)
