"""Computed traits in the warehouse: windows, aggregations, identity joins, no future leakage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from profile_samples import AS_OF, load_sample
from vantage.core.errors import ConfigError
from vantage.profiles.computed import ComputedTrait, computed_traits
from vantage.store.warehouse import IbisStore, connect_store


@pytest.fixture
def store() -> Iterator[IbisStore]:
    with connect_store("duckdb://:memory:") as store:
        load_sample(store)
        yield store


def compute(store: IbisStore, traits: list[ComputedTrait]) -> pd.DataFrame:
    expr = computed_traits(store, traits, as_of=AS_OF)
    return store.execute(expr).set_index("customer_id").sort_index()


def test_counts_sums_and_windows_follow_identity_and_ignore_the_future(store: IbisStore) -> None:
    traits = [
        ComputedTrait(name="orders", events=["Order Completed"]),
        ComputedTrait(name="orders_30d", events=["Order Completed"], window_days=30),
        ComputedTrait(
            name="revenue", events=["Order Completed"], aggregation="sum", property="revenue"
        ),
        ComputedTrait(
            name="aov", events=["Order Completed"], aggregation="avg", property="revenue"
        ),
        ComputedTrait(name="pages", types=["page"]),
    ]
    out = compute(store, traits)
    assert list(out.index) == ["c1", "c2"]  # the unresolved 'stranger' has no profile
    assert out.loc["c1", "orders"] == 2  # the order 5 days after as_of is not counted
    assert out.loc["c1", "orders_30d"] == 1
    assert out.loc["c1", "revenue"] == pytest.approx(40.0)
    assert out.loc["c1", "aov"] == pytest.approx(20.0)
    assert out.loc["c1", "pages"] == 1  # the page came from the device linked to c1
    assert out.loc["c2", "orders"] == 1 and out.loc["c2", "pages"] == 0


def test_most_frequent_first_last_and_recency(store: IbisStore) -> None:
    traits = [
        ComputedTrait(
            name="favourite",
            events=["Product Viewed"],
            aggregation="most_frequent",
            property="category",
        ),
        ComputedTrait(name="first_category", aggregation="first", property="category"),
        ComputedTrait(name="last_category", aggregation="last", property="category"),
        ComputedTrait(name="categories", aggregation="unique_count", property="category"),
        ComputedTrait(
            name="since_order", events=["Order Completed"], aggregation="days_since_last"
        ),
        ComputedTrait(name="first_seen", types=["track", "page"], aggregation="first_seen"),
    ]
    out = compute(store, traits)
    assert out.loc["c1", "favourite"] == "hats"
    assert out.loc["c1", "first_category"] == "shoes"
    assert out.loc["c1", "last_category"] == "shoes"
    assert out.loc["c1", "categories"] == 2
    assert out.loc["c1", "since_order"] == 20
    assert out.loc["c1", "first_seen"] == pd.Timestamp(AS_OF - timedelta(days=100))


def test_value_aggregations_need_a_property() -> None:
    with pytest.raises(ValidationError, match="aggregation 'sum' needs 'property'"):
        ComputedTrait(name="revenue", aggregation="sum")


def test_trait_names_must_be_column_names() -> None:
    with pytest.raises(ValidationError, match="must be lower-case letters, digits and underscores"):
        ComputedTrait(name="Revenue (EUR)")


def test_property_paths_cannot_smuggle_sql() -> None:
    with pytest.raises(ValidationError, match="must be a dotted path of names"):
        ComputedTrait(name="x", aggregation="max", property="revenue'); DROP TABLE events; --")


def test_duplicate_trait_names_are_refused(store: IbisStore) -> None:
    with pytest.raises(ValueError, match=r"repeated: \['orders'\]"):
        compute(store, [ComputedTrait(name="orders"), ComputedTrait(name="orders", window_days=3)])


def test_traits_are_declared_in_vantage_toml(tmp_path: Path) -> None:
    from vantage.profiles.computed import DEFAULT_TRAITS, load_computed_traits

    config = tmp_path / "vantage.toml"
    assert load_computed_traits(config) == DEFAULT_TRAITS
    config.write_text(
        '[[profiles.computed_traits]]\nname = "orders_7d"\nevents = ["Order Completed"]\n'
        "window_days = 7\n"
    )
    [trait] = load_computed_traits(config)
    assert (trait.name, trait.window_days, trait.aggregation) == ("orders_7d", 7, "count")
    config.write_text('[[profiles.computed_traits]]\nname = "spend"\naggregation = "sum"\n')
    with pytest.raises(ConfigError, match=r"computed trait #1: .*needs 'property'"):
        load_computed_traits(config)
