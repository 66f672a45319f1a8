"""A bidirectional LSTM text classifier trained from scratch (PyTorch).

Imports torch at module level: import this module only where the LSTM is needed.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin

from vantage.solutions.nlp.text._common import as_labels, as_texts, check_fitted, torch_device

_TOKEN = re.compile(r"[a-z0-9']+|[!?]|:\)|:\(|[@#]\w+")
PAD, UNK = 0, 1


def tokenize(text: str) -> list[str]:
    """Lower-cased words, '!'/'?', simple emoticons, @mentions and #hashtags."""
    return _TOKEN.findall(text.lower())


class BiLSTM(torch.nn.Module):
    """Embedding, bidirectional LSTM, max pooling over real tokens, dropout, linear layer.

    Args:
        vocab_size: Number of token ids (including padding and unknown).
        embed_dim: Embedding width.
        hidden_size: LSTM width per direction.
        n_classes: Output classes.
        dropout: Dropout on embeddings and pooled states.
    """

    def __init__(
        self, vocab_size: int, embed_dim: int, hidden_size: int, n_classes: int, dropout: float
    ) -> None:
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.lstm = torch.nn.LSTM(embed_dim, hidden_size, batch_first=True, bidirectional=True)
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(2 * hidden_size, n_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits, one row per sequence of token ids."""
        states, _ = self.lstm(self.dropout(self.embedding(ids)))
        mask = (ids != PAD).unsqueeze(-1)
        pooled = states.masked_fill(~mask, -1e4).max(dim=1).values
        return self.head(self.dropout(pooled))


class LSTMTextClassifier(ClassifierMixin, BaseEstimator):
    """Recurrent text classifier with its own vocabulary, trained from scratch.

    Args:
        embed_dim: Word-embedding width.
        hidden_size: LSTM width per direction.
        epochs: Passes over the training data.
        batch_size: Texts per step.
        learning_rate: Adam learning rate.
        max_len: Tokens kept per text.
        min_freq: Words seen fewer times become the unknown token.
        dropout: Dropout rate.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        random_state: Seed for initialisation and shuffling.
    """

    def __init__(
        self,
        embed_dim: int = 100,
        hidden_size: int = 96,
        epochs: int = 6,
        batch_size: int = 64,
        learning_rate: float = 2e-3,
        max_len: int = 64,
        min_freq: int = 2,
        dropout: float = 0.3,
        device: str = "cpu",
        random_state: int = 0,
    ) -> None:
        self.embed_dim = embed_dim
        self.hidden_size = hidden_size
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.max_len = max_len
        self.min_freq = min_freq
        self.dropout = dropout
        self.device = device
        self.random_state = random_state

    def _encode(self, texts: list[str]) -> torch.Tensor:
        rows = [
            [self.vocabulary_.get(tok, UNK) for tok in tokenize(t)][: self.max_len] or [UNK]
            for t in texts
        ]
        width = max(len(r) for r in rows)
        out = np.zeros((len(rows), width), dtype=np.int64)
        for i, r in enumerate(rows):
            out[i, : len(r)] = r
        return torch.from_numpy(out)

    def fit(self, X: Any, y: Any) -> LSTMTextClassifier:  # noqa: N803
        """Build the vocabulary and train the network."""
        texts = as_texts(X)
        labels = as_labels(y, len(texts))
        self.classes_ = np.unique(labels)
        targets = torch.as_tensor(np.searchsorted(self.classes_, labels))
        counts = Counter(tok for t in texts for tok in tokenize(t))
        words = sorted(w for w, c in counts.items() if c >= self.min_freq)
        self.vocabulary_ = {w: i + 2 for i, w in enumerate(words)}
        torch.manual_seed(self.random_state)
        device = torch_device(self.device)
        network = BiLSTM(
            len(self.vocabulary_) + 2,
            self.embed_dim,
            self.hidden_size,
            len(self.classes_),
            self.dropout,
        ).to(device)
        optimiser = torch.optim.Adam(network.parameters(), lr=self.learning_rate)
        rng = np.random.default_rng(self.random_state)
        network.train()
        self.loss_curve_: list[float] = []
        for _ in range(self.epochs):
            order = rng.permutation(len(texts))
            total = 0.0
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                ids = self._encode([texts[i] for i in idx]).to(device)
                loss = torch.nn.functional.cross_entropy(network(ids), targets[idx].to(device))
                optimiser.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
                optimiser.step()
                total += float(loss.detach()) * len(idx)
            self.loss_curve_.append(total / len(texts))
        self.network_ = network.to("cpu").eval()
        return self

    def predict_proba(self, X: Any) -> np.ndarray:  # noqa: N803
        """Class probabilities, columns in ``classes_`` order."""
        check_fitted(self, "network_")
        texts = as_texts(X)
        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), 256):
                logits = self.network_(self._encode(texts[start : start + 256]))
                out.append(torch.softmax(logits, dim=-1).numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.classes_)))

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803
        """Most probable class of each text."""
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])
