"""The whole pipeline on a synthetic clip."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.solutions.vision import (
    BlobDetector,
    FrameSource,
    Line,
    SceneConfig,
    VisionError,
    VisionPipeline,
    Zone,
)

from .scenes import scene_video

SCENE = SceneConfig(
    zones=[Zone(name="left", polygon=[(0, 0), (160, 0), (160, 240), (0, 240)], queue=True)],
    lines=[Line(name="middle", start=(160, 0), end=(160, 240))],
)


@pytest.mark.parametrize("every", [1, 3])
def test_counts_crossings_zones_and_states(tmp_path: Path, every: int) -> None:
    source = FrameSource(scene_video(tmp_path))
    pipeline = VisionPipeline(BlobDetector(), scene=SCENE, fps=source.fps, every=every)
    rendered = []
    report = pipeline.run(
        source,
        on_frame=lambda r: rendered.append(pipeline.render(r)) if r.frame.index == 20 else None,
    )
    summary = report.summary()
    assert summary["frames"] == 40 and summary["detector_runs"] == -(-40 // every)
    assert summary["people"]["unique_tracks"] == 3 and summary["people"]["max_per_frame"] == 3
    assert summary["class_counts"] == {"person": 2, "fallen": 1}
    assert summary["lines"]["middle"] == {"in": 1, "out": 1}
    assert summary["zones"]["left"]["entries"] == 2
    assert summary["state_peaks"]["walking"] == 2 and summary["state_peaks"]["fallen"] == 1
    assert report.rows[-1]["line.middle.in"] == 1 and "queue.left.wait_s" in report.rows[-1]
    assert rendered[0].shape == (240, 320, 3)
    assert "paths" in report.summary(include_paths=True)


def test_every_must_be_positive() -> None:
    with pytest.raises(VisionError, match="every must be at least 1"):
        VisionPipeline(BlobDetector(), every=0)
