"""VADER lexicon sentiment: the no-training baseline, wrapped as a classifier."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from vantage.solutions.nlp.text._common import (
    SENTIMENT_LABELS,
    TextModelError,
    as_labels,
    as_texts,
    check_fitted,
)

_ANALYSERS: list[Any] = []


def _analyser() -> Any:
    if not _ANALYSERS:
        from vaderSentiment.vaderSentiment import (
            SentimentIntensityAnalyzer,
        )

        _ANALYSERS.append(SentimentIntensityAnalyzer())
    return _ANALYSERS[0]


def compound_scores(X: Any) -> np.ndarray:  # noqa: N803
    """VADER's compound score of each text, from -1 (most negative) to +1 (most positive)."""
    analyser = _analyser()
    return np.array([analyser.polarity_scores(t)["compound"] for t in as_texts(X)], dtype=float)


class VaderSentiment(ClassifierMixin, BaseEstimator):
    """Rule-based sentiment from the VADER lexicon; ``fit`` only learns the label names.

    With the labels ``negative``/``neutral``/``positive`` (or a subset), a text is positive when
    its compound score is at least ``threshold``, negative at most ``-threshold``, neutral in
    between. With any other two labels, the first (sorted) means negative and the second
    positive, split at a compound score of 0.

    Args:
        threshold: Compound score beyond which a text stops being neutral (VADER's own: 0.05).
    """

    def __init__(self, threshold: float = 0.05) -> None:
        self.threshold = threshold

    def fit(self, X: Any, y: Any = None) -> VaderSentiment:  # noqa: N803
        """Learn the label names (defaults to negative/neutral/positive without ``y``)."""
        texts = as_texts(X)
        if y is None:
            self.classes_ = np.array(SENTIMENT_LABELS, dtype=object)
            return self
        classes = np.unique(as_labels(y, len(texts)))
        if not set(classes) <= set(SENTIMENT_LABELS) and len(classes) != 2:
            raise TextModelError(
                f"VADER only knows sentiment; got labels {', '.join(map(str, classes[:5]))}.",
                "Use labels negative/neutral/positive (or two labels, negative first), "
                "or pick a trainable model such as tfidf.",
            )
        self.classes_ = classes
        return self

    def _named(self) -> bool:
        return set(self.classes_) <= set(SENTIMENT_LABELS)

    def predict_proba(self, X: Any) -> np.ndarray:  # noqa: N803
        """Probability-like scores from the compound score, columns in ``classes_`` order."""
        check_fitted(self)
        compound = compound_scores(X)
        positive = (compound + 1.0) / 2.0
        if not self._named():
            return np.column_stack([1.0 - positive, positive])
        neutral = np.clip(1.0 - np.abs(compound) / max(self.threshold * 4, 1e-9), 0.0, 1.0)
        scores = {
            "negative": (1.0 - neutral) * (1.0 - positive),
            "neutral": neutral,
            "positive": (1.0 - neutral) * positive,
        }
        out = np.column_stack([scores[c] for c in self.classes_])
        return out / out.sum(axis=1, keepdims=True).clip(min=1e-12)

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803
        """The sentiment label of each text."""
        check_fitted(self)
        compound = compound_scores(X)
        if not self._named():
            return np.where(compound >= 0.0, self.classes_[1], self.classes_[0])
        label = np.where(
            compound >= self.threshold,
            "positive",
            np.where(compound <= -self.threshold, "negative", "neutral"),
        )
        known = set(self.classes_)
        if "neutral" not in known:
            label = np.where(compound >= 0.0, "positive", "negative")
        return label.astype(object)
