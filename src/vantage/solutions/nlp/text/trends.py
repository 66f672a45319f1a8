"""Trend spotting: topics discovered in a stream of texts, tracked from one period to the next.

Texts are embedded (MiniLM sentence embeddings by default, or TF-IDF + SVD when no encoder is
wanted), clustered with k-means, and each cluster gets a readable label from its most
distinctive terms (class-based TF-IDF, as BERTopic does). :meth:`TrendSpotter.report` then
compares each topic's volume in the latest period with the one before (emerging topics), and
gives its mean sentiment and the texts closest to its centre as examples.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import Normalizer

from vantage.solutions.nlp.text._common import TextModelError, as_texts, check_fitted
from vantage.solutions.nlp.text.transformer import DEFAULT_ENCODER, embed

# @mentions, URLs and e-mail addresses name who or where, not what a text is about.
_NOISE = re.compile(r"@\w+|https?://\S+|www\.\S+|\S+@\S+")


class TrendSpotter(BaseEstimator):
    """Cluster texts into topics with readable labels.

    Args:
        n_topics: Number of topics (fewer when there are few texts).
        embedding: ``"minilm"`` (sentence embeddings; ``encoder`` names the model) or
            ``"tfidf"`` (TF-IDF + 100-d SVD; fast, no model).
        encoder: Encoder name or folder for ``"minilm"``.
        n_terms: Terms in each topic's label.
        random_state: Seed of k-means and SVD.
    """

    def __init__(
        self,
        n_topics: int = 8,
        embedding: str = "minilm",
        encoder: str = DEFAULT_ENCODER,
        n_terms: int = 3,
        random_state: int = 0,
    ) -> None:
        self.n_topics = n_topics
        self.embedding = embedding
        self.encoder = encoder
        self.n_terms = n_terms
        self.random_state = random_state

    def _vectors(self, texts: list[str], fit: bool) -> np.ndarray:
        if self.embedding == "minilm":
            return embed(texts, self.encoder)
        if self.embedding != "tfidf":
            raise TextModelError(
                f"Unknown embedding {self.embedding!r}.", "Use 'minilm' or 'tfidf'."
            )
        if fit:
            tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True)
            weights = tfidf.fit_transform(texts)
            n_components = max(1, min(100, weights.shape[0] - 1, weights.shape[1] - 1))
            svd = TruncatedSVD(n_components, random_state=self.random_state)
            self.vectorizer_: Pipeline = make_pipeline(tfidf, svd, Normalizer())
            return np.asarray(Normalizer().fit_transform(svd.fit_transform(weights)))
        return np.asarray(self.vectorizer_.transform(texts))

    def fit(self, X: Any, y: Any = None) -> TrendSpotter:  # noqa: N803
        """Discover topics in the texts; ``labels_`` holds each text's topic."""
        texts = as_texts(X)
        if len(texts) < 4:
            raise TextModelError(
                f"Trend spotting needs at least 4 texts, got {len(texts)}.",
                "Pass more texts, or widen the time window.",
            )
        vectors = self._vectors(texts, fit=True)
        k = max(2, min(self.n_topics, len(texts) // 2))
        self.kmeans_ = KMeans(k, n_init=4, random_state=self.random_state).fit(vectors)
        self.labels_ = self.kmeans_.labels_.astype(int)
        self.topic_terms_ = self._distinctive_terms(texts, self.labels_, k)
        self.topic_names_ = {
            t: " / ".join(terms[: self.n_terms]) for t, terms in self.topic_terms_.items()
        }
        self.vectors_ = vectors
        return self

    @staticmethod
    def _distinctive_terms(texts: list[str], labels: np.ndarray, k: int) -> dict[int, list[str]]:
        counter = CountVectorizer(
            stop_words="english",
            ngram_range=(1, 2),
            min_df=2,
            token_pattern=r"(?u)\b[a-zA-Z]{3,}\b",
        )
        try:
            counts = counter.fit_transform([_NOISE.sub(" ", t) for t in texts])
        except ValueError:
            return {t: [f"topic {t}"] for t in range(k)}
        vocab = np.asarray(counter.get_feature_names_out())
        per_topic = np.vstack(
            [np.asarray(counts[labels == t].sum(axis=0)).ravel() for t in range(k)]
        ).astype(float)
        tf = per_topic / per_topic.sum(axis=1, keepdims=True).clip(min=1.0)
        average = per_topic.sum() / k
        ctfidf = tf * np.log1p(average / per_topic.sum(axis=0).clip(min=1.0))
        return {
            t: [str(vocab[j]) for j in np.argsort(ctfidf[t])[::-1][:10] if per_topic[t, j] > 0]
            or [f"topic {t}"]
            for t in range(k)
        }

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803
        """The nearest topic of each text."""
        check_fitted(self, "kmeans_")
        return np.asarray(self.kmeans_.predict(self._vectors(as_texts(X), fit=False)), dtype=int)

    def report(
        self,
        X: Any,  # noqa: N803
        timestamps: Any,
        sentiment: Any = None,
        period: str = "30D",
        min_count: int = 3,
        growth_threshold: float = 1.5,
        n_examples: int = 3,
    ) -> pd.DataFrame:
        """One row per topic: volume now and before, growth, sentiment, examples.

        Args:
            X: The texts ``fit`` saw (same order).
            timestamps: One timestamp per text.
            sentiment: Optional score per text (for example VADER compound, -1..1).
            period: Length of the latest period (pandas offset, e.g. ``"7D"``, ``"30D"``),
                compared with the period of the same length before it.
            min_count: Texts a topic needs in the latest period to count as emerging.
            growth_threshold: Ratio current / previous (previous floored at 1) to be emerging.
            n_examples: Example texts per topic, the ones closest to its centre.

        Returns:
            Columns ``topic, label, terms, n_texts, current, previous, growth, emerging,
            avg_sentiment, examples``, emerging topics first, then by growth.
        """
        check_fitted(self, "labels_")
        texts = as_texts(X)
        if len(texts) != len(self.labels_):
            raise TextModelError(
                f"report got {len(texts)} texts but fit saw {len(self.labels_)}.",
                "Pass the same texts to fit and report.",
            )
        ts = pd.to_datetime(pd.Series(list(timestamps)), utc=True)
        end = ts.max()
        span = pd.Timedelta(period)
        current = (ts > end - span).to_numpy()
        previous = ((ts > end - 2 * span) & (ts <= end - span)).to_numpy()
        scores = None if sentiment is None else np.asarray(list(sentiment), dtype=float)
        centres = self.kmeans_.cluster_centers_
        rows = []
        for t, name in self.topic_names_.items():
            members = np.flatnonzero(self.labels_ == t)
            distance = np.linalg.norm(self.vectors_[members] - centres[t], axis=1)
            now, before = int(current[members].sum()), int(previous[members].sum())
            growth = now / max(before, 1)
            rows.append(
                {
                    "topic": t,
                    "label": name,
                    "terms": self.topic_terms_[t],
                    "n_texts": len(members),
                    "current": now,
                    "previous": before,
                    "growth": round(growth, 3),
                    "emerging": bool(now >= min_count and growth >= growth_threshold),
                    "avg_sentiment": None
                    if scores is None
                    else round(float(np.nanmean(scores[members])), 3),
                    "examples": [texts[i] for i in members[np.argsort(distance)[:n_examples]]],
                }
            )
        frame = pd.DataFrame(rows)
        return frame.sort_values(["emerging", "growth", "n_texts"], ascending=False).reset_index(
            drop=True
        )
