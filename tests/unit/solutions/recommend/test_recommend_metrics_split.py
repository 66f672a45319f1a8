"""Recall@k, NDCG@k and the time split."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vantage.solutions.recommend import (
    Columns,
    InteractionMatrix,
    ndcg_at_k,
    ranking_scores,
    recall_at_k,
    time_split,
)


def test_recall_and_ndcg_by_hand() -> None:
    assert recall_at_k(["a", "b", "c"], {"b", "z"}, k=3) == 0.5
    assert recall_at_k(["a"] * 0 + ["x"] * 3, {"b"}, k=3) == 0.0
    assert ndcg_at_k(["b", "a"], {"b"}, k=2) == 1.0
    assert ndcg_at_k(["a", "b"], {"b"}, k=2) == pytest.approx(1 / np.log2(3))
    # relevant items beyond k do not lower recall below what k allows
    assert recall_at_k(["a", "b"], {"a", "b", "c", "d"}, k=2) == 1.0
    with pytest.raises(ValueError, match="undefined without relevant"):
        ndcg_at_k(["a"], set())


def test_ranking_scores_averages_users_and_counts_missing_as_zero() -> None:
    test = pd.DataFrame({"customer_id": ["u1", "u2"], "product_id": ["a", "b"]})
    scores = ranking_scores({"u1": ["a", "x"]}, test, k=2)
    assert scores == {"recall@2": 0.5, "ndcg@2": 0.5, "users": 2.0}


def frame() -> pd.DataFrame:
    days = pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05"])
    return pd.DataFrame(
        {
            "customer_id": ["u1", "u2", "u1", "u2", "u3"],
            "product_id": ["a", "b", "b", "a", "a"],
            "ts": days.tz_localize("UTC"),
        }
    )


def test_global_time_split_keeps_the_future_out_of_training() -> None:
    train, test, cutoff = time_split(frame(), cutoff="2025-01-03")
    assert cutoff is not None and (pd.to_datetime(train.ts) < cutoff).all()
    assert set(train.customer_id) == {"u1", "u2"}
    # u3 is unseen in training: dropped; u1 and u2 keep their new items
    assert test[["customer_id", "product_id"]].values.tolist() == [["u1", "b"], ["u2", "a"]]
    again = pd.concat([frame(), frame().iloc[[0]].assign(ts=pd.Timestamp("2025-02-01", tz="UTC"))])
    _, test_again, _ = time_split(again, cutoff="2025-01-03")
    assert len(test_again) == 2  # u1 buying a again is not a discovery


def test_per_user_split_holds_out_each_users_latest() -> None:
    rows = pd.DataFrame(
        {
            "customer_id": ["u2"] + ["u1"] * 5,
            "product_id": ["d", "a", "b", "c", "d", "a"],
            "ts": pd.date_range("2025-01-01", periods=6, tz="UTC"),
        }
    )
    train, test, cutoff = time_split(rows, test_fraction=0.4, per_user=True)
    assert cutoff is None
    assert sorted(train.product_id[train.customer_id == "u1"]) == ["a", "b", "c"]
    # u1's latest two: d (new, kept) and a (already bought, dropped); u2 keeps its only row
    assert test.product_id.tolist() == ["d"]
    assert "u2" in set(train.customer_id)


def test_matrix_sums_repeats_and_errors_name_columns() -> None:
    data = InteractionMatrix.build(pd.concat([frame(), frame().head(1)]), Columns())
    assert data.matrix.shape == (3, 2) and data.matrix.sum() == 6
    assert data.matrix[data.users.get_loc("u1"), data.items.get_loc("a")] == 2
    with pytest.raises(ValueError, match=r"lack column\(s\) \['ts'\]"):
        time_split(frame().drop(columns="ts"))
    with pytest.raises(ValueError, match="interactions are empty"):
        time_split(frame().head(0))
    with pytest.raises(ValueError, match="test_fraction"):
        time_split(frame(), test_fraction=1.5)
