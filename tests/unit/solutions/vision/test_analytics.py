"""Heatmap, posture states and face/head blurring."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vantage.solutions.vision import Detections, FaceBlurrer, Heatmap, PostureClassifier
from vantage.solutions.vision.posture import count_states


def box(x: float, y: float, w: float, h: float, tid: int = 1, cls: int = 0) -> Detections:
    return Detections([[x, y, x + w, y + h]], [0.9], [cls], [tid], ["person", "fallen"])


def test_heatmap_grid_overlay_and_csv(tmp_path: Path) -> None:
    heatmap = Heatmap(64, 48, cell=16)
    for _ in range(3):
        heatmap.update(box(10, 10, 10, 20))
    heatmap.update(box(40, 0, 10, 40))
    grid = heatmap.grid()
    assert grid.shape == (3, 4) and grid[1, 0] == 3 and grid[2, 2] == 1 and grid.sum() == 4
    overlay = heatmap.overlay(np.zeros((48, 64, 3), np.uint8))
    assert overlay.shape == (48, 64, 3) and overlay.max() > 0
    heatmap.write_grid_csv(tmp_path / "grid.csv")
    lines = (tmp_path / "grid.csv").read_text().splitlines()
    assert lines[0] == "row,col,x,y,person_frames" and "1,0,0,16,3" in lines


def test_posture_states() -> None:
    classifier = PostureClassifier(fps=10, window=5)
    assert classifier.update(box(0, 0, 20, 60, tid=1), 0) == ["standing"]
    walking = [classifier.update(box(8 * i, 0, 20, 60, tid=2), i) for i in range(4)]
    assert walking[-1] == ["walking"]
    assert classifier.update(box(0, 0, 60, 20, tid=3), 0) == ["fallen"]
    assert classifier.update(box(0, 0, 20, 60, tid=4, cls=1), 0) == ["fallen"]
    for i in range(3):
        classifier.update(box(100, 0, 20, 60, tid=5), i)
    assert classifier.update(box(100, 30, 20, 30, tid=5), 3) == ["sitting"]
    assert count_states(["walking", "walking"]) == {
        "standing": 0,
        "walking": 2,
        "sitting": 0,
        "fallen": 0,
    }


def test_head_region_is_blurred_and_the_rest_kept() -> None:
    rng = np.random.default_rng(1)
    image = rng.integers(0, 255, (120, 100, 3), dtype=np.uint8)
    out = FaceBlurrer()(image, box(20, 10, 40, 100))
    head = (slice(12, 30), slice(22, 58))
    assert np.abs(out[head].astype(int) - image[head]).mean() > 20
    assert (out[60:, :] == image[60:, :]).all() and (out[:, 70:] == image[:, 70:]).all()
    assert FaceBlurrer().faces(image).shape[1] == 4
