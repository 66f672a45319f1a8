"""``services.vision``: outputs of an analysis and footfall events through the write path."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import cv2
import pytest

from vantage.services.context import ServiceContext
from vantage.services.vision import AnalyzeOptions, analyze
from vantage.services.vision_footfall import FOOTFALL_EVENT
from vantage.solutions.vision import BlobDetector, VisionError, Walker, write_scene_video

ZONES = """
zones:
  - name: left
    polygon: [[0, 0], [160, 0], [160, 240], [0, 240]]
    queue: true
"""
WALKERS = [Walker((20, 120), (6, 0)), Walker((300, 220), (-6, 0))]


def clip(tmp_path: Path) -> Path:
    return write_scene_video(tmp_path / "entrance.avi", WALKERS, 40)


def test_analyze_writes_every_output(tmp_path: Path) -> None:
    zones = tmp_path / "zones.yml"
    zones.write_text(ZONES)
    options = AnalyzeOptions(
        zones=zones,
        line="160,0,160,240",
        interval_s=2.0,
        start=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    )
    result = analyze(clip(tmp_path), tmp_path / "out", options, detector=BlobDetector())
    outputs = result.outputs
    assert set(outputs) == {
        "video",
        "counts",
        "tracks",
        "heatmap",
        "heatmap_grid",
        "footfall",
        "summary",
    }
    video = cv2.VideoCapture(outputs["video"])
    assert int(video.get(cv2.CAP_PROP_FRAME_COUNT)) == 40
    video.release()
    assert cv2.imread(outputs["heatmap"]).shape == (240, 320, 3)
    with Path(outputs["counts"]).open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 40 and rows[-1]["line.line.in"] == "1"
    summary = json.loads(Path(outputs["summary"]).read_text())
    assert summary["lines"]["line"] == {"in": 1, "out": 1} and summary["source"] == "entrance.avi"
    assert summary["zones"]["left"]["entries"] == 2
    events = result.footfall
    assert {e["event"] for e in events} == {FOOTFALL_EVENT}
    assert {e["properties"]["zone"] for e in events} == {"all", "left", "line:line"}
    assert sum(e["properties"]["entries"] for e in events if e["properties"]["zone"] == "left") == 2
    line_events = [e["properties"] for e in events if e["properties"]["kind"] == "line"]
    assert sum(p["entries"] for p in line_events) == 1 and sum(p["exits"] for p in line_events) == 1
    assert events[0]["timestamp"] == "2026-01-05T09:00:00+00:00"
    assert len({e["messageId"] for e in events}) == len(events)


def test_footfall_lands_in_the_lake_once(tmp_path: Path, home: Path) -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    options = AnalyzeOptions(save_video=False, camera="door-1", interval_s=1.0)
    video = clip(tmp_path)
    first = analyze(video, tmp_path / "a", options, ctx=ctx, detector=BlobDetector())
    assert first.ingested is not None and first.ingested["stored"] == len(first.footfall) > 0
    assert first.ingested["rejected"] == 0
    again = analyze(video, tmp_path / "b", options, ctx=ctx, detector=BlobDetector())
    assert again.ingested is not None and again.ingested["stored"] == 0
    assert again.ingested["duplicates"] == len(first.footfall)
    stored = ctx.log.tail(100, "cameras")
    assert len(stored) == len(first.footfall)
    assert {row["event"] for row in stored} == {FOOTFALL_EVENT}


def test_bad_options_are_named(tmp_path: Path) -> None:
    with pytest.raises(VisionError, match="is not a line"):
        analyze(clip(tmp_path), tmp_path / "out", AnalyzeOptions(line="1,2"))
    with pytest.raises(VisionError, match=r"Zone file .* does not exist"):
        analyze(clip(tmp_path), tmp_path / "out", AnalyzeOptions(zones=tmp_path / "nope.yml"))


def test_attributes_add_a_colour_per_track(tmp_path: Path) -> None:
    options = AnalyzeOptions(attributes=True, save_video=False)
    result = analyze(clip(tmp_path), tmp_path / "out", options, detector=BlobDetector())
    with Path(result.outputs["tracks"]).open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(row["colour"] for row in rows)
