"""Action recognition from skeleton sequences: an LSTM and a pooled-feature baseline.

Trained and evaluated on MSR Action3D (20 actions, 20 joints; cross-subject split: odd
subjects train, even subjects test). Both follow scikit-learn's estimator contract with a list
of ``(frames, joints, >=3)`` arrays as X.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from vantage.solutions.vision.errors import VisionError


@contextmanager
def _threads(n: int | None) -> Iterator[None]:
    """Limit BLAS / OpenMP / torch threads (oversubscribed threads crawl on a busy machine)."""
    if n is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    torch_threads = None
    try:
        import torch

        torch_threads = torch.get_num_threads()
        torch.set_num_threads(n)
    except ImportError:
        pass
    try:
        with threadpool_limits(limits=n):
            yield
    finally:
        if torch_threads is not None:
            torch.set_num_threads(torch_threads)


def normalise(sequence: np.ndarray, frames: int = 32) -> np.ndarray:
    """Centre, scale and resample one skeleton sequence.

    Joints are centred on the body's mean position in each frame's first frame, scaled by the
    sequence's spread, and linearly resampled to ``frames`` time steps.

    Args:
        sequence: ``(t, joints, >=3)`` positions (x, y, depth, ...).
        frames: Time steps of the output.

    Returns:
        ``(frames, joints * 3)`` floats.

    Raises:
        VisionError: The sequence is empty or has fewer than 3 coordinates.
    """
    seq = np.asarray(sequence, dtype=np.float64)
    if seq.ndim != 3 or seq.shape[0] == 0 or seq.shape[2] < 3:
        raise VisionError(
            f"A skeleton sequence must be (frames, joints, >=3); got shape {seq.shape}.",
            "Read MSR Action3D files with vantage.datasets.loaders.read_skeleton.",
        )
    xyz = seq[:, :, :3]
    centred = xyz - xyz[0].mean(axis=0)
    scale = float(np.linalg.norm(centred - centred.mean(axis=(0, 1)), axis=2).mean()) or 1.0
    centred = centred / scale
    source = np.linspace(0.0, 1.0, len(centred))
    target = np.linspace(0.0, 1.0, frames)
    flat = centred.reshape(len(centred), -1)
    if len(centred) == 1:
        return np.repeat(flat, frames, axis=0)
    return np.stack([np.interp(target, source, flat[:, j]) for j in range(flat.shape[1])], axis=1)


def pooled_features(sequence: np.ndarray, frames: int = 32) -> np.ndarray:
    """Fixed-length vector of one sequence (a temporal pyramid).

    Mean, std, min and max of the joints over time, means over thirds of the sequence, and
    statistics of the frame-to-frame motion.
    """
    steps = normalise(sequence, frames)
    parts = [steps.mean(0), steps.std(0), steps.min(0), steps.max(0)]
    parts += [chunk.mean(0) for chunk in np.array_split(steps, 3)]
    motion = np.diff(steps, axis=0)
    parts += [np.abs(motion).mean(0), motion.std(0)]
    return np.concatenate(parts)


class PooledJointBaseline:
    """Baseline: logistic regression on :func:`pooled_features`.

    Args:
        frames: Resampled time steps.
        C: Inverse regularisation strength.
        n_threads: CPU threads (None: the libraries' default).
    """

    def __init__(self, frames: int = 32, C: float = 1.0, n_threads: int | None = 1) -> None:  # noqa: N803
        self.frames = frames
        self.C = C
        self.n_threads = n_threads

    def fit(self, X: Sequence[np.ndarray], y: Sequence[Any] | np.ndarray) -> PooledJointBaseline:  # noqa: N803
        """Fit on skeleton sequences ``X`` with labels ``y``."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        features = np.stack([pooled_features(s, self.frames) for s in X])
        self.model_ = make_pipeline(StandardScaler(), LogisticRegression(C=self.C, max_iter=2000))
        with _threads(self.n_threads):
            self.model_.fit(features, np.asarray(y))
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X: Sequence[np.ndarray]) -> np.ndarray:  # noqa: N803
        """Predicted label per sequence."""
        return np.asarray(
            self.model_.predict(np.stack([pooled_features(s, self.frames) for s in X]))
        )

    def score(self, X: Sequence[np.ndarray], y: Sequence[Any] | np.ndarray) -> float:  # noqa: N803
        """Accuracy."""
        return float(np.mean(self.predict(X) == np.asarray(y)))


class SkeletonLSTMClassifier:
    """An LSTM (PyTorch) over normalised joint positions and velocities.

    Args:
        hidden_size: LSTM units per direction.
        num_layers: Stacked LSTM layers.
        frames: Resampled time steps.
        epochs: Training epochs.
        lr: Adam learning rate.
        batch_size: Sequences per step.
        dropout: Dropout between layers and before the output.
        augment: Training-time noise: random scale and rotation about the vertical axis.
        random_state: Seed.
        n_threads: CPU threads for torch (None: torch's default).
    """

    def __init__(
        self,
        hidden_size: int = 128,
        num_layers: int = 2,
        frames: int = 32,
        epochs: int = 120,
        lr: float = 2e-3,
        batch_size: int = 32,
        dropout: float = 0.3,
        augment: bool = True,
        random_state: int = 0,
        n_threads: int | None = 1,
    ) -> None:
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.frames = frames
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.dropout = dropout
        self.augment = augment
        self.random_state = random_state
        self.n_threads = n_threads

    def _inputs(self, X: Sequence[np.ndarray]) -> np.ndarray:  # noqa: N803
        return np.stack([normalise(s, self.frames) for s in X]).astype(np.float32)

    @staticmethod
    def _with_motion(batch: Any) -> Any:
        import torch

        motion = torch.diff(batch, dim=1, prepend=batch[:, :1])
        return torch.cat([batch, motion], dim=2)

    def fit(self, X: Sequence[np.ndarray], y: Sequence[Any] | np.ndarray) -> SkeletonLSTMClassifier:  # noqa: N803
        """Train on skeleton sequences ``X`` with labels ``y``."""
        with _threads(self.n_threads):
            return self._fit(X, y)

    def _fit(
        self,
        X: Sequence[np.ndarray],  # noqa: N803
        y: Sequence[Any] | np.ndarray,
    ) -> SkeletonLSTMClassifier:
        import torch

        torch.manual_seed(self.random_state)
        rng = np.random.default_rng(self.random_state)
        labels = np.asarray(y)
        self.classes_ = np.unique(labels)
        target = torch.as_tensor(np.searchsorted(self.classes_, labels), dtype=torch.long)
        inputs = self._inputs(X)
        self.n_features_in_ = inputs.shape[2]
        self.model_ = _build_model(self.n_features_in_ * 2, self, len(self.classes_))
        optimiser = torch.optim.AdamW(self.model_.parameters(), lr=self.lr, weight_decay=1e-3)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=self.epochs)
        loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
        self.loss_curve_: list[float] = []
        for _ in range(self.epochs):
            self.model_.train()
            order = rng.permutation(len(inputs))
            total = 0.0
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = torch.as_tensor(self._augment(inputs[idx], rng))
                optimiser.zero_grad()
                loss = loss_fn(self.model_(self._with_motion(batch)), target[idx])
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model_.parameters(), 1.0)
                optimiser.step()
                total += loss.item() * len(idx)
            schedule.step()
            self.loss_curve_.append(total / len(inputs))
        return self

    def _augment(self, batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if not self.augment:
            return batch
        n, t, f = batch.shape
        xyz = batch.reshape(n, t, f // 3, 3)
        angle = rng.uniform(-0.3, 0.3, n)
        cos, sin = np.cos(angle), np.sin(angle)
        x, depth = xyz[..., 0].copy(), xyz[..., 2].copy()
        xyz[..., 0] = cos[:, None, None] * x + sin[:, None, None] * depth
        xyz[..., 2] = -sin[:, None, None] * x + cos[:, None, None] * depth
        xyz *= rng.uniform(0.9, 1.1, (n, 1, 1, 1))
        return xyz.reshape(n, t, f).astype(np.float32)

    def predict_proba(self, X: Sequence[np.ndarray]) -> np.ndarray:  # noqa: N803
        """Class probabilities, columns in ``classes_`` order."""
        import torch

        self.model_.eval()
        with _threads(self.n_threads), torch.no_grad():
            logits = self.model_(self._with_motion(torch.as_tensor(self._inputs(X))))
            return np.asarray(torch.softmax(logits, dim=1).numpy())

    def predict(self, X: Sequence[np.ndarray]) -> np.ndarray:  # noqa: N803
        """Predicted label per sequence."""
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])

    def score(self, X: Sequence[np.ndarray], y: Sequence[Any] | np.ndarray) -> float:  # noqa: N803
        """Accuracy."""
        return float(np.mean(self.predict(X) == np.asarray(y)))


def _build_model(n_inputs: int, params: SkeletonLSTMClassifier, n_classes: int) -> Any:
    import torch
    from torch import nn

    class _Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(
                n_inputs,
                params.hidden_size,
                num_layers=params.num_layers,
                batch_first=True,
                bidirectional=True,
                dropout=params.dropout if params.num_layers > 1 else 0.0,
            )
            self.head = nn.Sequential(
                nn.Dropout(params.dropout), nn.Linear(4 * params.hidden_size, n_classes)
            )

        def forward(self, batch: torch.Tensor) -> torch.Tensor:
            out, _ = self.lstm(batch)
            pooled = torch.cat([out.mean(dim=1), out.max(dim=1).values], dim=1)
            return self.head(pooled)

    return _Net()


def load_msr_split(
    folder: str | Path,
) -> tuple[list[np.ndarray], np.ndarray, list[np.ndarray], np.ndarray]:
    """MSR Action3D cross-subject split: odd subjects train, even subjects test.

    Returns:
        ``X_train, y_train, X_test, y_test`` (sequences and action numbers 1-20).

    Raises:
        VisionError: The folder holds no ``*_skeleton.txt`` files.
    """
    from vantage.datasets.loaders import read_msr_sequences, read_skeleton

    table = read_msr_sequences(Path(folder))
    if table.empty:
        raise VisionError(
            f"No MSR Action3D skeleton files (*_skeleton.txt) in {folder}.",
            "Point at the msr_action3d folder of the data mirror (VANTAGE_DATA_MIRROR).",
        )
    table = table[table["frames"] > 0]
    train = table[table["subject"] % 2 == 1]
    test = table[table["subject"] % 2 == 0]
    return (
        [read_skeleton(Path(p)) for p in train["path"]],
        train["action"].to_numpy(),
        [read_skeleton(Path(p)) for p in test["path"]],
        test["action"].to_numpy(),
    )
