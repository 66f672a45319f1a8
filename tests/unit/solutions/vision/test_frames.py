"""Frame sources: video, folder, image, errors."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vantage.solutions.vision import FrameSource, VisionError

from .scenes import scene_video


def test_video_reports_fps_and_count(tmp_path: Path) -> None:
    source = FrameSource(scene_video(tmp_path, frames=12))
    assert source.kind == "video" and source.fps == pytest.approx(10)
    frames = list(source)
    assert len(frames) == source.frame_count == 12
    assert frames[5].time_s == pytest.approx(0.5) and frames[0].image.shape == (240, 320, 3)
    assert len(list(FrameSource(tmp_path / "scene.avi", max_frames=4))) == 4


def test_folder_and_single_image(tmp_path: Path) -> None:
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"{i:03d}.png"), np.full((20, 30, 3), i, np.uint8))
    (tmp_path / "notes.txt").write_text("not a frame")
    frames = list(FrameSource(tmp_path, fps=5))
    assert [f.index for f in frames] == [0, 1, 2] and frames[2].time_s == pytest.approx(0.4)
    assert int(frames[2].image[0, 0, 0]) == 2
    single = FrameSource(tmp_path / "001.png")
    assert single.kind == "image" and len(list(single)) == 1


def test_unusable_sources_say_why(tmp_path: Path) -> None:
    with pytest.raises(VisionError, match="No such video, image or folder"):
        FrameSource(tmp_path / "missing.mp4")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(VisionError, match="holds no images"):
        FrameSource(empty)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    with pytest.raises(VisionError, match="OpenCV cannot open the video"):
        FrameSource(broken)
