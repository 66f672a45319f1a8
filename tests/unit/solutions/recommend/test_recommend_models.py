"""Popularity, co-occurrence, ALS and BPR on a shop with tastes."""

from __future__ import annotations

import pandas as pd
import pytest

from vantage.solutions.recommend import (
    ALSRecommender,
    BPRRecommender,
    CooccurrenceRecommender,
    PopularityRecommender,
    evaluate_recommenders,
)
from vantage.solutions.recommend.sample import sample_interactions


@pytest.fixture(scope="module")
def shop() -> pd.DataFrame:
    return sample_interactions(250, seed=1)


def test_collaborative_filtering_beats_popularity_on_held_out_orders(shop: pd.DataFrame) -> None:
    table = evaluate_recommenders(
        shop,
        {
            "co-occurrence": CooccurrenceRecommender(),
            "als": ALSRecommender(factors=16, iterations=10),
            "bpr": BPRRecommender(factors=16, iterations=60),
        },
    )
    assert list(table.index) == ["popularity", "co-occurrence", "als", "bpr"]
    rows = table.to_dict(orient="index")
    baseline = rows["popularity"]
    for name in ("co-occurrence", "als"):
        assert rows[name]["ndcg@10"] > baseline["ndcg@10"] * 1.1, table
        assert rows[name]["recall@10"] > baseline["recall@10"]
    assert table.users.iloc[0] > 50


def test_recommendations_exclude_seen_items_and_cold_users_get_popular_ones(
    shop: pd.DataFrame,
) -> None:
    model = ALSRecommender(factors=8, iterations=5).fit(shop)
    bought = set(shop.product_id[shop.customer_id == "c3"])
    top = model.recommend("c3", 5)
    assert len(top) == 5 and not bought & set(top.product_id)
    assert top.score.is_monotonic_decreasing
    with_seen = model.recommend("c3", 60, exclude_seen=False)
    assert bought <= set(with_seen.product_id)
    popular = PopularityRecommender().fit(shop).recommend("nobody", 3)
    assert model.recommend("nobody", 3).product_id.tolist() == popular.product_id.tolist()
    many = model.recommend_many(["c3", "nobody"], 5)
    assert many["c3"] == top.product_id.tolist()


def test_popularity_is_time_aware() -> None:
    old, new = pd.Timestamp("2024-01-01", tz="UTC"), pd.Timestamp("2025-01-01", tz="UTC")
    rows = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "product_id": ["old", "old", "old", "new"],
            "ts": [old, old, old, new],
        }
    )
    assert (
        PopularityRecommender(half_life_days=30).fit(rows).recommend("x", 1).product_id[0] == "new"
    )
    assert (
        PopularityRecommender(half_life_days=None).fit(rows).recommend("x", 1).product_id[0]
        == "old"
    )


def test_also_bought_counts_customers_in_common() -> None:
    ts = pd.Timestamp("2025-01-01", tz="UTC")
    rows = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c", "c", "d"],
            "product_id": ["tent", "stove", "tent", "stove", "tent", "mat", "mat"],
            "ts": ts,
        }
    )
    model = CooccurrenceRecommender().fit(rows)
    similar = model.similar_items("tent", 5)
    assert similar.product_id.tolist() == ["stove", "mat"]
    assert similar.customers_together.tolist() == [2, 1]
    assert model.recommend("d", 1).product_id.tolist() == ["tent"]
    with pytest.raises(KeyError):
        model.similar_items("kayak")
    with pytest.raises(ValueError, match="not fitted"):
        CooccurrenceRecommender().recommend("a")
