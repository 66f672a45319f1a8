"""Multi-object tracking (ByteTrack / OC-SORT from ``trackers``), smoothing, gaps, lifetimes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vantage.solutions.vision.detections import Detections
from vantage.solutions.vision.errors import VisionError

TRACKERS = ("bytetrack", "ocsort")


@dataclass
class Track:
    """What is known about one tracked object.

    Args:
        track_id: The id, from 1.
        first_frame: Frame index where it was first confirmed.
        last_frame: Frame index of its last detection.
        box: Latest (smoothed) box.
        velocity: Box change per frame (x_min, y_min, x_max, y_max).
        labels: How often each class name was detected for it.
        path: Anchor points (frame, x, y) along its way.
    """

    track_id: int
    first_frame: int
    last_frame: int
    box: np.ndarray
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(4, dtype=np.float32))
    labels: Counter[str] = field(default_factory=Counter)
    path: list[tuple[int, float, float]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The class name detected most often."""
        return self.labels.most_common(1)[0][0] if self.labels else ""

    def lifetime(self, fps: float) -> dict[str, Any]:
        """Start, end and duration in seconds (for the track summary)."""
        return {
            "track_id": self.track_id,
            "label": self.label,
            "first_s": round(self.first_frame / fps, 3),
            "last_s": round(self.last_frame / fps, 3),
            "duration_s": round((self.last_frame - self.first_frame + 1) / fps, 3),
            "detections": sum(self.labels.values()),
        }


class Tracker:
    """Give each object a stable id across frames.

    Detection frames go through :meth:`update`; frames without detection (when the detector
    runs on every k-th frame) through :meth:`predict`, which moves each live track along its
    velocity.

    Args:
        method: ``bytetrack`` or ``ocsort``.
        fps: Frames per second of the source.
        every: The detector runs on every ``every``-th frame.
        lost_track_buffer: Frames (at 30 fps) a lost track is kept for re-association.
        min_hits: Consecutive detections before a track gets an id.
        smoothing: Weight of the previous box in the exponential smoothing of boxes (0: none).
        track_activation_threshold: Minimum score to start a track.
        high_conf_det_threshold: Scores at or above this are matched first (ByteTrack).
        minimum_iou_threshold: Minimum overlap to associate a box with a track.

    Raises:
        VisionError: Unknown method.
    """

    def __init__(
        self,
        method: str = "bytetrack",
        *,
        fps: float = 25.0,
        every: int = 1,
        lost_track_buffer: int = 30,
        min_hits: int = 2,
        smoothing: float = 0.0,
        track_activation_threshold: float = 0.4,
        high_conf_det_threshold: float = 0.4,
        minimum_iou_threshold: float = 0.1,
    ) -> None:
        if method not in TRACKERS:
            raise VisionError(f"Unknown tracker {method!r}.", f"Use one of: {', '.join(TRACKERS)}.")
        if every < 1:
            raise VisionError(f"every must be at least 1; got {every}.", "Use --every 1 or more.")
        self.method = method
        self.fps = fps
        self.every = every
        self.smoothing = smoothing
        rate = max(fps / every, 1.0)
        if method == "bytetrack":
            from trackers import ByteTrackTracker

            self._impl: Any = ByteTrackTracker(
                lost_track_buffer=lost_track_buffer,
                frame_rate=rate,
                track_activation_threshold=track_activation_threshold,
                minimum_consecutive_frames=min_hits,
                minimum_iou_threshold=minimum_iou_threshold,
                high_conf_det_threshold=high_conf_det_threshold,
            )
        else:
            from trackers import OCSORTTracker

            self._impl = OCSORTTracker(
                lost_track_buffer=lost_track_buffer,
                frame_rate=rate,
                minimum_consecutive_frames=min_hits,
                minimum_iou_threshold=minimum_iou_threshold,
                high_conf_det_threshold=high_conf_det_threshold,
            )
        self.tracks: dict[int, Track] = {}
        self._live: list[int] = []
        self._class_names: list[str] = []

    def update(self, detections: Detections, frame_index: int) -> Detections:
        """Associate one detection frame's boxes with tracks; returns the confirmed tracks."""
        self._class_names = list(detections.class_names)
        result = Detections.from_supervision(
            self._impl.update(detections.to_supervision()), detections.class_names
        )
        result = result[result.tracker_id >= 0]
        result.tracker_id = result.tracker_id + 1
        labels = result.labels()
        self._live = []
        for i, track_id in enumerate(result.tracker_id.tolist()):
            box = result.xyxy[i].copy()
            track = self.tracks.get(track_id)
            if track is None:
                track = Track(track_id, frame_index, frame_index, box)
                self.tracks[track_id] = track
            else:
                gap = max(frame_index - track.last_frame, 1)
                if self.smoothing > 0:
                    box = (
                        self.smoothing * (track.box + track.velocity * gap)
                        + (1 - self.smoothing) * box
                    )
                    result.xyxy[i] = box
                step = (box - track.box) / gap
                track.velocity = 0.5 * track.velocity + 0.5 * step if gap <= self.every else step
                track.box, track.last_frame = box, frame_index
            track.labels[labels[i]] += 1
            track.path.append((frame_index, float((box[0] + box[2]) / 2), float(box[3])))
            self._live.append(track_id)
        return result

    def predict(self, frame_index: int) -> Detections:
        """Boxes of the live tracks moved along their velocity, for a frame without detection."""
        if not self._live:
            return Detections.empty(self._class_names)
        boxes, ids, classes = [], [], []
        names = self._class_names
        for track_id in self._live:
            track = self.tracks[track_id]
            boxes.append(track.box + track.velocity * (frame_index - track.last_frame))
            ids.append(track_id)
            classes.append(names.index(track.label) if track.label in names else 0)
        return Detections(
            np.array(boxes), np.ones(len(ids)), np.array(classes), np.array(ids), names
        )

    def lifetimes(self) -> list[dict[str, Any]]:
        """One row per track: label, first and last time, duration, detections."""
        return [
            t.lifetime(self.fps) for t in sorted(self.tracks.values(), key=lambda t: t.track_id)
        ]
