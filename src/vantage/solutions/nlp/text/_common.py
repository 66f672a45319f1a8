"""Input validation and small helpers shared by the text estimators."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from vantage.core.errors import VantageError

SENTIMENT_LABELS = ("negative", "neutral", "positive")


class TextModelError(VantageError):
    """A text model got input it cannot use, or was used before fitting."""


def as_texts(X: Any, *, name: str = "X") -> list[str]:  # noqa: N803
    """Validate a batch of texts: a sequence (list, array, Series) of strings.

    Args:
        X: The texts. A single string is refused (it would be read as characters).
        name: What to call the input in error messages.

    Returns:
        The texts as a list of ``str`` (missing values become empty strings).

    Raises:
        TextModelError: ``X`` is a single string or not a sequence of strings.
    """
    if isinstance(X, str | bytes):
        raise TextModelError(
            f"{name} is a single string; text models take a list of texts.",
            f"Wrap it in a list: [{X[:30]!r}].",
        )
    if not isinstance(X, Iterable):
        raise TextModelError(
            f"{name} must be a list of texts, got {type(X).__name__}.",
            "Pass a list, a NumPy array or a pandas Series of strings.",
        )
    texts: list[str] = []
    for i, item in enumerate(X):
        if item is None or (isinstance(item, float) and np.isnan(item)):
            texts.append("")
        elif isinstance(item, str):
            texts.append(item)
        else:
            raise TextModelError(
                f"{name}[{i}] is a {type(item).__name__}, not a string.",
                "Pass one string per text (convert other values with str()).",
            )
    return texts


def as_labels(y: Any, n: int) -> np.ndarray:
    """Validate labels for ``n`` texts; return them as a NumPy array of strings.

    Raises:
        TextModelError: Wrong length, or fewer than two classes.
    """
    labels = np.asarray([str(v) for v in y], dtype=object)
    if len(labels) != n:
        raise TextModelError(
            f"y has {len(labels)} labels for {n} texts.",
            "Pass exactly one label per text.",
        )
    if len(set(labels.tolist())) < 2:
        raise TextModelError(
            "y holds a single class; a classifier needs at least two.",
            "Add examples of the other classes to the training data.",
        )
    return labels


def check_fitted(estimator: Any, attribute: str = "classes_") -> None:
    """Raise a friendly error when ``estimator`` has not been fitted.

    Raises:
        TextModelError: The learned attribute is missing.
    """
    if not hasattr(estimator, attribute):
        raise TextModelError(
            f"This {type(estimator).__name__} is not fitted yet.",
            "Call fit(texts, labels) first, or load a saved model.",
        )


def torch_device(device: str) -> str:
    """Resolve ``"auto"`` to ``"cuda"`` when a GPU is visible, else ``"cpu"``."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
