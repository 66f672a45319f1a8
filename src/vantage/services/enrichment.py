"""Profile enrichment as a use case: one customer on read, every customer into the warehouse."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import ibis
import ibis.expr.types as ir
import orjson
import pandas as pd

from vantage.profiles.computed import customer_events
from vantage.profiles.enrich_profile import (
    EnrichmentConfig,
    enrich_profile,
    latest_context,
    load_enrichment_config,
)
from vantage.profiles.traits import merge_traits, trait_values
from vantage.services.context import ServiceContext
from vantage.services.warehouse import open_warehouse
from vantage.store.warehouse import Store

ENRICHMENT_TABLE = "profile_enrichment"
_CONTEXT_KEYS = ('"userAgent"', '"timezone"', '"locale"')


def _with_context(events: ir.Table) -> ir.Table:
    test = events.payload.contains(_CONTEXT_KEYS[0])
    for key in _CONTEXT_KEYS[1:]:
        test = test | events.payload.contains(key)
    return events.filter(test)


def latest_contexts(store: Store, ids: ir.Table) -> dict[str, dict[str, Any]]:
    """Per customer, the ``context`` of the latest event with a user agent, time zone or locale."""
    rows = _with_context(customer_events(store.table("events"), ids))
    ranked = rows.mutate(
        _rank=ibis.row_number().over(group_by="customer_id", order_by=[rows.seq.desc()])
    )
    frame = store.execute(ranked.filter(ranked._rank == 0).select("customer_id", "payload"))
    found = {}
    for customer, payload in zip(frame["customer_id"], frame["payload"], strict=True):
        context = orjson.loads(str(payload)).get("context")
        found[str(customer)] = context if isinstance(context, dict) else {}
    return found


def _trait_maps(merged: pd.DataFrame) -> dict[str, dict[str, Any]]:
    maps: dict[str, dict[str, Any]] = {}
    for customer, trait, value in merged[["customer_id", "trait", "value"]].itertuples(index=False):
        maps.setdefault(str(customer), {})[str(trait)] = orjson.loads(str(value))
    return maps


def customer_enrichment(
    traits: Mapping[str, Any],
    messages_newest_first: Iterable[Mapping[str, Any]],
    config: EnrichmentConfig | None = None,
) -> dict[str, dict[str, Any]]:
    """One customer's enrichment: field -> ``{"value", "source"}``.

    Args:
        traits: The customer's merged traits (name -> value).
        messages_newest_first: The customer's messages, newest first (for the latest context).
        config: Steps to run (default: vantage.toml's).
    """
    registry = (config or load_enrichment_config()).registry()
    added = enrich_profile(registry, traits, latest_context(messages_newest_first))
    return {name: {"value": item.value, "source": item.source} for name, item in added.items()}


@dataclass(frozen=True)
class EnrichmentReport:
    """What ``vantage profile enrich`` did."""

    customers: int
    fields: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


def enrich_all(
    ctx: ServiceContext, on_progress: Callable[[int, int], None] | None = None
) -> EnrichmentReport:
    """Enrich every customer and replace the warehouse table ``profile_enrichment``.

    Columns: ``customer_id, field, value`` (JSON text), ``source, computed_at``.
    """
    started = time.perf_counter()
    registry = load_enrichment_config().registry()
    now = datetime.now(UTC)
    with open_warehouse(ctx.settings) as store:
        ids = store.table("identity_map")
        traits = _trait_maps(merge_traits(trait_values(store, identity_map=ids)))
        contexts = latest_contexts(store, ids)
        customers = sorted(set(traits) | set(contexts))
        rows: list[tuple[str, str, str, str, datetime]] = []
        for done, customer in enumerate(customers, start=1):
            added = enrich_profile(registry, traits.get(customer, {}), contexts.get(customer, {}))
            rows.extend(
                (customer, name, orjson.dumps(item.value).decode(), item.source, now)
                for name, item in added.items()
            )
            if on_progress is not None and (done % 1_000 == 0 or done == len(customers)):
                on_progress(done, len(customers))
        columns = ["customer_id", "field", "value", "source", "computed_at"]
        table = pd.DataFrame(rows, columns=columns)
        table["computed_at"] = pd.to_datetime(table["computed_at"], utc=True)
        store.create_table(ENRICHMENT_TABLE, table, overwrite=True)
    return EnrichmentReport(len(customers), len(rows), time.perf_counter() - started)
