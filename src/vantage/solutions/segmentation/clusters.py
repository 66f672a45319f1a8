"""Behavioural clustering with a stated criterion for k and a profile of each cluster in words.

K-means or a Gaussian mixture; the number of clusters is chosen by the criterion below.

Features are skewed counts and amounts, so they are ``log1p``-transformed (when non-negative)
and standardised before clustering. The number of clusters is the one with the best
criterion value over ``k_range``: the silhouette (higher is better; k-means or mixture) or the
Bayesian information criterion (lower is better; mixture only).
"""

from __future__ import annotations

from typing import Literal, Self

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

Method = Literal["kmeans", "gmm"]
Criterion = Literal["silhouette", "bic"]

# How a high / low value of a known feature reads to a marketer.
WORDS: dict[str, tuple[str, str]] = {
    "recency_days": ("lapsed (long since the last order)", "recent buyers"),
    "frequency": ("frequent buyers", "few orders"),
    "monetary": ("big baskets", "small baskets"),
    "total": ("high total spend", "low total spend"),
    "tenure_days": ("long-standing customers", "new customers"),
    "page_views": ("heavy browsers", "rarely browse"),
}
THRESHOLD = 0.5


def describe_feature(name: str, z: float) -> str:
    """Words for a cluster whose mean of ``name`` is ``z`` standard deviations from overall."""
    high, low = WORDS.get(name, (f"high {name.replace('_', ' ')}", f"low {name.replace('_', ' ')}"))
    return high if z > 0 else low


class BehaviourClusters:
    """Cluster customers on behavioural features; choose k by a stated criterion.

    Args:
        method: ``kmeans`` or ``gmm`` (Gaussian mixture, full covariance).
        k_range: Smallest and largest number of clusters tried (inclusive).
        criterion: ``silhouette`` (default for k-means) or ``bic`` (mixture only); None picks
            the method's default (silhouette for k-means, BIC for the mixture).
        sample_size: Customers sampled to compute the silhouette (it is quadratic).
        random_state: Seed for k-means / mixture initialisation and the silhouette sample.
        threads: OpenMP / BLAS threads (1 keeps shared machines responsive; None: all cores).
    """

    def __init__(
        self,
        method: Method = "kmeans",
        k_range: tuple[int, int] = (2, 8),
        criterion: Criterion | None = None,
        sample_size: int = 3000,
        random_state: int = 0,
        threads: int | None = 1,
    ) -> None:
        self.method = method
        self.k_range = k_range
        self.criterion = criterion
        self.sample_size = sample_size
        self.random_state = random_state
        self.threads = threads

    def _criterion(self) -> Criterion:
        chosen = self.criterion or ("silhouette" if self.method == "kmeans" else "bic")
        if self.method not in ("kmeans", "gmm"):
            raise ValueError(f"method must be 'kmeans' or 'gmm'; got {self.method!r}")
        if chosen == "bic" and self.method != "gmm":
            raise ValueError("criterion 'bic' needs method='gmm' (k-means has no likelihood)")
        if chosen not in ("silhouette", "bic"):
            raise ValueError(f"criterion must be 'silhouette' or 'bic'; got {chosen!r}")
        return chosen

    def _model(self, k: int) -> KMeans | GaussianMixture:
        if self.method == "kmeans":
            return KMeans(n_clusters=k, n_init=4, random_state=self.random_state)
        return GaussianMixture(n_components=k, n_init=2, random_state=self.random_state)

    def _prepare(self, features: pd.DataFrame) -> np.ndarray:
        values = features[self.feature_names_].to_numpy(float)
        values = np.where(self.log_columns_, np.log1p(np.clip(values, 0, None)), values)
        scaled: np.ndarray = self.scaler_.transform(values)
        return scaled

    def fit(self, features: pd.DataFrame) -> Self:
        """Fit on one row per customer, numeric columns only.

        Raises:
            ValueError: Non-numeric or missing values, or fewer customers than clusters tried.
        """
        with threadpool_limits(self.threads):
            return self._fit(features)

    def _fit(self, features: pd.DataFrame) -> Self:
        criterion = self._criterion()
        low, high = self.k_range
        if not 2 <= low <= high:
            raise ValueError(f"k_range must be (low, high) with 2 <= low <= high; got {low, high}")
        numeric = features.select_dtypes("number")
        if numeric.shape[1] != features.shape[1] or numeric.isna().any().any():
            raise ValueError("features must be numeric with no missing values (fill or drop them)")
        if len(features) <= high:
            raise ValueError(f"need more than {high} customers to try {high} clusters")
        self.feature_names_ = list(features.columns)
        raw = features.to_numpy(float)
        self.log_columns_ = (raw >= 0).all(axis=0)
        logged = np.where(self.log_columns_, np.log1p(np.clip(raw, 0, None)), raw)
        self.scaler_ = StandardScaler().fit(logged)
        x = self.scaler_.transform(logged)
        rng = np.random.default_rng(self.random_state)
        sample = rng.choice(len(x), size=min(self.sample_size, len(x)), replace=False)
        self.scores_: dict[int, float] = {}
        models = {}
        for k in range(low, high + 1):
            model = self._model(k).fit(x)
            models[k] = model
            if criterion == "bic":
                self.scores_[k] = float(model.bic(x))
            else:
                labels = model.predict(x)
                self.scores_[k] = float(silhouette_score(x[sample], labels[sample]))
        pick = min if criterion == "bic" else max
        self.criterion_ = criterion
        self.n_clusters_ = pick(self.scores_, key=lambda k: self.scores_[k])
        self.model_ = models[self.n_clusters_]
        self.labels_ = self.model_.predict(x)
        self.profiles_ = self._profiles(features, x, self.labels_)
        return self

    def transform(self, features: pd.DataFrame) -> np.ndarray:
        """The clustering space: features ``log1p``-transformed (when non-negative) and scaled."""
        if not hasattr(self, "scaler_"):
            raise ValueError("BehaviourClusters is not fitted; call fit first")
        return self._prepare(features)

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """The cluster of each customer."""
        if not hasattr(self, "model_"):
            raise ValueError("BehaviourClusters is not fitted; call fit first")
        with threadpool_limits(self.threads):
            labels: np.ndarray = self.model_.predict(self._prepare(features))
        return labels

    def _profiles(self, features: pd.DataFrame, x: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
        rows = []
        for cluster in range(self.n_clusters_):
            inside = labels == cluster
            z = x[inside].mean(axis=0) if inside.any() else np.zeros(x.shape[1])
            order = np.argsort(-np.abs(z))
            words = [
                describe_feature(self.feature_names_[i], float(z[i]))
                for i in order[:3]
                if abs(z[i]) >= THRESHOLD
            ]
            medians = features[inside].median()
            rows.append(
                {
                    "cluster": cluster,
                    "customers": int(inside.sum()),
                    "share": float(inside.mean()),
                    **{f"median_{c}": float(medians[c]) for c in self.feature_names_},
                    "description": ", ".join(words) if words else "close to the average customer",
                }
            )
        return pd.DataFrame(rows).set_index("cluster")
