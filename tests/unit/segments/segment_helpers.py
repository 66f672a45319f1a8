"""Helpers: evaluate segments on a small synthetic shop in an in-memory warehouse."""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa

from vantage.profiles.computed import DEFAULT_TRAITS, computed_traits, customer_events
from vantage.profiles.consent import ConsentChange
from vantage.profiles.consent_ledger import ConsentLedger, customer_consent
from vantage.segments.catalog import Catalog, check
from vantage.segments.compile import Sources, compile_segment
from vantage.segments.spec import SegmentSpec, validate_spec
from vantage.solutions.features.sample import load_sample_shop
from vantage.store.warehouse import IbisStore, Store, connect_store

AS_OF = datetime(2025, 6, 30, tzinfo=UTC)


_TRAITS: weakref.WeakKeyDictionary[Store, dict[datetime, ibis.Table]] = weakref.WeakKeyDictionary()


def shop_sources(store: Store, as_of: datetime = AS_OF) -> Sources:
    """The shop's tables; computed traits are evaluated once per store (the events never change)."""
    ids = store.table("identity_map")
    cached = _TRAITS.setdefault(store, {})
    if as_of not in cached:
        values = computed_traits(store, DEFAULT_TRAITS, as_of=as_of)
        customers = ids.select("customer_id").distinct()
        joined = customers.left_join(values, "customer_id").drop("customer_id_right")
        cached[as_of] = ibis.memtable(store.to_arrow(joined))
    return Sources(
        customers=cached[as_of],
        events=customer_events(store.table("events"), ids),
        predictions=store.table("predictions"),
        consent=customer_consent(store.table("consent_ledger"), ids),
        lookalikes=store.table("segment_lookalikes"),
        json_text=store.json_text,
        as_of=as_of,
    )


def shop_catalog(store: Store, **others: Any) -> Catalog:
    models = store.execute(store.table("predictions").select("model").distinct())["model"]
    fields: dict[str, Any] = {
        "predictions": frozenset(models),
        "purposes": frozenset({"email_marketing", "advertising"}),
        **others,
    }
    return Catalog.from_traits(DEFAULT_TRAITS, **fields)


def members(store: Store, spec: SegmentSpec | dict[str, Any], **catalog: Any) -> set[str]:
    parsed = spec if isinstance(spec, SegmentSpec) else validate_spec(spec)
    known = shop_catalog(store, **catalog)
    check(parsed, known)
    expr = compile_segment(parsed, shop_sources(store), known)
    return set(store.execute(expr)["customer_id"])


def add_predictions(store: Store, model: str, scores: dict[str, float]) -> None:
    store.append(
        "predictions",
        pa.table(
            {
                "customer_id": list(scores),
                "model": [model] * len(scores),
                "version": ["v1"] * len(scores),
                "score": list(scores.values()),
                "computed_at": pa.array([AS_OF] * len(scores), pa.timestamp("us", tz="UTC")),
            }
        ),
    )


def add_consent(store: Store, decisions: dict[str, bool], purpose: str = "email_marketing") -> None:
    ConsentLedger(store).record(
        ConsentChange("user_id", f"u{c[1:]}", purpose, granted, AS_OF, "test", None)
        for c, granted in decisions.items()
    )


def orders_frame(store: Store) -> pd.DataFrame:
    """Each order's customer and time (pandas), to compute expectations independently."""
    events = store.execute(store.table("events"))
    orders = events[events["event"] == "Order Completed"]
    return pd.DataFrame({"customer_id": "c" + orders["user_id"].str[1:], "ts": orders["timestamp"]})


def make_shop() -> IbisStore:
    """60 buyers and 12 prospects, propensity scores and e-mail consent for some of them."""
    store = connect_store("duckdb://:memory:")
    load_sample_shop(store, customers=60, seed=3)
    add_predictions(store, "propensity_30d", {f"c{i}": i / 72 for i in range(72)})
    add_consent(store, {f"c{i}": i % 3 != 0 for i in range(0, 72, 2)})
    return store
