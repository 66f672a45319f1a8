"""Zones and counting lines, read from YAML; occupancy, dwell, queues and line crossings."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vantage.solutions.vision.detections import Detections
from vantage.solutions.vision.errors import VisionError

Point = tuple[float, float]


class Zone(BaseModel):
    """A polygon area (an entrance, an aisle, a checkout queue).

    Args:
        name: Zone name, used in counts and footfall events.
        polygon: Three or more (x, y) corners.
        queue: Treat the zone as a queue (length and estimated waiting time).
    """

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    polygon: list[Point] = Field(min_length=3)
    queue: bool = False


class Line(BaseModel):
    """A counting line from ``start`` to ``end``.

    Looking along the line from ``start`` to ``end`` on screen, crossing from its left side to
    its right side counts as *in*, the other way as *out*.
    """

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="line", min_length=1, max_length=100)
    start: Point
    end: Point

    @field_validator("end")
    @classmethod
    def _not_a_point(cls, end: Point, info: Any) -> Point:
        if info.data.get("start") == end:
            raise ValueError("start and end must differ")
        return end


class SceneConfig(BaseModel):
    """Everything drawn on a camera view: zones and lines, in pixels or in fractions."""

    model_config = ConfigDict(extra="forbid")
    units: Literal["pixels", "fraction"] = "pixels"
    zones: list[Zone] = Field(default_factory=list)
    lines: list[Line] = Field(default_factory=list)

    def scaled(self, width: int, height: int) -> SceneConfig:
        """Pixel coordinates for a frame of this size."""
        if self.units == "pixels":
            return self
        sx, sy = float(width), float(height)
        return SceneConfig(
            zones=[
                z.model_copy(update={"polygon": [(x * sx, y * sy) for x, y in z.polygon]})
                for z in self.zones
            ],
            lines=[
                ln.model_copy(
                    update={
                        "start": (ln.start[0] * sx, ln.start[1] * sy),
                        "end": (ln.end[0] * sx, ln.end[1] * sy),
                    }
                )
                for ln in self.lines
            ],
        )


def load_scene(path: str | Path | None) -> SceneConfig:
    """Zones and lines from a YAML file (an empty scene for None).

    Raises:
        VisionError: The file is missing or invalid, naming the field.
    """
    if path is None:
        return SceneConfig()
    path = Path(path)
    if not path.is_file():
        raise VisionError(f"Zone file {path} does not exist.", "Check the --zones path.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return SceneConfig.model_validate(raw)
    except yaml.YAMLError as exc:
        raise VisionError(f"Zone file {path} is not valid YAML: {exc}", "Fix the syntax.") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise VisionError(
            f"Zone file {path}: {where}: {err['msg']}.",
            "Each zone needs a name and a polygon of 3+ [x, y] points; each line a start and end.",
        ) from exc


def parse_line(text: str) -> Line:
    """A line from ``x1,y1,x2,y2``.

    Raises:
        VisionError: Not four numbers, or a zero-length line.
    """
    try:
        x1, y1, x2, y2 = (float(v) for v in text.split(","))
        return Line(name="line", start=(x1, y1), end=(x2, y2))
    except (ValueError, ValidationError) as exc:
        raise VisionError(
            f"--line {text!r} is not a line.", "Give four numbers x1,y1,x2,y2 (pixels)."
        ) from exc


@dataclass
class ZoneState:
    """Running statistics of one zone."""

    zone: Zone
    inside: dict[int, list[float]] = field(default_factory=dict)
    entries: int = 0
    exits: int = 0
    dwell_s: list[float] = field(default_factory=list)
    occupancy: int = 0
    max_occupancy: int = 0
    exit_times: deque[float] = field(default_factory=deque)


class ZoneMonitor:
    """Occupancy, entries, exits, dwell times and queue waiting estimates per zone.

    A person leaves a zone once not seen inside it for ``exit_grace_s`` (a track missing for a
    frame or two does not count as a new visit).

    Args:
        zones: The zones (pixel coordinates).
        window_s: Time window over which a queue's service rate is measured.
        exit_grace_s: Seconds unseen inside a zone before a visit ends.
    """

    def __init__(
        self, zones: list[Zone], *, window_s: float = 120.0, exit_grace_s: float = 1.0
    ) -> None:
        self.window_s = window_s
        self.exit_grace_s = exit_grace_s
        self.states = {z.name: ZoneState(z) for z in zones}
        self._polygons = {z.name: np.array(z.polygon, dtype=np.float32) for z in zones}

    def update(self, detections: Detections, time_s: float) -> dict[str, int]:
        """Count tracked people per zone at ``time_s``; returns occupancy per zone."""
        anchors = detections.anchors()
        ids = detections.tracker_id.tolist()
        for name, state in self.states.items():
            polygon = self._polygons[name]
            now_inside = {
                tid
                for tid, (x, y) in zip(ids, anchors.tolist(), strict=True)
                if cv2.pointPolygonTest(polygon, (float(x), float(y)), False) >= 0
            }
            for tid in now_inside:
                if tid in state.inside:
                    state.inside[tid][1] = time_s
                else:
                    state.inside[tid] = [time_s, time_s]
                    state.entries += 1
            for tid, (entered, seen) in list(state.inside.items()):
                if time_s - seen > self.exit_grace_s:
                    del state.inside[tid]
                    state.dwell_s.append(seen - entered)
                    state.exits += 1
                    state.exit_times.append(seen)
            while state.exit_times and state.exit_times[0] < time_s - self.window_s:
                state.exit_times.popleft()
            state.occupancy = len(now_inside)
            state.max_occupancy = max(state.max_occupancy, state.occupancy)
        return {name: s.occupancy for name, s in self.states.items()}

    def waiting_time_s(self, name: str, time_s: float) -> float | None:
        """Estimated wait for someone joining the queue now (Little's law: length / exit rate).

        Falls back to the mean dwell of people who left; None before anyone left.
        """
        state = self.states[name]
        span = min(self.window_s, time_s)
        if len(state.exit_times) >= 2 and span > 0:
            return state.occupancy / (len(state.exit_times) / span)
        if state.dwell_s:
            return float(np.mean(state.dwell_s))
        return None

    def summary(self, time_s: float) -> dict[str, dict[str, Any]]:
        """Entries, exits, occupancy and dwell statistics per zone.

        People still inside count with their time so far.
        """
        out: dict[str, dict[str, Any]] = {}
        for name, state in self.states.items():
            dwell = state.dwell_s + [seen - entered for entered, seen in state.inside.values()]
            row: dict[str, Any] = {
                "entries": state.entries,
                "exits": state.exits,
                "max_occupancy": state.max_occupancy,
                "mean_dwell_s": round(float(np.mean(dwell)), 2) if dwell else 0.0,
                "max_dwell_s": round(float(np.max(dwell)), 2) if dwell else 0.0,
            }
            if state.zone.queue:
                wait = self.waiting_time_s(name, time_s)
                row["queue_length"] = state.occupancy
                row["estimated_wait_s"] = None if wait is None else round(wait, 1)
            out[name] = row
        return out


class LineCounter:
    """Count tracks whose anchor point crosses a line segment, in each direction.

    Args:
        line: The line (pixel coordinates).
    """

    def __init__(self, line: Line) -> None:
        self.line = line
        self.count_in = 0
        self.count_out = 0
        self._last: dict[int, Point] = {}
        self._start = np.array(line.start)
        self._end = np.array(line.end)

    def _side(self, point: np.ndarray) -> float:
        d = self._end - self._start
        return float(d[0] * (point[1] - self._start[1]) - d[1] * (point[0] - self._start[0]))

    def update(self, detections: Detections) -> tuple[int, int]:
        """Record crossings since the previous call; returns the running (in, out) counts."""
        for tid, point in zip(detections.tracker_id.tolist(), detections.anchors(), strict=True):
            previous = self._last.get(tid)
            self._last[tid] = (float(point[0]), float(point[1]))
            if previous is None:
                continue
            before, after = self._side(np.array(previous)), self._side(point)
            if before == 0 or after == 0 or (before > 0) == (after > 0):
                continue
            if not _segments_cross(np.array(previous), point, self._start, self._end):
                continue
            if before < 0 < after:
                self.count_in += 1
            else:
                self.count_out += 1
        return self.count_in, self.count_out


def _segments_cross(p1: np.ndarray, p2: np.ndarray, q1: np.ndarray, q2: np.ndarray) -> bool:
    def orient(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
        return float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    return (
        orient(p1, p2, q1) * orient(p1, p2, q2) <= 0
        and orient(q1, q2, p1) * orient(q1, q2, p2) <= 0
    )
