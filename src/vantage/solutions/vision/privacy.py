"""Privacy by design: blur faces and heads in every frame that is saved."""

from __future__ import annotations

import cv2
import numpy as np

from vantage.solutions.vision.detections import Detections


class FaceBlurrer:
    """Blur faces found by OpenCV's Haar cascade, and the head area of every detected person.

    The head area (top ``head_fraction`` of each person box) is blurred too because a frontal
    face cascade misses small, turned or partly hidden faces.

    Args:
        head_fraction: Share of a person box's height blurred as the head (0: faces only).
        kernel: Blur strength (odd kernel size in pixels, scaled up for large regions).
    """

    def __init__(self, *, head_fraction: float = 0.22, kernel: int = 31) -> None:
        self.head_fraction = head_fraction
        self.kernel = kernel
        cascade = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
        self._faces = cv2.CascadeClassifier(cascade)

    def faces(self, image: np.ndarray) -> np.ndarray:
        """Face boxes ``(n, 4)`` as x_min, y_min, x_max, y_max."""
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        found = self._faces.detectMultiScale(
            grey, scaleFactor=1.1, minNeighbors=4, minSize=(16, 16)
        )
        if len(found) == 0:
            return np.empty((0, 4), dtype=np.int64)
        boxes = np.asarray(found, dtype=np.int64)
        boxes[:, 2:] += boxes[:, :2]
        return boxes

    def __call__(self, image: np.ndarray, people: Detections | None = None) -> np.ndarray:
        """A copy of ``image`` with faces (and people's heads) blurred."""
        out = image.copy()
        regions = [tuple(int(v) for v in box) for box in self.faces(image).tolist()]
        if people is not None and self.head_fraction > 0:
            for x1, y1, x2, y2 in people[people.is_person()].xyxy.tolist():
                head = y1 + (y2 - y1) * self.head_fraction
                regions.append((int(x1), int(y1), int(x2), int(head)))
        height, width = out.shape[:2]
        for left, top, right, bottom in regions:
            x1, y1 = max(left, 0), max(top, 0)
            x2, y2 = min(right, width), min(bottom, height)
            if x2 - x1 < 2 or y2 - y1 < 2:
                continue
            size = max(self.kernel, (max(x2 - x1, y2 - y1) // 2) | 1)
            out[y1:y2, x1:x2] = cv2.GaussianBlur(out[y1:y2, x1:x2], (size, size), 0)
        return out
