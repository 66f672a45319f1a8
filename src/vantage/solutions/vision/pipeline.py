"""The pipeline: frames -> detector (every k-th frame) -> tracker -> zones, lines, heatmap."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vantage.solutions.vision.annotate import annotate
from vantage.solutions.vision.attributes import dominant_colour
from vantage.solutions.vision.detections import Detections
from vantage.solutions.vision.detectors import Detector
from vantage.solutions.vision.errors import VisionError
from vantage.solutions.vision.frames import Frame
from vantage.solutions.vision.heatmap import Heatmap
from vantage.solutions.vision.posture import STATES, PostureClassifier, count_states
from vantage.solutions.vision.privacy import FaceBlurrer
from vantage.solutions.vision.tracking import Tracker
from vantage.solutions.vision.zones import LineCounter, SceneConfig, ZoneMonitor


@dataclass
class FrameResult:
    """What the pipeline saw in one frame.

    Args:
        frame: The frame.
        detections: Tracked boxes (ids from 1).
        states: Posture / motion state per box.
        row: The frame's counts (one row of the counts CSV).
        detected: Whether the detector ran on this frame (else tracks were predicted).
    """

    frame: Frame
    detections: Detections
    states: list[str]
    row: dict[str, Any]
    detected: bool


@dataclass
class VisionReport:
    """Aggregates of one analysed source (no images, no identities)."""

    frames: int = 0
    fps: float = 25.0
    width: int = 0
    height: int = 0
    seconds: float = 0.0
    detector_runs: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    tracks: list[dict[str, Any]] = field(default_factory=list)
    zones: dict[str, dict[str, Any]] = field(default_factory=dict)
    lines: dict[str, dict[str, int]] = field(default_factory=dict)
    class_counts: dict[str, int] = field(default_factory=dict)
    state_peaks: dict[str, int] = field(default_factory=dict)
    paths: dict[int, list[tuple[int, float, float]]] = field(default_factory=dict)
    heatmap: Heatmap | None = None

    def summary(self, *, include_paths: bool = False) -> dict[str, Any]:
        """The JSON summary: counts, zones, lines, tracks and speed."""
        people = [r["people"] for r in self.rows]
        out: dict[str, Any] = {
            "frames": self.frames,
            "fps": round(self.fps, 3),
            "duration_s": round(self.frames / self.fps, 3) if self.fps else 0.0,
            "frame_size": [self.width, self.height],
            "detector_runs": self.detector_runs,
            "processing_fps": round(self.frames / self.seconds, 2) if self.seconds else None,
            "people": {
                "unique_tracks": sum(self.class_counts.values()),
                "mean_per_frame": round(float(np.mean(people)), 3) if people else 0.0,
                "max_per_frame": max(people, default=0),
            },
            "class_counts": self.class_counts,
            "state_peaks": self.state_peaks,
            "zones": self.zones,
            "lines": self.lines,
            "tracks": self.tracks,
        }
        if include_paths:
            out["paths"] = {str(k): v for k, v in self.paths.items()}
        return out


class VisionPipeline:
    """Detect, track and count people (and any class the detector knows) in a frame sequence.

    Args:
        detector: A detector (see :func:`~vantage.solutions.vision.detectors.make_detector`).
        scene: Zones and lines.
        tracker: ``bytetrack`` or ``ocsort``.
        every: Run the detector on every ``every``-th frame; track in between.
        fps: Frames per second of the source.
        heatmap_cell: Grid cell of the heatmap in pixels.
        blur: Blur faces and heads in annotated frames (always on unless turned off on purpose).
        tracker_options: Extra :class:`~vantage.solutions.vision.tracking.Tracker` options.
        attributes: Record each person track's dominant clothing colour (most frequent over
            its detected frames) as ``colour`` in the report's track rows.

    Raises:
        VisionError: ``every`` below 1.
    """

    def __init__(
        self,
        detector: Detector,
        *,
        scene: SceneConfig | None = None,
        tracker: str = "bytetrack",
        every: int = 1,
        fps: float = 25.0,
        heatmap_cell: int = 32,
        blur: bool = True,
        tracker_options: dict[str, Any] | None = None,
        attributes: bool = False,
    ) -> None:
        if every < 1:
            raise VisionError(f"every must be at least 1; got {every}.", "Use --every 1 or more.")
        self.detector = detector
        self.scene = scene or SceneConfig()
        self.every = every
        self.fps = fps
        self.heatmap_cell = heatmap_cell
        self.blur = blur
        self.tracker = Tracker(tracker, fps=fps, every=every, **(tracker_options or {}))
        self.postures = PostureClassifier(fps)
        self.blurrer = FaceBlurrer() if blur else None
        self.report = VisionReport(fps=fps)
        self.attributes = attributes
        self._colours: dict[int, Counter[str]] = {}
        self._scaled: SceneConfig | None = None
        self._zones: ZoneMonitor | None = None
        self._lines: list[LineCounter] = []
        self._state_frames: Counter[str] = Counter()

    def _start(self, image: np.ndarray) -> None:
        height, width = image.shape[:2]
        self.report.width, self.report.height = width, height
        self._scaled = self.scene.scaled(width, height)
        self._zones = ZoneMonitor(self._scaled.zones)
        self._lines = [LineCounter(line) for line in self._scaled.lines]
        self.report.heatmap = Heatmap(width, height, cell=self.heatmap_cell)

    def process(self, frame: Frame) -> FrameResult:
        """Run one frame through every step."""
        if self._zones is None:
            self._start(frame.image)
        assert self._zones is not None and self.report.heatmap is not None
        detected = frame.index % self.every == 0
        if detected:
            tracked = self.tracker.update(self.detector(frame.image), frame.index)
            self.report.detector_runs += 1
        else:
            tracked = self.tracker.predict(frame.index)
        people = tracked[tracked.is_person()]
        if detected and self.attributes:
            self._record_colours(frame.image, people)
        states = self.postures.update(people, frame.index)
        occupancy = self._zones.update(people, frame.time_s)
        self.report.heatmap.update(people)
        row: dict[str, Any] = {
            "frame": frame.index,
            "time_s": round(frame.time_s, 3),
            "detected": int(detected),
            "people": len(people),
        }
        for name, count in occupancy.items():
            row[f"zone.{name}.occupancy"] = count
            row[f"zone.{name}.entries"] = self._zones.states[name].entries
            if self._zones.states[name].zone.queue:
                wait = self._zones.waiting_time_s(name, frame.time_s)
                row[f"queue.{name}.wait_s"] = None if wait is None else round(wait, 1)
        for counter in self._lines:
            count_in, count_out = counter.update(people)
            row[f"line.{counter.line.name}.in"] = count_in
            row[f"line.{counter.line.name}.out"] = count_out
        per_state = count_states(states)
        for state in STATES:
            row[f"state.{state}"] = per_state[state]
            self._state_frames[state] = max(self._state_frames[state], per_state[state])
        self.report.rows.append(row)
        self.report.frames += 1
        return FrameResult(frame, tracked, states, row, detected)

    def _record_colours(self, image: np.ndarray, people: Detections) -> None:
        for box, track_id in zip(people.xyxy.tolist(), people.tracker_id.tolist(), strict=True):
            if track_id < 0:
                continue
            try:
                colour = dominant_colour(image, box, clusters=2)
            except VisionError:
                continue
            self._colours.setdefault(track_id, Counter())[colour] += 1

    def render(self, result: FrameResult) -> np.ndarray:
        """The annotated frame (faces and heads blurred unless ``blur`` is off)."""
        image = result.frame.image
        if self.blurrer is not None:
            image = self.blurrer(image, result.detections)
        people = result.detections[result.detections.is_person()]
        text = [f"people {result.row['people']}"]
        text += [
            f"{k.split('.')[1]} in {result.row[k]} out {result.row[k[:-2] + 'out']}"
            for k in result.row
            if k.startswith("line.") and k.endswith(".in")
        ]
        return annotate(image, people, states=result.states, scene=self._scaled, text=text)

    def run(
        self,
        frames: Iterable[Frame],
        *,
        on_frame: Callable[[FrameResult], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> VisionReport:
        """Process every frame; returns the aggregates.

        Args:
            frames: The frames (a :class:`~vantage.solutions.vision.frames.FrameSource`).
            on_frame: Called with each frame's result (to save annotated frames).
            on_progress: Called with the number of frames done.
        """
        started = time.perf_counter()
        last_time = 0.0
        for frame in frames:
            result = self.process(frame)
            last_time = frame.time_s
            if on_frame is not None:
                on_frame(result)
            if on_progress is not None:
                on_progress(self.report.frames)
        return self.finish(last_time + 1.0 / self.fps, time.perf_counter() - started)

    def finish(self, end_s: float, seconds: float) -> VisionReport:
        """Close open visits and fill the report's aggregates."""
        report = self.report
        report.seconds = seconds
        report.tracks = [t for t in self.tracker.lifetimes() if t["detections"] > 0]
        if self.attributes:
            for track in report.tracks:
                seen = self._colours.get(track["track_id"])
                track["colour"] = seen.most_common(1)[0][0] if seen else None
        report.class_counts = dict(Counter(t["label"] for t in report.tracks))
        report.paths = {t.track_id: t.path for t in self.tracker.tracks.values()}
        report.zones = self._zones.summary(end_s) if self._zones is not None else {}
        report.lines = {c.line.name: {"in": c.count_in, "out": c.count_out} for c in self._lines}
        report.state_peaks = dict(self._state_frames)
        return report
