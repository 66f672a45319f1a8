"""Recommendations on a workspace: order lines from events, train, serve, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.services import recommend
from vantage.services.context import ServiceContext
from vantage.services.models import list_models
from vantage.services.warehouse import open_warehouse
from vantage.solutions.recommend.sample import load_sample_orders


@pytest.fixture
def ctx(home: Path) -> ServiceContext:
    context = ServiceContext()
    context.workspace.init()
    with open_warehouse(context.settings) as store:
        load_sample_orders(store, customers=200)
    return context


def test_order_lines_come_from_the_products_of_orders(ctx: ServiceContext) -> None:
    with open_warehouse(ctx.settings) as store:
        lines = recommend.order_lines(store)
    assert set(lines.columns) == {"customer_id", "product_id", "sku", "ts"}
    assert lines.customer_id.str.startswith("c").all()
    assert lines.sku.eq("SKU-" + lines.product_id).all()


def test_train_picks_a_model_that_beats_popularity_and_serves_it(ctx: ServiceContext) -> None:
    card = recommend.train(ctx)
    assert card["chosen"] != "popularity"
    metrics = card["metrics"]
    assert metrics[card["chosen"]]["ndcg_at_10"] > metrics["popularity"]["ndcg_at_10"]
    assert [c["name"] for c in list_models(ctx.settings)] == ["recommend"]
    found = recommend.recommend_for(ctx, "c1", 5)
    assert found["strategy"] == "personal" and len(found["items"]) == 5
    assert found["version"] == card["version"]
    also = recommend.also_bought(ctx, "SKU-p01", 3)
    assert also["product_id"] == "p01" and 0 < len(also["items"]) <= 3
    assert all(i["product_id"] != "p01" for i in also["items"])


def test_unknown_customer_and_product_are_clear_errors(ctx: ServiceContext) -> None:
    with pytest.raises(recommend.RecommendError, match="No customer 'nobody'"):
        recommend.recommend_for(ctx, "nobody")
    with pytest.raises(recommend.RecommendError, match="was never bought"):
        recommend.also_bought(ctx, "kayak")


def test_a_workspace_without_orders_says_what_to_send(home: Path) -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    with pytest.raises(
        recommend.RecommendError, match=r"No 'Order Completed' event with a properties\.products"
    ):
        recommend.evaluate(ctx)
