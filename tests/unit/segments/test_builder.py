"""The Python builder writes the same trees as YAML: same definitions, same members."""

from __future__ import annotations

import weakref
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from segment_helpers import members, shop_sources

from vantage.profiles.computed import DEFAULT_TRAITS
from vantage.segments.builder import (
    Cond,
    consent,
    did,
    event,
    lookalike,
    prediction,
    prop,
    segment,
    trait,
)
from vantage.segments.catalog import Catalog
from vantage.segments.evaluate import CustomerState, matches
from vantage.segments.spec import load_spec
from vantage.store.warehouse import IbisStore

STATES: weakref.WeakKeyDictionary[IbisStore, dict[str, CustomerState]] = weakref.WeakKeyDictionary()
OPS = {">=": "__ge__", ">": "__gt__", "<": "__lt__", "<=": "__le__", "=": "__eq__", "!=": "__ne__"}


def test_builder_spells_every_node() -> None:
    where = (
        ((trait("orders_30d") >= 2) | (prediction("propensity_30d") > 0.7))
        & consent("email_marketing")
        & ~segment("churned")
        & (event("Order Completed").count(within="90d", where=prop("revenue") > 50) >= 1)
        & did("Product Viewed").not_followed_by("Order Completed", within="1d", in_last="30d")
        & trait("favourite_category").isin(["hats", "bags"])
        & trait("favourite_category").not_in({"coats"})
        & trait("favourite_category").contains("at")
        & trait("average_order_value").exists(False)
        & lookalike("vip", top=50)
        & consent("advertising", granted=False)
    )
    assert where.to_dict()["all"][0] == {
        "any": [
            {"trait": "orders_30d", "op": ">=", "value": 2},
            {"prediction": "propensity_30d", "op": ">", "value": 0.7},
        ]
    }
    spec = where.to_spec("engaged", description="d")
    assert load_spec(yaml.safe_dump(spec.to_dict())) == spec
    assert spec.where.all[3].where.property == "revenue"  # type: ignore[union-attr]
    assert spec.where.all[8].op == "exists" and spec.where.all[8].value is False  # type: ignore[union-attr]
    assert "Cond(" in repr(consent("x"))


LEAVES: list[tuple[str, str, list[Any]]] = [
    ("trait", "orders", [0, 1, 2, 4]),
    ("trait", "orders_30d", [0, 1]),
    ("trait", "revenue", [50, 200.5]),
    ("trait", "days_since_last_order", [10, 90]),
    ("prediction", "propensity_30d", [0.2, 0.5, 0.8]),
]


@st.composite
def trees(draw: st.DrawFn, depth: int = 2) -> tuple[Cond, dict[str, Any]]:
    choice = draw(st.integers(0, 5 if depth else 2))
    if choice <= 1:
        kind, name, values = draw(st.sampled_from(LEAVES))
        op = draw(st.sampled_from(sorted(OPS)))
        value = draw(st.sampled_from(values))
        field = trait(name) if kind == "trait" else prediction(name)
        return getattr(field, OPS[op])(value), {kind: name, "op": op, "value": value}
    if choice == 2:
        purpose = draw(st.sampled_from(["email_marketing", "advertising"]))
        return consent(purpose), {"consent": purpose}
    if choice == 3:
        inner, node = draw(trees(depth - 1))
        return ~inner, {"not": node}
    left, a = draw(trees(depth - 1))
    right, b = draw(trees(depth - 1))
    key = "all" if choice == 4 else "any"
    return (left & right if key == "all" else left | right), {key: [a, b]}


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tree=trees())
def test_builder_and_yaml_select_the_same_customers(
    shop: IbisStore, tree: tuple[Cond, dict[str, Any]]
) -> None:
    built, node = tree
    from_builder = built.to_spec("s")
    from_yaml = load_spec(yaml.safe_dump({"name": "s", "where": node}))
    assert members(shop, from_builder) == members(shop, from_yaml)


def customer_states(shop: IbisStore) -> dict[str, CustomerState]:
    """Each customer's traits, scores and consent, as the batch query sees them."""
    tables = shop_sources(shop)
    traits = shop.execute(tables.customers).set_index("customer_id")
    scores = shop.execute(shop.table("predictions"))
    decided = shop.execute(tables.consent)  # type: ignore[arg-type]
    predictions: dict[str, dict[str, float]] = {}
    for c, m, v in zip(scores.customer_id, scores.model, scores.score, strict=True):
        predictions.setdefault(c, {})[m] = v
    consents: dict[str, dict[str, bool]] = {}
    for c, p, g in zip(decided.customer_id, decided.purpose, decided.granted, strict=True):
        consents.setdefault(c, {})[p] = g
    return {
        str(c): CustomerState(row.to_dict(), predictions.get(c, {}), consents.get(c, {}))
        for c, row in traits.iterrows()
    }


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tree=trees())
def test_python_evaluation_equals_the_compiled_query(
    shop: IbisStore, tree: tuple[Cond, dict[str, Any]]
) -> None:
    """Real-time (one customer's state in Python) and batch (Ibis) agree on the same state."""
    spec = load_spec({"name": "s", "where": tree[1]})
    if shop not in STATES:
        STATES[shop] = customer_states(shop)
    states = STATES[shop]
    catalog = Catalog.from_traits(DEFAULT_TRAITS)
    python = {c for c, state in states.items() if matches(spec.where, state, catalog)}
    assert python == members(shop, spec)
