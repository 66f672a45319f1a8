"""Zones and lines: YAML loading, occupancy, dwell, queues, crossings."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.solutions.vision import Detections, LineCounter, VisionError, ZoneMonitor, load_scene
from vantage.solutions.vision.zones import Line, Zone, parse_line

ZONES = """
units: fraction
zones:
  - name: checkout
    polygon: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]]
    queue: true
lines:
  - name: door
    start: [0.5, 0]
    end: [0.5, 1]
"""


def people(*points: tuple[float, float, int]) -> Detections:
    boxes = [[x - 5, y - 20, x + 5, y] for x, y, _ in points]
    return Detections(boxes, [0.9] * len(points), [0] * len(points), [t for *_, t in points])


def test_scene_from_yaml_in_fractions(tmp_path: Path) -> None:
    path = tmp_path / "zones.yml"
    path.write_text(ZONES)
    scene = load_scene(path).scaled(200, 100)
    assert scene.zones[0].polygon[1] == (100.0, 0.0) and scene.zones[0].queue
    assert scene.lines[0].end == (100.0, 100.0)
    assert load_scene(None).zones == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("zones: [{name: a, polygon: [[0, 0], [1, 1]]}]", "zones.0.polygon"),
        ("zones: [{polygon: [[0, 0], [1, 1], [2, 0]]}]", "zones.0.name"),
        ("zones: [unclosed", "not valid YAML"),
        ("lines: [{start: [1, 1], end: [1, 1]}]", "start and end must differ"),
    ],
)
def test_invalid_zone_files_name_the_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "zones.yml"
    path.write_text(text)
    with pytest.raises(VisionError, match=message):
        load_scene(path)


def test_missing_zone_file_and_bad_line(tmp_path: Path) -> None:
    with pytest.raises(VisionError, match="does not exist"):
        load_scene(tmp_path / "missing.yml")
    with pytest.raises(VisionError, match="is not a line"):
        parse_line("1,2,3")
    assert parse_line("0,10,100,10").end == (100.0, 10.0)


def test_line_counts_each_direction_once() -> None:
    counter = LineCounter(Line(start=(0, 50), end=(100, 50)))
    counter.update(people((10, 40, 1), (60, 70, 2), (200, 40, 3)))
    counter.update(people((10, 60, 1), (60, 40, 2), (200, 60, 3)))
    counter.update(people((10, 61, 1), (60, 30, 2)))
    assert (counter.count_in, counter.count_out) == (1, 1)


def test_zone_occupancy_dwell_and_queue_wait() -> None:
    monitor = ZoneMonitor(
        [Zone(name="q", polygon=[(0, 0), (100, 0), (100, 100), (0, 100)], queue=True)],
        exit_grace_s=0.5,
    )
    monitor.update(people((10, 50, 1), (20, 50, 2), (300, 50, 3)), 0.0)
    assert monitor.states["q"].occupancy == 2
    assert monitor.waiting_time_s("q", 0.0) is None
    monitor.update(people((20, 50, 2)), 1.0)
    monitor.update(people((20, 50, 2)), 2.0)
    summary = monitor.summary(2.0)["q"]
    assert summary["entries"] == 2 and summary["exits"] == 1 and summary["max_occupancy"] == 2
    assert summary["mean_dwell_s"] == pytest.approx(1.0)
    assert summary["queue_length"] == 1 and summary["estimated_wait_s"] == pytest.approx(0.0)


def test_a_track_missing_for_a_moment_is_one_visit() -> None:
    monitor = ZoneMonitor([Zone(name="z", polygon=[(0, 0), (100, 0), (100, 100)])])
    for t, seen in ((0.0, True), (0.2, False), (0.4, True)):
        monitor.update(people((60, 20, 1)) if seen else Detections.empty(), t)
    assert monitor.states["z"].entries == 1 and monitor.states["z"].exits == 0
