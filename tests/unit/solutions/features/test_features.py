"""Feature builders: warehouse and pandas paths agree, and nothing after the cut-off leaks in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from vantage.solutions.features import (
    FeatureInputError,
    customer_features,
    holdout_targets,
    rfm_summary,
    transactions,
    warehouse_features,
    window_labels,
)
from vantage.solutions.features.sample import load_sample_shop, sample_events
from vantage.store.warehouse import IbisStore, connect_store

CUT = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def store() -> Iterator[IbisStore]:
    with connect_store("duckdb://:memory:") as store:
        load_sample_shop(store, 120, seed=3)
        yield store


def _features(store: IbisStore, as_of: datetime = CUT) -> pd.DataFrame:
    return (
        store.execute(warehouse_features(store, as_of=as_of)).set_index("customer_id").sort_index()
    )


def test_future_events_do_not_change_features() -> None:
    events, identity = sample_events(60, seed=5)
    with connect_store("duckdb://:memory:") as a, connect_store("duckdb://:memory:") as b:
        for s in (a, b):
            load_sample_shop(s, 0)
        past = events.filter(pa.compute.less_equal(events["timestamp"], pa.scalar(CUT)))
        a.append("events", past)
        b.append("events", events)
        a.append("identity_map", identity)
        b.append("identity_map", identity)
        pd.testing.assert_frame_equal(_features(a), _features(b))
        assert a.execute(a.table("events")).shape[0] < events.num_rows


def test_warehouse_and_pandas_paths_agree(store: IbisStore) -> None:
    wh = _features(store)
    pdf = customer_features(transactions(store, as_of=CUT), cutoff=CUT, mix=["channel"])
    shared = ["recency_days", "tenure_days", "orders", "spend", "aov", "orders_90", "spend_365"]
    joined = wh.loc[pdf.index, shared]
    np.testing.assert_allclose(joined.to_numpy(), pdf[shared].to_numpy(), rtol=1e-6)
    assert {"channel_web", "channel_app", "channel_pos"} <= set(wh.columns)
    assert any(c.startswith("category_") for c in wh.columns)


def test_prospects_have_zero_orders_and_engagement(store: IbisStore) -> None:
    wh = _features(store, CUT + timedelta(days=200))
    prospects = wh[wh.recency_days.isna()]
    assert len(prospects) > 0
    assert (prospects.orders == 0).all()
    assert (wh.last_seen_days >= 0).all()


def test_window_labels_count_only_the_window(store: IbisStore) -> None:
    end = CUT + timedelta(days=30)
    labels = store.execute(window_labels(store, start=CUT, end=end)).set_index("customer_id")
    tx = transactions(store, as_of=end)
    inside = tx[tx.ts > pd.Timestamp(CUT)]
    expected = inside.groupby("customer_id").size().sort_index()
    assert labels.future_orders.sort_index().astype(int).to_dict() == expected.to_dict()


def test_rfm_summary_follows_the_lifetimes_layout() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "a"],
            "ts": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05", "2024-03-01"]
            ),
            "amount": [5.0, 5.0, 20.0, 7.0, 100.0],
        }
    )
    rfm = rfm_summary(tx, cutoff="2024-01-31")
    assert rfm.loc["a"].to_dict() == {
        "frequency": 1.0,
        "recency": 10.0,
        "T": 30.0,
        "monetary_value": 20.0,
    }
    assert rfm.loc["b", "frequency"] == 0 and rfm.loc["b", "monetary_value"] == 0
    hold = holdout_targets(tx, cutoff="2024-01-31", end="2024-06-30", customers=rfm.index)
    assert hold.to_dict(orient="index") == {
        "a": {"holdout_transactions": 1.0, "holdout_spend": 100.0},
        "b": {"holdout_transactions": 0.0, "holdout_spend": 0.0},
    }


def test_missing_column_names_the_fix() -> None:
    with pytest.raises(
        FeatureInputError, match=r"no column 'amount'.*pass customer_id=, ts=, amount="
    ):
        rfm_summary(pd.DataFrame({"customer_id": [], "ts": []}), cutoff="2024-01-01")


def test_naive_cutoff_is_refused(store: IbisStore) -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        warehouse_features(store, as_of=datetime(2025, 1, 1))
