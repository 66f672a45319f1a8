"""Matrix factorisation on implicit feedback with the ``implicit`` library: ALS and BPR."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from vantage.solutions.recommend.data import Columns, InteractionMatrix
from vantage.solutions.recommend.models import Recommender


class _FactorRecommender(Recommender):
    """Scores are dot products of learned user and item factors."""

    threads: int

    @abstractmethod
    def _model(self) -> Any:
        """The ``implicit`` model to train."""

    def _fit(self, data: InteractionMatrix) -> None:
        # implicit parallelises itself; keep BLAS single-threaded as it asks (after importing
        # it, since the import may load another BLAS library).
        import implicit.cpu.als
        import implicit.cpu.bpr  # noqa: F401

        with threadpool_limits(1, "blas"):
            model = self._model()
            model.fit(self._weights(data), show_progress=False)
        self.model_ = model
        self.user_factors_ = np.asarray(model.user_factors)
        self.item_factors_ = np.asarray(model.item_factors)

    def _weights(self, data: InteractionMatrix) -> Any:
        return data.matrix

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        scores: np.ndarray = self.user_factors_[rows] @ self.item_factors_.T
        return scores


class ALSRecommender(_FactorRecommender):
    """Alternating least squares for implicit feedback (Hu, Koren and Volinsky 2008).

    Args:
        factors: Latent dimensions.
        regularization: L2 penalty.
        alpha: Confidence scale: an interaction of weight w counts ``1 + alpha * w``.
        iterations: ALS sweeps.
        threads: Threads used by ``implicit`` (keep small on shared machines).
        random_state: Seed.
        columns: Column names of the interaction table.
        half_life_days: Half-life of the cold-start popularity.
    """

    def __init__(
        self,
        factors: int = 64,
        regularization: float = 0.05,
        alpha: float = 10.0,
        iterations: int = 15,
        threads: int = 1,
        random_state: int = 0,
        columns: Columns | None = None,
        half_life_days: float | None = 30.0,
    ) -> None:
        super().__init__(columns, half_life_days)
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.threads = threads
        self.random_state = random_state

    def _model(self) -> Any:
        from implicit.cpu.als import AlternatingLeastSquares

        return AlternatingLeastSquares(
            factors=self.factors,
            regularization=self.regularization,
            alpha=self.alpha,
            iterations=self.iterations,
            num_threads=self.threads,
            random_state=self.random_state,
        )


class BPRRecommender(_FactorRecommender):
    """Bayesian personalised ranking (Rendle et al. 2009).

    Learns to rank bought items above sampled unbought ones.

    Args:
        factors: Latent dimensions.
        learning_rate: SGD step.
        regularization: L2 penalty.
        iterations: Epochs.
        threads: Threads used by ``implicit``.
        random_state: Seed.
        columns: Column names of the interaction table.
        half_life_days: Half-life of the cold-start popularity.
    """

    def __init__(
        self,
        factors: int = 64,
        learning_rate: float = 0.05,
        regularization: float = 0.01,
        iterations: int = 100,
        threads: int = 1,
        random_state: int = 0,
        columns: Columns | None = None,
        half_life_days: float | None = 30.0,
    ) -> None:
        super().__init__(columns, half_life_days)
        self.factors = factors
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.iterations = iterations
        self.threads = threads
        self.random_state = random_state

    def _weights(self, data: InteractionMatrix) -> Any:
        return (data.matrix > 0).astype(np.float32).tocsr()

    def _model(self) -> Any:
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        return BayesianPersonalizedRanking(
            factors=self.factors,
            learning_rate=self.learning_rate,
            regularization=self.regularization,
            iterations=self.iterations,
            num_threads=self.threads,
            random_state=self.random_state,
        )
