"""TF-IDF + logistic regression: the classic baseline every text model is compared with."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from vantage.solutions.nlp.text._common import as_labels, as_texts, check_fitted


class TfidfLogisticRegression(ClassifierMixin, BaseEstimator):
    """Word n-gram TF-IDF features and a logistic-regression classifier.

    Args:
        ngram_range: Smallest and largest word n-gram.
        min_df: Drop n-grams seen in fewer texts.
        C: Inverse regularisation strength.
        class_weight: ``None`` or ``"balanced"``.
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int = 1,
        C: float = 10.0,  # noqa: N803
        class_weight: str | None = None,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight

    def fit(self, X: Any, y: Any) -> TfidfLogisticRegression:  # noqa: N803
        """Learn the vocabulary and the classifier."""
        texts = as_texts(X)
        labels = as_labels(y, len(texts))
        self.pipeline_: Pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=self.ngram_range, min_df=self.min_df, sublinear_tf=True),
            LogisticRegression(C=self.C, max_iter=3000, class_weight=self.class_weight),
        ).fit(texts, labels)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X: Any) -> np.ndarray:  # noqa: N803
        """Class probabilities, columns in ``classes_`` order."""
        check_fitted(self)
        return np.asarray(self.pipeline_.predict_proba(as_texts(X)))

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803
        """Most probable class of each text."""
        check_fitted(self)
        return np.asarray(self.pipeline_.predict(as_texts(X)))

    def top_terms(self, n: int = 10) -> dict[str, list[str]]:
        """The ``n`` n-grams that most raise each class's score (for explanations)."""
        check_fitted(self)
        vectorizer, model = self.pipeline_[0], self.pipeline_[-1]
        vocab = np.asarray(vectorizer.get_feature_names_out())
        coef = model.coef_
        if coef.shape[0] == 1:
            coef = np.vstack([-coef[0], coef[0]])
        return {
            str(c): vocab[np.argsort(coef[i])[::-1][:n]].tolist()
            for i, c in enumerate(self.classes_)
        }
