"""Synthetic scenes for demos, docs and tests.

Figures walking across a plain background, and a detector that finds them (no model, no
download).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vantage.solutions.vision.detections import Detections


@dataclass(frozen=True)
class Walker:
    """A figure (``width`` x ``height`` pixels) walking in a straight line.

    Args:
        start: Bottom-centre position at frame 0.
        velocity: Pixels per frame (x, y).
        width: Figure width.
        height: Figure height.
        lying: Draw the figure lying down (wider than tall).
    """

    start: tuple[float, float]
    velocity: tuple[float, float]
    width: int = 24
    height: int = 64
    lying: bool = False

    def box(self, frame: int) -> tuple[int, int, int, int]:
        """The figure's box at ``frame``."""
        x = self.start[0] + self.velocity[0] * frame
        y = self.start[1] + self.velocity[1] * frame
        w, h = (self.height, self.width) if self.lying else (self.width, self.height)
        return int(x - w / 2), int(y - h), int(x + w / 2), int(y)


def draw_scene(
    walkers: Sequence[Walker], frame: int, size: tuple[int, int] = (320, 240)
) -> np.ndarray:
    """One BGR frame of the scene (``size`` is width, height)."""
    image = np.full((size[1], size[0], 3), 40, dtype=np.uint8)
    for walker in walkers:
        x1, y1, x2, y2 = walker.box(frame)
        cv2.rectangle(image, (x1, y1), (x2, y2), (230, 230, 230), -1)
        radius = max((x2 - x1) // 3, 3)
        cv2.circle(image, ((x1 + x2) // 2, y1 + radius), radius, (180, 200, 250), -1)
    return image


def write_scene_video(
    path: Path,
    walkers: Sequence[Walker],
    frames: int = 40,
    *,
    size: tuple[int, int] = (320, 240),
    fps: float = 10.0,
) -> Path:
    """Write the scene as an MJPEG ``.avi`` (or the codec OpenCV picks for the suffix)."""
    fourcc = cv2.VideoWriter.fourcc(*("MJPG" if path.suffix.lower() == ".avi" else "mp4v"))
    writer = cv2.VideoWriter(str(path), fourcc, fps, size)
    try:
        for index in range(frames):
            writer.write(draw_scene(walkers, index, size))
    finally:
        writer.release()
    return path


class BlobDetector:
    """Find bright figures on a dark background (for synthetic scenes).

    Boxes wider than tall are labelled ``fallen``, the others ``person``.

    Args:
        threshold: Grey level above which a pixel belongs to a figure.
        min_area: Smallest figure in pixels.
    """

    class_names = ["person", "fallen"]

    def __init__(self, threshold: int = 100, min_area: int = 50) -> None:
        self.threshold = threshold
        self.min_area = min_area

    def __call__(self, image: np.ndarray) -> Detections:
        """Figures in one BGR image."""
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        _, mask = cv2.threshold(grey, self.threshold, 255, cv2.THRESH_BINARY)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        boxes = []
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            if w * h >= self.min_area:
                boxes.append((x, y, x + w, y + h))
        if not boxes:
            return Detections.empty(self.class_names)
        xyxy = np.array(boxes, dtype=np.float32)
        lying = (xyxy[:, 2] - xyxy[:, 0]) > (xyxy[:, 3] - xyxy[:, 1])
        return Detections(
            xyxy, np.full(len(xyxy), 0.9), lying.astype(int), class_names=self.class_names
        )
