"""Skeleton action models on tiny synthetic sequences (MSR Action3D itself: benchmarks)."""

from __future__ import annotations

import numpy as np
import pytest

from vantage.solutions.vision import PooledJointBaseline, SkeletonLSTMClassifier, VisionError
from vantage.solutions.vision.actions import load_msr_split, normalise, pooled_features


def sequences(n: int, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Class 0: joint 0 waves up and down; class 1: the whole body walks sideways."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for i in range(n):
        frames = int(rng.integers(20, 40))
        t = np.linspace(0, 2 * np.pi, frames)
        body = rng.normal(0, 1, (1, 20, 4)).repeat(frames, axis=0)
        if i % 2 == 0:
            body[:, 0, 1] += 3 * np.sin(2 * t)
        else:
            body[:, :, 0] += np.linspace(0, 4, frames)[:, None]
        xs.append(body + rng.normal(0, 0.05, body.shape))
        ys.append(i % 2)
    return xs, np.array(ys)


def test_normalise_shapes_and_errors() -> None:
    seq = np.random.default_rng(0).normal(size=(17, 20, 4))
    assert normalise(seq, 8).shape == (8, 60)
    assert normalise(seq[:1], 8).shape == (8, 60)
    assert pooled_features(seq).shape == (60 * 9,)
    with pytest.raises(VisionError, match="must be \\(frames, joints, >=3\\)"):
        normalise(np.zeros((5, 20)))


@pytest.mark.slow
def test_lstm_and_baseline_learn_two_actions() -> None:
    x_train, y_train = sequences(24, 0)
    x_test, y_test = sequences(12, 1)
    baseline = PooledJointBaseline().fit(x_train, y_train)
    assert baseline.score(x_test, y_test) >= 0.9
    lstm = SkeletonLSTMClassifier(hidden_size=16, num_layers=1, frames=16, epochs=25, lr=1e-2)
    lstm.fit(x_train, y_train)
    assert lstm.loss_curve_[-1] < lstm.loss_curve_[0]
    assert lstm.score(x_test, y_test) >= 0.9
    proba = lstm.predict_proba(x_test)
    assert proba.shape == (12, 2) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)


def test_msr_split_needs_skeleton_files(tmp_path) -> None:
    with pytest.raises(VisionError, match="No MSR Action3D skeleton files"):
        load_msr_split(tmp_path)
