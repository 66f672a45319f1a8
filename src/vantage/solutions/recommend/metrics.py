"""Top-k ranking metrics: Recall@k and NDCG@k with binary relevance."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd


def recall_at_k(recommended: Sequence[Hashable], relevant: set[Any], k: int = 10) -> float:
    """Share of the relevant items found in the top ``k`` (relevant capped at ``k``)."""
    if not relevant:
        raise ValueError("recall is undefined without relevant items")
    hits = sum(1 for item in list(recommended)[:k] if item in relevant)
    return hits / min(len(relevant), k)


def ndcg_at_k(recommended: Sequence[Hashable], relevant: set[Any], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the top ``k`` (binary relevance)."""
    if not relevant:
        raise ValueError("NDCG is undefined without relevant items")
    gains = [1.0 if item in relevant else 0.0 for item in list(recommended)[:k]]
    dcg = sum(g / np.log2(rank + 2) for rank, g in enumerate(gains))
    ideal = sum(1.0 / np.log2(rank + 2) for rank in range(min(len(relevant), k)))
    return float(dcg / ideal)


def ranking_scores(
    recommendations: Mapping[Hashable, Sequence[Hashable]],
    test: pd.DataFrame,
    *,
    user_col: str = "customer_id",
    item_col: str = "product_id",
    k: int = 10,
) -> dict[str, float]:
    """Mean Recall@k and NDCG@k over the users of ``test``.

    Args:
        recommendations: Ranked items per user (a user missing here scores 0).
        test: Held-out interactions.
        user_col: User column of ``test``.
        item_col: Item column of ``test``.
        k: Cut-off.

    Returns:
        ``recall@k``, ``ndcg@k`` and ``users`` (how many were scored).
    """
    truth = test.groupby(user_col)[item_col].agg(set)
    if truth.empty:
        raise ValueError("the test set has no interactions to score against")
    recalls, ndcgs = [], []
    for user, relevant in truth.items():
        ranked = recommendations.get(user, [])
        recalls.append(recall_at_k(ranked, relevant, k))
        ndcgs.append(ndcg_at_k(ranked, relevant, k))
    return {
        f"recall@{k}": float(np.mean(recalls)),
        f"ndcg@{k}": float(np.mean(ndcgs)),
        "users": float(len(truth)),
    }
