"""Draw boxes, ids, states, zones and lines on a frame."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from vantage.solutions.vision.detections import Detections
from vantage.solutions.vision.zones import SceneConfig

STATE_COLOURS = {
    "standing": (80, 200, 80),
    "walking": (255, 160, 0),
    "sitting": (200, 120, 255),
    "fallen": (0, 0, 255),
}


def annotate(
    image: np.ndarray,
    detections: Detections,
    *,
    states: Sequence[str] = (),
    scene: SceneConfig | None = None,
    text: Sequence[str] = (),
) -> np.ndarray:
    """A copy of ``image`` with tracks, zones, lines and text lines drawn on it."""
    out = image.copy()
    if scene is not None:
        for zone in scene.zones:
            points = np.array(zone.polygon, dtype=np.int32)
            cv2.polylines(out, [points], True, (0, 220, 255), 2)
            cv2.putText(
                out,
                zone.name,
                tuple(points[0]),
                cv2.FONT_HERSHEY_SIMPLEX,
                0.5,
                (0, 220, 255),
                1,
                cv2.LINE_AA,
            )
        for line in scene.lines:
            start = tuple(int(v) for v in line.start)
            end = tuple(int(v) for v in line.end)
            cv2.line(out, start, end, (255, 0, 255), 2)
    for i, (x1, y1, x2, y2) in enumerate(detections.xyxy.astype(int).tolist()):
        state = states[i] if i < len(states) else ""
        colour = STATE_COLOURS.get(state, (80, 200, 80))
        cv2.rectangle(out, (x1, y1), (x2, y2), colour, 2)
        label = f"#{detections.tracker_id[i]} {state}".strip()
        cv2.putText(
            out,
            label,
            (x1, max(y1 - 4, 10)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.45,
            colour,
            1,
            cv2.LINE_AA,
        )
    for row, line_text in enumerate(text):
        cv2.putText(
            out,
            line_text,
            (8, 20 + 18 * row),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.55,
            (255, 255, 255),
            2,
            cv2.LINE_AA,
        )
    return out
