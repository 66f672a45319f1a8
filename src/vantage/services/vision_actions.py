"""Train and evaluate the skeleton action models (MSR Action3D, cross-subject)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def evaluate_actions(folder: Path, *, epochs: int = 120, seed: int = 0) -> dict[str, Any]:
    """Fit the LSTM and the pooled-feature baseline on odd subjects; accuracy on even subjects.

    Raises:
        VisionError: The folder holds no skeleton files.
    """
    from vantage.solutions.vision.actions import (
        PooledJointBaseline,
        SkeletonLSTMClassifier,
        load_msr_split,
    )

    x_train, y_train, x_test, y_test = load_msr_split(folder)
    models: list[dict[str, Any]] = []
    for name, model in (
        ("baseline: logistic regression on pooled joints", PooledJointBaseline()),
        (
            "LSTM (bidirectional, 2 layers)",
            SkeletonLSTMClassifier(epochs=epochs, random_state=seed),
        ),
    ):
        started = time.perf_counter()
        model.fit(x_train, y_train)
        seconds = time.perf_counter() - started
        models.append({"model": name, "accuracy": model.score(x_test, y_test), "train_s": seconds})
    return {
        "train_sequences": len(x_train),
        "test_sequences": len(x_test),
        "classes": len(set(y_train.tolist())),
        "models": models,
    }


def train_actions(folder: Path, path: Path, *, epochs: int = 120) -> dict[str, Any]:
    """Train the LSTM on the training subjects and save it with ``torch.save``."""
    import torch

    from vantage.solutions.vision.actions import SkeletonLSTMClassifier, load_msr_split

    x_train, y_train, _, _ = load_msr_split(folder)
    started = time.perf_counter()
    model = SkeletonLSTMClassifier(epochs=epochs).fit(x_train, y_train)
    seconds = time.perf_counter() - started
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "params": {k: getattr(model, k) for k in ("hidden_size", "num_layers", "frames")},
            "classes": model.classes_.tolist(),
            "state_dict": model.model_.state_dict(),
        },
        path,
    )
    return {"path": str(path), "sequences": len(x_train), "train_s": seconds}
