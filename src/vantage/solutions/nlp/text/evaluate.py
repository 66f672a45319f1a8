"""Held-out evaluation of text classifiers: fixed stratified split, accuracy and macro-F1."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from vantage.solutions.nlp.text._common import as_labels, as_texts


@dataclass(frozen=True)
class Evaluation:
    """Scores of one model on held-out texts."""

    approach: str
    accuracy: float
    macro_f1: float
    n_train: int
    n_test: int
    fit_seconds: float
    predict_seconds: float

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


def split(
    texts: Any, labels: Any, test_size: float = 0.2, random_state: int = 42
) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Fixed stratified train/test split: ``(x_train, x_test, y_train, y_test)``."""
    x = as_texts(texts)
    y = as_labels(labels, len(x))
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=random_state, stratify=y
    )
    return list(x_train), list(x_test), np.asarray(y_train), np.asarray(y_test)


def evaluate(
    approach: str,
    estimator: Any,
    x_train: list[str],
    y_train: np.ndarray,
    x_test: list[str],
    y_test: np.ndarray,
) -> Evaluation:
    """Fit ``estimator`` on the training texts and score it on the test texts."""
    started = time.perf_counter()
    estimator.fit(x_train, y_train)
    fitted = time.perf_counter()
    predicted = np.asarray(estimator.predict(x_test))
    done = time.perf_counter()
    return Evaluation(
        approach=approach,
        accuracy=float(accuracy_score(y_test, predicted)),
        macro_f1=float(f1_score(y_test, predicted, average="macro")),
        n_train=len(x_train),
        n_test=len(x_test),
        fit_seconds=fitted - started,
        predict_seconds=done - fitted,
    )
