"""Names checked against the catalog: unknown names, type mismatches, cycles, real-time rules."""

from __future__ import annotations

import pytest

from vantage.profiles.computed import DEFAULT_TRAITS
from vantage.segments.catalog import Catalog, check, expand, realtime_blockers
from vantage.segments.spec import AllOf, SegmentSpecError, TraitCondition, load_spec

CATALOG = Catalog.from_traits(
    DEFAULT_TRAITS,
    predictions=frozenset({"propensity_30d", "clv_90d"}),
    purposes=frozenset({"email_marketing", "advertising"}),
    segments={
        "buyers": load_spec(
            {
                "name": "buyers",
                "realtime": True,
                "where": {"trait": "orders", "op": ">=", "value": 1},
            }
        ),
        "windowed": load_spec(
            {"name": "windowed", "where": {"event": "Order Completed", "within": "7d"}}
        ),
    },
)


def spec(where: object, realtime: bool = False, name: str = "s") -> object:
    return load_spec({"name": name, "where": where, "realtime": realtime})


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (
            {
                "all": [
                    {"consent": "email_marketing"},
                    {"trait": "order_30d", "op": ">", "value": 1},
                ]
            },
            r"^where.all\[1\].trait: unknown trait 'order_30d'; did you mean 'orders_30d'\?",
        ),
        (
            {"trait": "x; DROP TABLE events", "op": "exists"},
            r"^where.trait: unknown trait 'x; DROP",
        ),
        ({"prediction": "propensity", "op": ">", "value": 0.5}, r"did you mean 'propensity_30d'"),
        ({"consent": "email"}, r"^where.consent: unknown purpose 'email'"),
        (
            {"not": {"segment": "buyer"}},
            r"^where.not.segment: unknown segment 'buyer'; did you mean 'buyers'",
        ),
        ({"lookalike": "buyers", "top": 5}, r"unknown look-alike seed 'buyers'"),
        (
            {"trait": "orders", "op": ">=", "value": "two"},
            r"^where.value: trait 'orders' is a number, but the value 'two' is not",
        ),
        ({"trait": "favourite_category", "op": "=", "value": 3}, r"is a text, but the value 3"),
        (
            {"trait": "last_seen", "op": ">", "value": "yesterday"},
            r"is a time, but the value 'yesterday'",
        ),
        ({"trait": "orders", "op": "contains", "value": "1"}, r"'contains' needs a text trait"),
        ({"any": [{"segment": "s"}]}, r"segment 's' refers to itself"),
    ],
)
def test_unknown_names_and_type_mismatches_point_at_the_node(where: object, message: str) -> None:
    with pytest.raises(SegmentSpecError, match=message) as info:
        check(spec(where), CATALOG)
    assert info.value.fix


def test_known_names_pass_and_the_fix_lists_them() -> None:
    check(
        spec(
            {
                "all": [
                    {"trait": "last_seen", "op": ">", "value": "2025-01-01"},
                    {"segment": "buyers"},
                ]
            }
        ),
        CATALOG,
    )
    with pytest.raises(SegmentSpecError) as info:
        check(spec({"trait": "nope", "op": "exists"}), CATALOG)
    assert "orders_30d" in (info.value.fix or "")


def test_references_are_inlined_and_cycles_refused() -> None:
    expanded = expand(spec({"all": [{"segment": "buyers"}, {"consent": "advertising"}]}), CATALOG)
    assert isinstance(expanded, AllOf) and isinstance(expanded.all[0], TraitCondition)
    looped = Catalog.from_traits(
        DEFAULT_TRAITS,
        segments={
            "a": spec({"segment": "b"}, name="a"),
            "b": spec({"not": {"segment": "a"}}, name="b"),
        },
    )
    with pytest.raises(
        SegmentSpecError,
        match=r"^b.where.not.segment: segment references form a cycle: a -> b -> a",
    ):
        expand(looped.segments["a"], looped)  # type: ignore[arg-type]


def test_which_conditions_can_be_real_time() -> None:
    assert (
        realtime_blockers(
            spec(
                {
                    "all": [
                        {"trait": "orders_30d", "op": ">", "value": 1},
                        {"prediction": "clv_90d", "op": ">", "value": 9},
                        {"consent": "advertising"},
                        {"segment": "buyers"},
                    ]
                }
            ).where,
            CATALOG,
        )
        == []
    )  # type: ignore[attr-defined]
    reasons = realtime_blockers(
        spec(
            {
                "any": [
                    {"event": "Order Completed"},
                    {"trait": "average_order_value", "op": ">", "value": 1},
                    {"segment": "windowed"},
                ]
            }
        ).where,
        CATALOG,
    )  # type: ignore[attr-defined]
    assert len(reasons) == 3
    assert "where.any[0] counts events" in reasons[0]
    assert "'average_order_value' is only updated when the warehouse syncs" in reasons[1]
    assert "'windowed' is not a real-time segment" in reasons[2]


def test_realtime_true_is_refused_with_the_reason() -> None:
    with pytest.raises(
        SegmentSpecError, match=r"cannot be evaluated in real time: where counts events"
    ) as info:
        check(spec({"event": "Order Completed", "within": "30d"}, realtime=True), CATALOG)
    assert "realtime: false" in (info.value.fix or "")
