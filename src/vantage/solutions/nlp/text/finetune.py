"""Full fine-tuning of a pretrained encoder with a linear head (PyTorch, runs on CPU).

Imports torch at module level: import this module only where fine-tuning is needed.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin

from vantage.solutions.nlp.text._common import as_labels, as_texts, check_fitted, torch_device
from vantage.solutions.nlp.text.transformer import DEFAULT_ENCODER, resolve_encoder

_LOG = logging.getLogger(__name__)


class MeanPoolClassifier(torch.nn.Module):
    """Encoder, mean pooling over real tokens, dropout, linear layer.

    Args:
        path: Folder or name of the pretrained encoder.
        n_classes: Number of output classes.
        dropout: Dropout before the head.
    """

    def __init__(self, path: str, n_classes: int, dropout: float) -> None:
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging

        super().__init__()
        hf_logging.disable_progress_bar()
        self.encoder = AutoModel.from_pretrained(path)
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, n_classes)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Logits, one row per text."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled))


def _length_buckets(
    lengths: np.ndarray, batch_size: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Shuffled batches of similar-length texts (less padding, so faster steps on CPU).

    Texts are shuffled, sorted by length within windows of 50 batches, cut into batches, and
    the batches shuffled.
    """
    order = rng.permutation(len(lengths))
    window = batch_size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = order[start : start + window]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


class FineTunedTransformerClassifier(ClassifierMixin, BaseEstimator):
    """Fine-tune every weight of a pretrained encoder for text classification.

    Args:
        encoder: Encoder name or folder (default all-MiniLM-L6-v2).
        epochs: Passes over the training data.
        batch_size: Texts per optimisation step.
        learning_rate: Peak AdamW learning rate (linear warm-up over 10%, then linear decay).
        max_seq_length: Tokens kept per text.
        max_steps: Stop after this many steps (``None``: run all epochs); for quick checks.
        dropout: Dropout before the head.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        random_state: Seed for shuffling and the head's initialisation.
        progress: Show a progress bar while training.
        log_every: Log the loss every this many steps (``logging``, logger of this module);
            0 logs nothing.
    """

    def __init__(
        self,
        encoder: str = DEFAULT_ENCODER,
        epochs: int = 2,
        batch_size: int = 32,
        learning_rate: float = 5e-5,
        max_seq_length: int = 64,
        max_steps: int | None = None,
        dropout: float = 0.1,
        device: str = "cpu",
        random_state: int = 0,
        progress: bool = False,
        log_every: int = 0,
    ) -> None:
        self.encoder = encoder
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.max_seq_length = max_seq_length
        self.max_steps = max_steps
        self.dropout = dropout
        self.device = device
        self.random_state = random_state
        self.progress = progress
        self.log_every = log_every

    def _batch(self, texts: list[str], device: str) -> dict[str, Any]:
        encoded = self.tokenizer_(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_seq_length,
            return_tensors="pt",
        )
        return {k: encoded[k].to(device) for k in ("input_ids", "attention_mask")}

    def fit(self, X: Any, y: Any) -> FineTunedTransformerClassifier:  # noqa: N803
        """Fine-tune on the texts and labels; the trained network ends up in ``network_``."""
        from rich.progress import Progress
        from transformers import AutoTokenizer

        texts = as_texts(X)
        labels = as_labels(y, len(texts))
        self.classes_ = np.unique(labels)
        targets = np.searchsorted(self.classes_, labels)
        device = torch_device(self.device)
        torch.manual_seed(self.random_state)
        path = resolve_encoder(self.encoder)
        self.tokenizer_ = AutoTokenizer.from_pretrained(path)
        network = MeanPoolClassifier(path, len(self.classes_), self.dropout).to(device)
        per_epoch = math.ceil(len(texts) / self.batch_size)
        total = per_epoch * self.epochs
        if self.max_steps is not None:
            total = min(total, self.max_steps)
        optimiser = torch.optim.AdamW(network.parameters(), lr=self.learning_rate)
        warmup = max(1, total // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser,
            lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))),
        )
        rng = np.random.default_rng(self.random_state)
        lengths = np.array([len(t) for t in texts])
        network.train()
        losses: list[float] = []
        with Progress(disable=not self.progress, transient=True) as bar:
            task = bar.add_task("fine-tuning", total=total)
            while len(losses) < total:
                for idx in _length_buckets(lengths, self.batch_size, rng):
                    if len(losses) >= total:
                        break
                    batch = self._batch([texts[i] for i in idx], device)
                    target = torch.as_tensor(targets[idx], device=device)
                    loss = torch.nn.functional.cross_entropy(network(**batch), target)
                    optimiser.zero_grad()
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
                    optimiser.step()
                    schedule.step()
                    losses.append(float(loss.detach()))
                    bar.advance(task)
                    if self.log_every and len(losses) % self.log_every == 0:
                        _LOG.info("step %d/%d loss %.4f", len(losses), total, losses[-1])
        self.network_ = network.to("cpu").eval()
        self.loss_curve_ = losses
        self.n_steps_ = len(losses)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:  # noqa: N803
        """Class probabilities, columns in ``classes_`` order."""
        check_fitted(self, "network_")
        texts = as_texts(X)
        device = torch_device(self.device)
        network = self.network_.to(device)
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), len(self.classes_)), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(texts), 128):
                idx = order[start : start + 128]
                logits = network(**self._batch([texts[i] for i in idx], device))
                out[idx] = torch.softmax(logits, dim=-1).float().cpu().numpy()
        self.network_ = network.to("cpu")
        return out

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803
        """Most probable class of each text."""
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])
