"""One customer's membership in Python: missing values, times, and nodes it cannot evaluate."""

from __future__ import annotations

import pytest

from vantage.profiles.computed import DEFAULT_TRAITS
from vantage.segments.catalog import Catalog
from vantage.segments.evaluate import CustomerState, compare_value, matches
from vantage.segments.spec import SegmentSpecError, load_spec

CATALOG = Catalog.from_traits(DEFAULT_TRAITS)


def where(node: object) -> object:
    return load_spec({"name": "s", "where": node}).where


def test_missing_values_match_nothing_but_not_exists() -> None:
    assert not compare_value(None, ">", 1)
    assert not compare_value(float("nan"), "!=", 1)
    assert not compare_value(None, "not_in", [1])
    assert compare_value(None, "exists", False) and not compare_value(None, "exists", None)
    assert compare_value(3, "not_in", [1, 2]) and compare_value("hats", "contains", "at")
    assert not compare_value(3, "contains", "3")


def test_profile_state_with_live_times_and_scores() -> None:
    state = CustomerState.from_profile(
        {
            "computed_traits": {"orders_30d": 2, "last_seen": "2025-06-01T10:00:00+00:00"},
            "predictions": [{"model": "propensity_30d", "score": 0.8}],
            "consent": {"email_marketing": True},
        }
    )
    node = where(
        {
            "all": [
                {"trait": "orders_30d", "op": ">=", "value": 2},
                {"trait": "last_seen", "op": ">", "value": "2025-05-31"},
                {"prediction": "propensity_30d", "op": ">", "value": 0.7},
                {"consent": "email_marketing"},
                {"not": {"consent": "advertising"}},
            ]
        }
    )
    assert matches(node, state, CATALOG)  # type: ignore[arg-type]
    assert not matches(where({"any": [{"consent": "advertising"}]}), state, CATALOG)  # type: ignore[arg-type]


def test_warehouse_only_nodes_are_refused() -> None:
    with pytest.raises(SegmentSpecError, match="EventCondition cannot be evaluated"):
        matches(where({"event": "Order Completed"}), CustomerState(), CATALOG)  # type: ignore[arg-type]
