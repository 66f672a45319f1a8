"""Recommenders on implicit feedback, all with one contract.

Every recommender ``fit``s on a long interaction table (``customer_id, product_id, ts``; see
:class:`~vantage.solutions.recommend.data.Columns`) and ranks items per user with
``recommend`` / ``recommend_many``. Users unseen in training get the time-aware popularity
ranking (cold start). Seen items are excluded by default.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy import sparse

from vantage.solutions.recommend.data import Columns, InteractionMatrix, check_interactions

BATCH = 512


def decayed_popularity(
    frame: pd.DataFrame, items: pd.Index, columns: Columns, half_life_days: float | None
) -> np.ndarray:
    """Interactions per item, each weighted by ``0.5 ** (age / half_life)``.

    Age counts from the latest interaction; plain counts when ``half_life_days`` is None.
    """
    weights = np.ones(len(frame))
    if half_life_days is not None:
        times = pd.to_datetime(frame[columns.time], utc=True)
        age = (times.max() - times).dt.total_seconds().to_numpy() / 86400
        weights = 0.5 ** (age / half_life_days)
    codes = items.get_indexer(pd.Index(frame[columns.item]))
    return np.bincount(codes, weights=weights, minlength=len(items))


class Recommender(ABC):
    """Base class: indexing, cold start, seen-item filtering and top-k selection.

    Subclasses implement ``_fit(data)`` and ``_scores(rows)`` (a dense users x items block).

    Args:
        columns: Column names of the interaction table.
        half_life_days: Half-life of the popularity used for cold-start users.
    """

    def __init__(self, columns: Columns | None = None, half_life_days: float | None = 30.0):
        self.columns = columns
        self.half_life_days = half_life_days

    def fit(self, interactions: pd.DataFrame) -> Self:
        """Learn from a long interaction table (one row per user x item event)."""
        cols = self.columns or Columns()
        check_interactions(interactions, cols)
        self.columns_ = cols
        self.data_ = InteractionMatrix.build(interactions, cols)
        self.popularity_ = decayed_popularity(
            interactions, self.data_.items, cols, self.half_life_days
        )
        self._fit(self.data_)
        return self

    @abstractmethod
    def _fit(self, data: InteractionMatrix) -> None:
        """Learn from the interaction matrix."""

    @abstractmethod
    def _scores(self, rows: np.ndarray) -> np.ndarray:
        """Scores of every item for the given user rows."""

    def _check_fitted(self) -> None:
        if not hasattr(self, "data_"):
            raise ValueError(f"{type(self).__name__} is not fitted; call fit first")

    def _top(self, scores: np.ndarray, rows: np.ndarray, n: int, exclude_seen: bool) -> np.ndarray:
        scores = scores.astype(np.float64, copy=True)
        if exclude_seen:
            seen = self.data_.matrix[rows[rows >= 0]]
            known = np.flatnonzero(rows >= 0)
            r, c = seen.nonzero()
            scores[known[r], c] = -np.inf
        n = min(n, scores.shape[1])
        top = np.argpartition(-scores, n - 1, axis=1)[:, :n]
        order = np.take_along_axis(scores, top, axis=1).argsort(axis=1)[:, ::-1]
        return np.take_along_axis(top, order, axis=1)

    def _block(self, rows: np.ndarray) -> np.ndarray:
        scores = np.tile(self.popularity_, (len(rows), 1)).astype(np.float64)
        known = rows >= 0
        if known.any():
            scores[known] = self._scores(rows[known])
        return scores

    def recommend(self, user: Hashable, n: int = 10, *, exclude_seen: bool = True) -> pd.DataFrame:
        """The top ``n`` items for one user, best first, with their scores."""
        self._check_fitted()
        rows = self.data_.users.get_indexer(pd.Index([user]))
        scores = self._block(rows)
        top = self._top(scores, rows, n, exclude_seen)[0]
        keep = np.isfinite(scores[0, top])
        return pd.DataFrame(
            {self.columns_.item: self.data_.items[top[keep]], "score": scores[0, top[keep]]}
        )

    def recommend_many(
        self, users: Iterable[Hashable], n: int = 10, *, exclude_seen: bool = True
    ) -> dict[Any, list[Any]]:
        """The top ``n`` items of each user, best first."""
        self._check_fitted()
        wanted = list(users)
        out: dict[Any, list[Any]] = {}
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            rows = self.data_.users.get_indexer(pd.Index(batch))
            top = self._top(self._block(rows), rows, n, exclude_seen)
            for user, items in zip(batch, top, strict=True):
                out[user] = list(self.data_.items[items])
        return out


class PopularityRecommender(Recommender):
    """Time-aware popularity: the most bought items, recent interactions counting more.

    The baseline every other recommender is reported against.

    Args:
        columns: Column names.
        half_life_days: An interaction this old counts half; None for plain counts.
    """

    def _fit(self, data: InteractionMatrix) -> None:
        return None

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return np.tile(self.popularity_, (len(rows), 1))


class CooccurrenceRecommender(Recommender):
    """Item-item co-occurrence ("customers who bought this also bought").

    Two items are similar when the same customers bought both: cosine similarity of their
    customer sets. A user's score for an item sums its similarity to the items they have.
    """

    def _fit(self, data: InteractionMatrix) -> None:
        self.binary_ = (data.matrix > 0).astype(np.float32).tocsr()
        counts = np.asarray(self.binary_.sum(axis=0)).ravel()
        self.inverse_norm_ = 1.0 / np.sqrt(np.maximum(counts, 1.0))

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        own = self.binary_[rows]
        scaled = own.multiply(self.inverse_norm_).tocsr()
        overlap = (scaled @ self.binary_.T) @ self.binary_
        scores = np.asarray(overlap.todense() if sparse.issparse(overlap) else overlap)
        scores = scores * self.inverse_norm_ - own.toarray()
        return np.asarray(scores)

    def similar_items(self, item: Hashable, n: int = 10) -> pd.DataFrame:
        """Items most often bought by the buyers of ``item`` (cosine), best first.

        Raises:
            KeyError: The item was never bought in the training data.
        """
        self._check_fitted()
        index = self.data_.items.get_indexer(pd.Index([item]))[0]
        if index < 0:
            raise KeyError(item)
        column = self.binary_[:, [index]]
        together = np.asarray((self.binary_.T @ column).todense()).ravel()
        together[index] = 0
        scores = together * self.inverse_norm_ * self.inverse_norm_[index]
        order = np.argsort(-scores, kind="stable")[:n]
        order = order[scores[order] > 0]
        return pd.DataFrame(
            {
                self.columns_.item: self.data_.items[order],
                "score": scores[order],
                "customers_together": together[order].astype(int),
            }
        )
