"""Tracking: stable ids, detection every k-th frame, OC-SORT, lifetimes."""

from __future__ import annotations

import pytest

from vantage.solutions.vision import BlobDetector, Tracker, VisionError
from vantage.solutions.vision.synthetic import draw_scene

from .scenes import WALKERS


def run(tracker: Tracker, frames: int = 30, every: int = 1) -> list[set[int]]:
    detector = BlobDetector()
    ids = []
    for index in range(frames):
        if index % every == 0:
            found = tracker.update(detector(draw_scene(WALKERS, index)), index)
        else:
            found = tracker.predict(index)
        ids.append(set(found.tracker_id.tolist()))
    return ids


@pytest.mark.parametrize("method", ["bytetrack", "ocsort"])
def test_each_walker_keeps_one_id(method: str) -> None:
    tracker = Tracker(method, fps=10)
    ids = run(tracker)
    assert ids[-1] == {1, 2, 3}
    assert set().union(*ids) == {1, 2, 3}
    lifetimes = {row["track_id"]: row for row in tracker.lifetimes()}
    assert lifetimes[3]["label"] == "fallen" and lifetimes[1]["label"] == "person"


def test_tracks_are_predicted_between_detections() -> None:
    tracker = Tracker(fps=10, every=3)
    ids = run(tracker, frames=30, every=3)
    assert ids[-1] == {1, 2, 3}
    moving = tracker.tracks[1]
    assert abs(moving.velocity[0]) == pytest.approx(6, abs=1.0)
    predicted = tracker.predict(28)
    row = predicted.tracker_id.tolist().index(1)
    expected = moving.box[0] + moving.velocity[0] * (28 - moving.last_frame)
    assert predicted.xyxy[row, 0] == pytest.approx(expected, abs=0.5)


def test_smoothing_keeps_ids() -> None:
    assert run(Tracker(fps=10, smoothing=0.5))[-1] == {1, 2, 3}


def test_bad_settings_are_refused() -> None:
    with pytest.raises(VisionError, match="Unknown tracker 'deepsort'"):
        Tracker("deepsort")
    with pytest.raises(VisionError, match="every must be at least 1"):
        Tracker(every=0)
