"""Profile traits (identify calls, imports) for segments: refresh, types and per-customer values.

``profile_traits`` is refreshed after every warehouse sync and identity refresh (see
:func:`vantage.services.events.compact_and_sync` and :func:`~vantage.services.events.maintain`);
segments read it in batch (``{"profile": "city", ...}``) and the real-time listener reads the
same rows for the customers it re-evaluates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from vantage.segments.catalog import ProfileType
from vantage.segments.profile_traits import TraitRefresh, refresh_profile_traits
from vantage.services.context import ServiceContext
from vantage.services.warehouse import open_warehouse
from vantage.store.migrations import PROFILE_TRAITS_TABLE
from vantage.store.warehouse import Store

__all__ = ["profile_types", "profile_values", "refresh_traits"]


def refresh_traits(ctx: ServiceContext) -> TraitRefresh:
    """Read new identify/group calls and rebuild ``profile_traits`` in the warehouse."""
    with open_warehouse(ctx.settings) as store:
        return refresh_profile_traits(store)


def profile_types(store: Store) -> dict[str, ProfileType]:
    """Each profile trait's type: the kind most of its customers' values have.

    Ties go to text, then number. Traits whose values are all lists or nulls are texts (only
    ``exists`` can match them).
    """
    if not store.has_table(PROFILE_TRAITS_TABLE):
        return {}
    table = store.table(PROFILE_TRAITS_TABLE)
    counts = store.execute(
        table.group_by("trait").aggregate(
            text=table.text.count(), number=table.number.count(), boolean=table.flag.count()
        )
    )
    out: dict[str, ProfileType] = {}
    for trait, text, number, flag in counts.itertuples(index=False, name=None):
        best: ProfileType = "text"
        if number > text and number >= flag:
            best = "number"
        elif flag > text and flag > number:
            best = "boolean"
        out[str(trait)] = best
    return out


def profile_values(store: Store, customers: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The merged profile traits of some customers: customer -> trait -> value (parsed JSON)."""
    if not customers or not store.has_table(PROFILE_TRAITS_TABLE):
        return {}
    table = store.table(PROFILE_TRAITS_TABLE)
    rows = store.execute(
        table.filter(table.customer_id.isin(list(customers))).select(
            "customer_id", "trait", "value"
        )
    )
    out: dict[str, dict[str, Any]] = {}
    for customer, trait, value in rows.itertuples(index=False, name=None):
        out.setdefault(str(customer), {})[str(trait)] = orjson.loads(value)
    return out
