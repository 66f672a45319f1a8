"""Synthetic scenes shared by the vision tests."""

from __future__ import annotations

from pathlib import Path

from vantage.solutions.vision import Walker, write_scene_video

# Two people walking in opposite directions and one lying still (320x240).
WALKERS = [
    Walker((20, 120), (6, 0)),
    Walker((300, 220), (-6, 0)),
    Walker((260, 40), (0, 0), lying=True),
]


def scene_video(folder: Path, frames: int = 40) -> Path:
    """The scene as an MJPEG AVI at 10 fps."""
    return write_scene_video(folder / "scene.avi", WALKERS, frames)
