"""Profile traits from identify calls and imports, merged per trait with their provenance.

Every identify (and group) call contributes trait values; each value keeps the source, the time
and the event it came from. A :class:`TraitPolicy` names how the values of one trait combine for
a customer: ``most_recent`` (default), ``first_seen``, ``non_empty`` (the most recent value that
is not empty), ``sum`` (numbers) or ``union`` (a sorted list of distinct values). Because the raw
values are kept, the merge can be recomputed at any time, after a merge or a split of profiles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import ibis.expr.types as ir
import orjson
import pandas as pd
from pydantic import BaseModel, Field

from vantage.profiles.computed import customer_events
from vantage.store.warehouse import Store

Strategy = Literal["most_recent", "first_seen", "non_empty", "sum", "union"]
PII_TRAITS = frozenset(
    {
        "email",
        "phone",
        "first_name",
        "firstName",
        "last_name",
        "lastName",
        "name",
        "address",
        "birthday",
        "username",
    }
)
LONG_COLUMNS = ["customer_id", "trait", "value", "source", "timestamp", "seq"]


def _default_strategies() -> dict[str, Strategy]:
    return {"created_at": "first_seen", "createdAt": "first_seen"}


class TraitPolicy(BaseModel):
    """How trait values combine, and which traits are personal data.

    Attributes:
        default: Strategy for traits not listed in ``strategies``.
        strategies: Strategy per trait name.
        pii: Trait names holding personal data (masked in logs, erased on request).
    """

    default: Strategy = "most_recent"
    strategies: dict[str, Strategy] = Field(default_factory=_default_strategies)
    pii: frozenset[str] = PII_TRAITS

    def strategy(self, trait: str) -> Strategy:
        """The strategy of one trait."""
        return self.strategies.get(trait, self.default)


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    else:
        out[prefix] = value


def traits_of(message: Mapping[str, Any]) -> dict[str, Any]:
    """Trait values of one Segment message: ``traits`` and ``context.traits``, nested keys dotted.

    RudderStack's identify puts traits in ``context.traits``; top-level ``traits`` win on conflict.
    """
    out: dict[str, Any] = {}
    context = message.get("context")
    if isinstance(context, Mapping) and isinstance(context.get("traits"), Mapping):
        _flatten("", context["traits"], out)
    if isinstance(message.get("traits"), Mapping):
        _flatten("", message["traits"], out)
    return out


def trait_values(
    store: Store,
    *,
    customer_id: str | None = None,
    events: str = "events",
    identity_map: str | ir.Table = "identity_map",
) -> pd.DataFrame:
    """Every trait value ever sent, one row each: customer, trait, value, source, time, seq.

    Values are JSON text, so numbers, booleans and lists keep their type.

    Args:
        store: The warehouse.
        customer_id: Only this customer's values (all customers when None).
        events: Name of the events table.
        identity_map: Name of the identity map table, or a table expression with its columns.
    """
    ids = store.table(identity_map) if isinstance(identity_map, str) else identity_map
    if customer_id is not None:
        ids = ids.filter(ids.customer_id == customer_id)
    resolved = customer_events(store.table(events), ids)
    calls = resolved.filter(resolved.type.isin(["identify", "group"])).select(
        "customer_id", "source", "timestamp", "seq", "payload"
    )
    frame = store.execute(calls)
    return long_traits(frame.itertuples(index=False))


def long_traits(rows: Iterable[Any]) -> pd.DataFrame:
    """Explode (customer_id, source, timestamp, seq, payload) rows into one row per trait value."""
    records = []
    for row in rows:
        for trait, value in traits_of(orjson.loads(row.payload)).items():
            records.append(
                (
                    row.customer_id,
                    trait,
                    orjson.dumps(value).decode(),
                    row.source,
                    row.timestamp,
                    row.seq,
                )
            )
    return pd.DataFrame.from_records(records, columns=LONG_COLUMNS)


def _empty(text: str) -> bool:
    return text in ('""', "null", "[]", "{}")


def _number(text: str) -> float | None:
    value = orjson.loads(text)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def merge_traits(values: pd.DataFrame, policy: TraitPolicy | None = None) -> pd.DataFrame:
    """Apply each trait's strategy: one row per (customer_id, trait) with value and provenance.

    Returns:
        Columns ``customer_id, trait, value, source, updated_at, strategy, pii``; ``source`` and
        ``updated_at`` tell where the winning value came from (for ``sum`` and ``union``: the
        latest contribution).
    """
    policy = policy or TraitPolicy()
    columns = ["customer_id", "trait", "value", "source", "updated_at", "strategy", "pii"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    ordered = values.sort_values(["timestamp", "seq"], kind="stable")
    rows = []
    for (customer, trait), group in ordered.groupby(["customer_id", "trait"], sort=True):
        strategy = policy.strategy(str(trait))
        latest = group.iloc[-1]
        if strategy == "first_seen":
            pick = group.iloc[0]
            value, source, when = pick.value, pick.source, pick.timestamp
        elif strategy == "non_empty":
            filled = group[~group.value.map(_empty)]
            pick = filled.iloc[-1] if len(filled) else latest
            value, source, when = pick.value, pick.source, pick.timestamp
        elif strategy == "sum":
            numbers = [n for n in map(_number, group.value) if n is not None]
            value, source, when = (
                orjson.dumps(sum(numbers)).decode(),
                latest.source,
                latest.timestamp,
            )
        elif strategy == "union":
            items: set[str] = set()
            for text in group.value:
                parsed = orjson.loads(text)
                items.update(map(str, parsed if isinstance(parsed, list) else [parsed]))
            value = orjson.dumps(sorted(items)).decode()
            source, when = latest.source, latest.timestamp
        else:
            value, source, when = latest.value, latest.source, latest.timestamp
        rows.append((customer, trait, value, source, when, strategy, trait in policy.pii))
    return pd.DataFrame.from_records(rows, columns=columns)
