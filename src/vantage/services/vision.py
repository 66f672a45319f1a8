"""Analyse a video, a folder of frames, an image or a stream.

Outputs: annotated video, counts CSV, heatmap PNG, JSON summary, and footfall events for the
warehouse.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from vantage.services.context import ServiceContext
from vantage.services.vision_footfall import footfall_events, ingest_footfall


class AnalyzeOptions(BaseModel):
    """How to analyse a source.

    Args:
        detector: ``auto``, ``onnx``, ``hog``, ``ultralytics:MODEL`` or a model path.
        tracker: ``bytetrack`` or ``ocsort``.
        every: Detect on every k-th frame, track in between.
        zones: YAML file of zones and lines.
        line: An extra counting line ``x1,y1,x2,y2``.
        conf: Minimum detection score (CNN detectors).
        max_frames: Stop after this many frames.
        save_video: Write the annotated video (faces and heads blurred).
        blur: Blur faces and heads in saved frames (turning it off is a deliberate choice).
        interval_s: Footfall interval length in seconds.
        camera: Camera name in footfall events (default: the file name).
        start: Wall-clock time of the first frame (default: the file's modification time).
        threads: onnxruntime threads.
        attributes: Record each track's dominant clothing colour (``colour`` in tracks.csv).
    """

    model_config = ConfigDict(extra="forbid")
    detector: str = "auto"
    tracker: Literal["bytetrack", "ocsort"] = "bytetrack"
    every: int = Field(1, ge=1, le=100)
    zones: Path | None = None
    line: str | None = None
    conf: float = Field(0.25, gt=0, lt=1)
    max_frames: int | None = Field(None, ge=1)
    save_video: bool = True
    blur: bool = True
    interval_s: float = Field(60.0, gt=0)
    camera: str | None = None
    start: datetime | None = None
    threads: int | None = Field(None, ge=1)
    attributes: bool = False


@dataclass
class AnalysisResult:
    """What ``analyze`` wrote and found."""

    summary: dict[str, Any]
    outputs: dict[str, str] = field(default_factory=dict)
    footfall: list[dict[str, Any]] = field(default_factory=list)
    ingested: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` and the API."""
        return {
            "summary": self.summary,
            "outputs": self.outputs,
            "footfall_events": len(self.footfall),
            "ingested": self.ingested,
        }


def _start_time(uri: str, given: datetime | None) -> datetime:
    if given is not None:
        return given if given.tzinfo else given.replace(tzinfo=UTC)
    path = Path(uri)
    if path.exists():
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return datetime.now(UTC)


def analyze(
    uri: str | Path,
    out_dir: Path,
    options: AnalyzeOptions | None = None,
    *,
    ctx: ServiceContext | None = None,
    detector: Any = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> AnalysisResult:
    """Analyse ``uri`` and write the outputs into ``out_dir``.

    Writes ``annotated.mp4`` (unless ``save_video`` is off), ``counts.csv`` (one row per frame),
    ``heatmap.png``, ``heatmap_grid.csv``, ``tracks.csv`` (lifetimes), ``summary.json`` and
    ``footfall.jsonl``. With ``ctx``, footfall events are imported through the write path as
    source ``cameras``. ``detector`` (any callable image -> Detections) replaces the one
    named in ``options``.

    Raises:
        VisionError: The source, the zone file, the line or the detector is unusable.
    """
    from vantage.solutions.vision.detectors import make_detector
    from vantage.solutions.vision.frames import FrameSource
    from vantage.solutions.vision.pipeline import VisionPipeline
    from vantage.solutions.vision.zones import load_scene, parse_line

    options = options or AnalyzeOptions()
    uri = str(uri)
    scene = load_scene(options.zones)
    if options.line:
        scene = scene.model_copy(update={"lines": [*scene.lines, parse_line(options.line)]})
    source = FrameSource(uri, max_frames=options.max_frames)
    if detector is None:
        detector = make_detector(
            options.detector, conf_threshold=options.conf, threads=options.threads
        )
    pipeline = VisionPipeline(
        detector,
        scene=scene,
        tracker=options.tracker,
        every=options.every,
        fps=source.fps,
        blur=options.blur,
        attributes=options.attributes,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    sink = _Sink(pipeline, out_dir / "annotated.mp4" if options.save_video else None, source.fps)

    def progress(done: int) -> None:
        if on_progress is not None:
            on_progress(done, source.frame_count)

    try:
        report = pipeline.run(source, on_frame=sink.write, on_progress=progress)
    finally:
        sink.close()
    summary = report.summary()
    summary["source"] = Path(uri).name if source.kind != "stream" else "stream"
    summary["detector"] = type(detector).__name__
    summary["every"] = options.every
    outputs = dict(sink.outputs)
    outputs.update(_write_tables(report, out_dir))
    outputs.update(sink.write_heatmap(report, out_dir))
    camera = options.camera or Path(uri).stem or "camera"
    events = footfall_events(
        report, camera=camera, start=_start_time(uri, options.start), interval_s=options.interval_s
    )
    footfall_path = out_dir / "footfall.jsonl"
    footfall_path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    outputs["footfall"] = str(footfall_path)
    summary_path = out_dir / "summary.json"
    outputs["summary"] = str(summary_path)
    summary_path.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    result = AnalysisResult(summary, outputs, events)
    if ctx is not None and events:
        result.ingested = ingest_footfall(ctx, footfall_path)
    return result


class _Sink:
    """Writes annotated frames (blurred) to a video and keeps the last frame for the heatmap."""

    def __init__(self, pipeline: Any, video: Path | None, fps: float) -> None:
        self.pipeline = pipeline
        self.video = video
        self.fps = fps
        self.outputs: dict[str, str] = {}
        self._writer: Any = None
        self._last: Any = None

    def write(self, result: Any) -> None:
        self._last = result
        if self.video is None:
            return
        import cv2

        image = self.pipeline.render(result)
        if self._writer is None:
            height, width = image.shape[:2]
            fourcc = cv2.VideoWriter.fourcc(*"mp4v")
            self._writer = cv2.VideoWriter(str(self.video), fourcc, self.fps, (width, height))
            self.outputs["video"] = str(self.video)
        self._writer.write(image)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()

    def write_heatmap(self, report: Any, out_dir: Path) -> dict[str, str]:
        """The heatmap over the last frame (faces and heads blurred) and its grid counts."""
        import cv2

        if report.heatmap is None:
            return {}
        background = None
        if self._last is not None:
            background = self._last.frame.image
            if self.pipeline.blurrer is not None:
                background = self.pipeline.blurrer(background, self._last.detections)
        heatmap_path = out_dir / "heatmap.png"
        cv2.imwrite(str(heatmap_path), report.heatmap.overlay(background))
        grid_path = out_dir / "heatmap_grid.csv"
        report.heatmap.write_grid_csv(grid_path)
        return {"heatmap": str(heatmap_path), "heatmap_grid": str(grid_path)}


def _write_tables(report: Any, out_dir: Path) -> dict[str, str]:
    counts_path = out_dir / "counts.csv"
    columns: list[str] = []
    for row in report.rows:
        columns += [c for c in row if c not in columns]
    with counts_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or ["frame"])
        writer.writeheader()
        writer.writerows(report.rows)
    tracks_path = out_dir / "tracks.csv"
    with tracks_path.open("w", newline="", encoding="utf-8") as handle:
        fields = ["track_id", "label", "first_s", "last_s", "duration_s", "detections"]
        if any("colour" in row for row in report.tracks):
            fields.append("colour")
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(report.tracks)
    return {"counts": str(counts_path), "tracks": str(tracks_path)}
