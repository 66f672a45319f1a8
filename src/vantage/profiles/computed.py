"""Computed traits, declared as data and computed in the warehouse with Ibis.

Like Segment's computed traits: each trait names an event filter, an aggregation and an optional
time window. :func:`computed_traits` turns a list of them into one Ibis expression with a row per
``customer_id``, so the same declaration runs on DuckDB and PostgreSQL. Events reach a customer
through ``identity_map`` (their ``userId`` first, else their ``anonymousId``).

Declared in ``vantage.toml``::

    [[profiles.computed_traits]]
    name = "orders_30d"
    events = ["Order Completed"]
    aggregation = "count"
    window_days = 30
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import ibis
import ibis.expr.types as ir
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from vantage.core.errors import ConfigError
from vantage.store.warehouse import Store

Aggregation = Literal[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "first",
    "last",
    "most_frequent",
    "unique_count",
    "first_seen",
    "last_seen",
    "days_since_last",
]
NEEDS_PROPERTY = frozenset(
    {"sum", "avg", "min", "max", "first", "last", "most_frequent", "unique_count"}
)
NUMERIC = frozenset({"sum", "avg", "min", "max"})
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class ComputedTrait(BaseModel):
    """One computed trait.

    Attributes:
        name: Column name of the trait (lower-case, digits, underscores).
        events: Track event names counted; None counts every event of ``types``.
        types: Segment call types counted (default: track).
        aggregation: What to compute over the matching events.
        property: Dotted path inside ``properties`` (``revenue``, ``product.category``); needed by
            every aggregation over values.
        window_days: Only events of the last N days before the as-of time; None for all time.
    """

    name: str
    events: list[str] | None = None
    types: list[str] = Field(default_factory=lambda: ["track"])
    aggregation: Aggregation = "count"
    property: str | None = None
    window_days: int | None = Field(None, gt=0)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                f"trait name {value!r} must be lower-case letters, digits and underscores, "
                "starting with a letter (it becomes a column name)"
            )
        return value

    @field_validator("property")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        if value is not None and not _PATH.match(value):
            raise ValueError(
                f"property {value!r} must be a dotted path of names, e.g. 'revenue' or "
                "'product.category'"
            )
        return value

    @model_validator(mode="after")
    def _property_when_needed(self) -> ComputedTrait:
        if self.aggregation in NEEDS_PROPERTY and not self.property:
            raise ValueError(
                f"trait {self.name!r}: aggregation {self.aggregation!r} needs 'property', "
                'the event property it aggregates (e.g. property = "revenue")'
            )
        return self


DEFAULT_TRAITS: tuple[ComputedTrait, ...] = (
    ComputedTrait(name="events_total", types=["track", "page", "screen", "identify"]),
    ComputedTrait(
        name="first_seen", types=["track", "page", "screen", "identify"], aggregation="first_seen"
    ),
    ComputedTrait(
        name="last_seen", types=["track", "page", "screen", "identify"], aggregation="last_seen"
    ),
    ComputedTrait(name="orders", events=["Order Completed"]),
    ComputedTrait(name="orders_30d", events=["Order Completed"], window_days=30),
    ComputedTrait(
        name="revenue", events=["Order Completed"], aggregation="sum", property="revenue"
    ),
    ComputedTrait(
        name="revenue_90d",
        events=["Order Completed"],
        aggregation="sum",
        property="revenue",
        window_days=90,
    ),
    ComputedTrait(
        name="average_order_value",
        events=["Order Completed"],
        aggregation="avg",
        property="revenue",
    ),
    ComputedTrait(
        name="days_since_last_order", events=["Order Completed"], aggregation="days_since_last"
    ),
    ComputedTrait(name="page_views_30d", types=["page", "screen"], window_days=30),
    ComputedTrait(
        name="favourite_category",
        events=["Product Viewed"],
        aggregation="most_frequent",
        property="category",
    ),
)


def load_computed_traits(path: Path | None = None) -> tuple[ComputedTrait, ...]:
    """The computed traits declared in ``vantage.toml`` (``[[profiles.computed_traits]]``).

    Args:
        path: The TOML file; default ``VANTAGE_CONFIG`` or ``./vantage.toml``.

    Returns:
        The declared traits, or :data:`DEFAULT_TRAITS` when the file declares none.

    Raises:
        ConfigError: A declaration is invalid; the message names the trait and the field.
    """
    config = path or Path(os.environ.get("VANTAGE_CONFIG", "vantage.toml"))
    if not config.is_file():
        return DEFAULT_TRAITS
    declared = tomllib.loads(config.read_text()).get("profiles", {}).get("computed_traits")
    if not declared:
        return DEFAULT_TRAITS
    traits = []
    for number, item in enumerate(declared, start=1):
        try:
            traits.append(ComputedTrait.model_validate(item))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(part) for part in err["loc"]) or "(trait)"
            raise ConfigError(
                f"{config}: computed trait #{number}: {where}: "
                f"{err['msg'].removeprefix('Value error, ')}.",
                "Correct that [[profiles.computed_traits]] entry.",
            ) from exc
    return tuple(traits)


def customer_events(events: ir.Table, identity_map: ir.Table) -> ir.Table:
    """Events with the ``customer_id`` their userId (else anonymousId) resolves to."""
    by_user = identity_map.filter(identity_map.id_type == "user_id").select(
        user_key=identity_map.id_value, user_customer=identity_map.customer_id
    )
    by_device = identity_map.filter(identity_map.id_type == "anonymous_id").select(
        anon_key=identity_map.id_value, anon_customer=identity_map.customer_id
    )
    joined = events.left_join(by_user, events.user_id == by_user.user_key).left_join(
        by_device, events.anonymous_id == by_device.anon_key
    )
    resolved = joined.mutate(customer_id=ibis.coalesce(joined.user_customer, joined.anon_customer))
    return resolved.filter(resolved.customer_id.notnull())


def _property(store: Store, events: ir.Table, path: str, numeric: bool) -> ir.Value:
    text = store.json_text(events.payload, ["properties", *path.split(".")])
    return text.try_cast("float64") if numeric else text


def _aggregate(store: Store, trait: ComputedTrait, rows: ir.Table, as_of: ir.Value) -> ir.Table:
    if trait.aggregation == "count":
        return rows.group_by("customer_id").aggregate(**{trait.name: rows.count()})
    if trait.aggregation in ("first_seen", "last_seen", "days_since_last"):
        ts = rows.timestamp
        agg = ts.min() if trait.aggregation == "first_seen" else ts.max()
        out = rows.group_by("customer_id").aggregate(**{trait.name: agg})
        if trait.aggregation == "days_since_last":
            out = out.mutate(**{trait.name: as_of.delta(out[trait.name], unit="day")})
        return out
    value = _property(store, rows, trait.property or "", trait.aggregation in NUMERIC)
    rows = rows.mutate(_value=value).filter(ibis._["_value"].notnull())
    v = rows["_value"]
    if trait.aggregation in NUMERIC:
        reducer = {"sum": v.sum, "avg": v.mean, "min": v.min, "max": v.max}[trait.aggregation]
        return rows.group_by("customer_id").aggregate(**{trait.name: reducer()})
    if trait.aggregation == "unique_count":
        return rows.group_by("customer_id").aggregate(**{trait.name: v.nunique()})
    if trait.aggregation in ("first", "last"):
        order = rows.timestamp.asc() if trait.aggregation == "first" else rows.timestamp.desc()
        ranked = rows.mutate(
            _rank=ibis.row_number().over(group_by="customer_id", order_by=[order, rows.seq])
        )
        return ranked.filter(ranked._rank == 0).select(
            "customer_id", **{trait.name: ranked["_value"]}
        )
    counts = rows.group_by(["customer_id", "_value"]).aggregate(
        _n=rows.count(), _last=rows.timestamp.max()
    )
    ranked = counts.mutate(
        _rank=ibis.row_number().over(
            group_by="customer_id",
            order_by=[counts._n.desc(), counts._last.desc(), counts["_value"]],
        )
    )
    return ranked.filter(ranked._rank == 0).select("customer_id", **{trait.name: ranked["_value"]})


def computed_traits(
    store: Store,
    traits: list[ComputedTrait] | tuple[ComputedTrait, ...] = DEFAULT_TRAITS,
    *,
    as_of: datetime,
    events: str = "events",
    identity_map: str | ir.Table = "identity_map",
    customer_id: str | None = None,
) -> ir.Table:
    """One row per customer with a column per trait, computed as of ``as_of``.

    Events after ``as_of`` are ignored, so training data built with an earlier cut-off never
    sees the future.

    Args:
        store: The warehouse.
        traits: The traits to compute.
        as_of: The cut-off time (aware datetime).
        events: Name of the events table.
        identity_map: Name of the identity map table, or a table expression with its columns
            (the server passes its real-time identities this way).
        customer_id: Only this customer (all customers when None).

    Returns:
        An Ibis expression; run it with ``store.execute``.
    """
    names = [t.name for t in traits]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"computed traits must have distinct names; repeated: {duplicated}")
    cutoff = ibis.literal(as_of, type="timestamp('UTC')")
    ids = store.table(identity_map) if isinstance(identity_map, str) else identity_map
    if customer_id is not None:
        ids = ids.filter(ids.customer_id == customer_id)
    resolved = customer_events(store.table(events), ids).filter(ibis._.timestamp <= cutoff)
    customers = resolved.select("customer_id").distinct()
    for trait in traits:
        rows = resolved.filter(resolved.type.isin(trait.types))
        if trait.events is not None:
            rows = rows.filter(rows.event.isin(trait.events))
        if trait.window_days is not None:
            rows = rows.filter(rows.timestamp > cutoff - timedelta(days=trait.window_days))
        part = _aggregate(store, trait, rows, cutoff)
        customers = customers.left_join(part, "customer_id").drop("customer_id_right")
    fill = {t.name: 0 for t in traits if t.aggregation in ("count", "sum", "unique_count")}
    return customers.mutate(**{n: ibis.coalesce(customers[n], 0) for n in fill})
