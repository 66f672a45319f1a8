"""Posture and motion state per track: standing, walking, sitting, fallen.

A rule-based classifier on track features (box aspect, speed relative to body height, height
relative to the track's tallest box) and the detector's fallen class when the model has one.
"""

from __future__ import annotations

from collections import Counter, deque

import numpy as np

from vantage.solutions.vision.detections import Detections

STATES = ("standing", "walking", "sitting", "fallen")


class PostureClassifier:
    """Label each tracked person with a posture / motion state.

    Args:
        fps: Frames per second of the source.
        walk_speed: Speed, in body heights per second, from which a person is walking.
        fallen_aspect: Width / height ratio from which a box is a person lying down.
        sitting_height: Height relative to the track's tallest box below which a still,
            upright person is sitting.
        window: Frames over which speed and the detector's votes are taken.
    """

    def __init__(
        self,
        fps: float = 25.0,
        *,
        walk_speed: float = 0.25,
        fallen_aspect: float = 1.2,
        sitting_height: float = 0.75,
        window: int = 10,
    ) -> None:
        self.fps = fps
        self.walk_speed = walk_speed
        self.fallen_aspect = fallen_aspect
        self.sitting_height = sitting_height
        self.window = window
        self._history: dict[int, deque[tuple[int, np.ndarray, bool]]] = {}
        self._tallest: dict[int, float] = {}

    def update(self, detections: Detections, frame_index: int) -> list[str]:
        """The state of each box of a tracked frame (same order)."""
        states = []
        fallen_class = detections.is_fallen()
        for i, track_id in enumerate(detections.tracker_id.tolist()):
            box = detections.xyxy[i]
            history = self._history.setdefault(track_id, deque(maxlen=self.window))
            history.append((frame_index, box.copy(), bool(fallen_class[i])))
            height = float(box[3] - box[1])
            self._tallest[track_id] = max(self._tallest.get(track_id, 0.0), height)
            states.append(self._state(history, self._tallest[track_id]))
        return states

    def _state(self, history: deque[tuple[int, np.ndarray, bool]], tallest: float) -> str:
        frame, box, _ = history[-1]
        width, height = float(box[2] - box[0]), max(float(box[3] - box[1]), 1.0)
        votes = sum(flag for _, _, flag in history)
        if votes * 2 > len(history) or width / height >= self.fallen_aspect:
            return "fallen"
        first_frame, first_box, _ = history[0]
        if frame > first_frame:
            centre_shift = np.hypot(
                (box[0] + box[2] - first_box[0] - first_box[2]) / 2, box[3] - first_box[3]
            )
            speed = centre_shift / height / ((frame - first_frame) / self.fps)
            if speed >= self.walk_speed:
                return "walking"
        if tallest > 0 and height < self.sitting_height * tallest and width / height < 1.0:
            return "sitting"
        return "standing"


def count_states(states: list[str]) -> dict[str, int]:
    """People per state (every state present, zero when nobody is in it)."""
    counts = Counter(states)
    return {state: counts.get(state, 0) for state in STATES}
