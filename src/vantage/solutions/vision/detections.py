"""The one small container that flows from a detector through tracking to the analytics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from vantage.solutions.vision.errors import VisionError

PERSON_NAMES = frozenset({"person", "pedestrian", "people", "normal", "fall", "fallen"})
FALLEN_NAMES = frozenset({"fall", "fallen"})


@dataclass
class Detections:
    """Boxes found in one frame.

    Args:
        xyxy: Boxes as ``(n, 4)`` floats (x_min, y_min, x_max, y_max) in pixels.
        confidence: Scores, shape ``(n,)``.
        class_id: Class index per box, shape ``(n,)``.
        tracker_id: Track id per box (``-1`` before tracking or for unconfirmed tracks).
        class_names: Names of the class indices (the detector's labels).
    """

    xyxy: np.ndarray
    confidence: np.ndarray
    class_id: np.ndarray
    tracker_id: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    class_names: Sequence[str] = ()

    def __post_init__(self) -> None:
        self.xyxy = np.asarray(self.xyxy, dtype=np.float32).reshape(-1, 4)
        n = len(self.xyxy)
        self.confidence = np.asarray(self.confidence, dtype=np.float32).reshape(-1)
        self.class_id = np.asarray(self.class_id, dtype=np.int64).reshape(-1)
        tracker_id = np.asarray(self.tracker_id, dtype=np.int64).reshape(-1)
        self.tracker_id = tracker_id if len(tracker_id) else np.full(n, -1, dtype=np.int64)
        if not len(self.confidence) == len(self.class_id) == len(self.tracker_id) == n:
            raise VisionError(
                f"Detections need one confidence, class_id and tracker_id per box; got {n} boxes.",
                "Pass arrays of equal length.",
            )

    @classmethod
    def empty(cls, class_names: Sequence[str] = ()) -> Detections:
        """No boxes."""
        return cls(np.empty((0, 4)), np.empty(0), np.empty(0), class_names=class_names)

    def __len__(self) -> int:
        return len(self.xyxy)

    def __getitem__(self, index: np.ndarray | slice | list[int]) -> Detections:
        return Detections(
            self.xyxy[index],
            self.confidence[index],
            self.class_id[index],
            self.tracker_id[index],
            self.class_names,
        )

    def labels(self) -> list[str]:
        """The class name of each box (the index as text when the name is unknown)."""
        names = self.class_names
        return [names[i] if 0 <= i < len(names) else str(i) for i in self.class_id.tolist()]

    def is_person(self) -> np.ndarray:
        """Mask of boxes whose class is a person (``person``, or a fall model's classes)."""
        return np.array([label.lower() in PERSON_NAMES for label in self.labels()], dtype=bool)

    def is_fallen(self) -> np.ndarray:
        """Mask of boxes whose class says the person has fallen."""
        return np.array([label.lower() in FALLEN_NAMES for label in self.labels()], dtype=bool)

    def anchors(self) -> np.ndarray:
        """Bottom-centre point of each box (where a person stands), shape ``(n, 2)``."""
        return np.stack([(self.xyxy[:, 0] + self.xyxy[:, 2]) / 2, self.xyxy[:, 3]], axis=1)

    def filter_classes(self, names: Sequence[str] | None) -> Detections:
        """Keep boxes whose class name is in ``names`` (case-insensitive); all when None."""
        if not names:
            return self
        wanted = {n.lower() for n in names}
        return self[np.array([label.lower() in wanted for label in self.labels()], dtype=bool)]

    def to_supervision(self) -> object:
        """The same boxes as ``supervision.Detections`` (what ``trackers`` consumes)."""
        import supervision as sv

        return sv.Detections(
            xyxy=self.xyxy.astype(np.float32),
            confidence=self.confidence,
            class_id=self.class_id,
            tracker_id=self.tracker_id,
        )

    @classmethod
    def from_supervision(cls, detections: object, class_names: Sequence[str] = ()) -> Detections:
        """Read back a ``supervision.Detections``."""
        xyxy = np.asarray(getattr(detections, "xyxy", np.empty((0, 4))))
        n = len(xyxy)
        confidence = getattr(detections, "confidence", None)
        class_id = getattr(detections, "class_id", None)
        tracker_id = getattr(detections, "tracker_id", None)
        return cls(
            xyxy,
            np.ones(n) if confidence is None else confidence,
            np.zeros(n) if class_id is None else class_id,
            np.full(n, -1) if tracker_id is None else tracker_id,
            class_names,
        )
