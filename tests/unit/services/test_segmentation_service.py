"""RFM segments and behavioural clusters on a workspace's warehouse, saved as tables."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from vantage.core.errors import VantageError
from vantage.services import segmentation
from vantage.services.context import ServiceContext
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features.sample import load_sample_shop

AS_OF = datetime(2025, 6, 30, tzinfo=UTC)


@pytest.fixture
def ctx(home: Path) -> ServiceContext:
    context = ServiceContext()
    context.workspace.init()
    with open_warehouse(context.settings) as store:
        load_sample_shop(store, customers=150)
    return context


def test_rfm_names_every_buyer_and_saves_the_table(ctx: ServiceContext) -> None:
    result = segmentation.rfm(ctx, as_of=AS_OF)
    assert len(result.scored) == result.summary.customers.sum() > 100
    assert "champions" in result.summary.index and "hibernating" in result.summary.index
    data = result.as_dict()
    assert data["saved_to"] == "rfm_segments"
    assert {s["segment"] for s in data["segments"]} == set(result.summary.index)
    with open_warehouse(ctx.settings) as store:
        saved = store.execute(store.table("rfm_segments"))
    assert len(saved) == len(result.scored)
    assert set(saved.columns) >= {"customer_id", "r", "f", "m", "segment", "computed_at"}


def test_clusters_choose_k_and_describe_each(ctx: ServiceContext) -> None:
    result = segmentation.clusters(ctx, k_max=4, as_of=AS_OF, save=False)
    assert result.criterion == "silhouette" and set(result.scores) == {2, 3, 4}
    assert result.n_clusters == max(result.scores, key=lambda k: result.scores[k])
    assert result.profiles.description.str.len().gt(0).all()
    assert result.as_dict()["saved_to"] is None
    with pytest.raises(VantageError, match="criterion 'bic' needs method='gmm'"):
        segmentation.clusters(ctx, criterion="bic", k_max=3, as_of=AS_OF)


def test_a_workspace_without_orders_is_a_clear_error(home: Path) -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    with pytest.raises(segmentation.NoOrdersError, match="No 'Order Completed' event") as info:
        segmentation.rfm(ctx)
    assert "vantage demo" in (info.value.fix or "")


def test_a_cutoff_before_any_order_is_a_clear_error(ctx: ServiceContext) -> None:
    with pytest.raises(segmentation.NoOrdersError, match="No 'Order Completed' event"):
        segmentation.rfm(ctx, as_of=datetime(2000, 1, 1, tzinfo=UTC))
