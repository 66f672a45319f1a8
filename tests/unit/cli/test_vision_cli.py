"""``vantage vision analyze`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vantage.cli.main import app
from vantage.solutions.vision import Walker, write_scene_video

from .cli_process import vantage

runner = CliRunner()


def clip(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_scene_video(folder / "door.avi", [Walker((20, 200), (8, 0), 30, 90)], 12)


@pytest.mark.slow
def test_analyze_subprocess_writes_outputs_and_ingests(home: Path, tmp_path: Path) -> None:
    video = clip(tmp_path / "clips")
    zones = tmp_path / "zones.yml"
    zones.write_text("zones: [{name: door, polygon: [[0, 0], [160, 0], [160, 240], [0, 240]]}]\n")
    out = tmp_path / "out"
    done = vantage(
        home,
        "vision",
        "analyze",
        str(video),
        "--zones",
        str(zones),
        "--line",
        "160,0,160,240",
        "--detector",
        "hog",
        "--every",
        "2",
        "--out",
        str(out),
        "--ingest",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["summary"]["frames"] == 12 and result["summary"]["detector_runs"] == 6
    assert result["summary"]["detector"] == "HogPeopleDetector"
    assert result["ingested"]["rejected"] == 0 and result["ingested"]["source"] == "cameras"
    for name in ("annotated.mp4", "counts.csv", "heatmap.png", "summary.json", "footfall.jsonl"):
        assert (out / name).is_file(), name


def test_human_output_and_errors(home: Path, tmp_path: Path) -> None:
    video = clip(tmp_path)
    done = runner.invoke(
        app,
        [
            "vision",
            "analyze",
            str(video),
            "--detector",
            "hog",
            "--line",
            "160,0,160,240",
            "--no-video",
            "--quiet",
            "--max-frames",
            "4",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "4 frames" in done.stdout and "Line crossings" in done.stdout
    missing = runner.invoke(app, ["vision", "analyze", str(tmp_path / "none.mp4")])
    assert missing.exit_code == 1 and "No such video, image or folder" in missing.stderr
    bad = runner.invoke(app, ["vision", "analyze", str(video), "--tracker", "deepsort"])
    assert bad.exit_code == 1 and "Unknown tracker 'deepsort'" in bad.stderr
    detector = runner.invoke(app, ["vision", "analyze", str(video), "--detector", "yolo9"])
    assert detector.exit_code == 1 and "Unknown detector 'yolo9'" in detector.stderr


def test_actions_evaluate_needs_skeleton_files(home: Path, tmp_path: Path) -> None:
    done = runner.invoke(app, ["vision", "actions", "evaluate", "--folder", str(tmp_path)])
    assert done.exit_code == 1 and "No MSR Action3D skeleton files" in done.stderr
