"""``vantage vision``: analyse videos, folders of frames, images and streams; action models."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table

app = typer.Typer(
    help="Computer vision: people counts, line crossings, zones, queues, heatmaps, actions.",
    no_args_is_help=True,
)
actions_app = typer.Typer(
    help="Action recognition on skeleton sequences (MSR Action3D).", no_args_is_help=True
)
app.add_typer(actions_app, name="actions")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command("analyze")
@friendly_errors
def analyze_command(
    source: Annotated[
        str, typer.Argument(help="Video file, folder of frames, image, or stream URL (rtsp://).")
    ],
    zones: Annotated[
        Path | None, typer.Option(help="YAML file of zones (polygons) and counting lines.")
    ] = None,
    line: Annotated[
        str | None, typer.Option(help="A counting line x1,y1,x2,y2 in pixels (left->right = in).")
    ] = None,
    detector: Annotated[
        str,
        typer.Option(
            help="auto (offline ONNX person model if installed, else HOG), onnx, hog, "
            "ultralytics:MODEL, or a YOLOv8/YOLO11 .onnx / .pt file."
        ),
    ] = "auto",
    tracker: Annotated[str, typer.Option(help="bytetrack or ocsort.")] = "bytetrack",
    every: Annotated[
        int, typer.Option(min=1, help="Detect on every k-th frame; track in between.")
    ] = 1,
    out: Annotated[Path, typer.Option(help="Folder for the outputs.")] = Path("vision-out"),
    max_frames: Annotated[int | None, typer.Option(min=1, help="Stop after N frames.")] = None,
    interval: Annotated[float, typer.Option(help="Footfall interval in seconds.")] = 60.0,
    camera: Annotated[str | None, typer.Option(help="Camera name (default: file name).")] = None,
    start: Annotated[
        datetime | None, typer.Option(help="Wall-clock time of the first frame (ISO).")
    ] = None,
    no_video: Annotated[bool, typer.Option("--no-video", help="Skip the annotated video.")] = False,
    attributes: Annotated[
        bool, typer.Option("--attributes", help="Record each track's dominant clothing colour.")
    ] = False,
    ingest: Annotated[
        bool, typer.Option("--ingest", help="Import footfall events into the workspace.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Count people, line crossings, zone occupancy, dwell and queues in a video.

    Writes an annotated video (faces and heads blurred), counts.csv, heatmap.png,
    heatmap_grid.csv, tracks.csv, summary.json and footfall.jsonl into --out.
    """
    from vantage.cli.progress import progress_bar
    from vantage.services import vision as vision_service
    from vantage.services.context import ServiceContext

    if tracker not in ("bytetrack", "ocsort"):
        from vantage.solutions.vision.errors import VisionError

        raise VisionError(f"Unknown tracker {tracker!r}.", "Use --tracker bytetrack or ocsort.")
    options = vision_service.AnalyzeOptions(
        detector=detector,
        tracker=tracker,  # type: ignore[arg-type,unused-ignore]
        every=every,
        zones=zones,
        line=line,
        max_frames=max_frames,
        save_video=not no_video,
        attributes=attributes,
        interval_s=interval,
        camera=camera,
        start=start,
    )
    ctx = ServiceContext() if ingest else None
    if ctx is not None:
        ctx.workspace.init()
    with progress_bar("Analysing frames", quiet=quiet or as_json) as on_progress:
        result = vision_service.analyze(source, out, options, ctx=ctx, on_progress=on_progress)
    if as_json:
        print_json(result.as_dict())
        return
    summary = result.summary
    people = summary["people"]
    console().print(
        f"{summary['frames']:,} frames ({summary['duration_s']:.1f} s) at "
        f"{summary['processing_fps']} fps: {people['unique_tracks']} tracks, "
        f"{people['mean_per_frame']:.2f} people per frame on average, "
        f"{people['max_per_frame']} at most."
    )
    if summary["lines"]:
        print_table(
            "Line crossings",
            ["line", "in", "out"],
            ((name, c["in"], c["out"]) for name, c in summary["lines"].items()),
        )
    if summary["zones"]:
        print_table(
            "Zones",
            ["zone", "entries", "max occupancy", "mean dwell s", "queue", "est. wait s"],
            (
                (
                    n,
                    z["entries"],
                    z["max_occupancy"],
                    z["mean_dwell_s"],
                    z.get("queue_length", ""),
                    z.get("estimated_wait_s", ""),
                )
                for n, z in summary["zones"].items()
            ),
        )
    print_table("Outputs", ["output", "path"], sorted(result.outputs.items()))
    if result.ingested is not None:
        done = result.ingested
        console().print(
            f"Footfall events: {done['stored']} stored, {done['duplicates']} already there, "
            f"{done['rejected']} rejected (source {done['source']!r})."
        )


def _msr_folder(folder: Path | None) -> Path:
    if folder is not None:
        return folder
    from vantage.datasets import registry

    return Path(registry.fetch("msr_action3d"))


@actions_app.command("evaluate")
@friendly_errors
def actions_evaluate_command(
    folder: Annotated[
        Path | None, typer.Option(help="MSR Action3D folder (default: from the data registry).")
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, help="LSTM training epochs.")] = 120,
    as_json: JsonOption = False,
) -> None:
    """Train the LSTM and the baseline on odd subjects, report accuracy on even subjects."""
    from vantage.services.vision_actions import evaluate_actions

    result = evaluate_actions(_msr_folder(folder), epochs=epochs)
    if as_json:
        print_json(result)
        return
    print_table(
        "MSR Action3D, cross-subject accuracy",
        ["model", "accuracy", "train s"],
        ((r["model"], f"{r['accuracy']:.3f}", f"{r['train_s']:.1f}") for r in result["models"]),
    )


@actions_app.command("train")
@friendly_errors
def actions_train_command(
    model_path: Annotated[Path, typer.Argument(help="Where to save the trained LSTM (.pt).")],
    folder: Annotated[
        Path | None, typer.Option(help="MSR Action3D folder (default: from the data registry).")
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, help="Training epochs.")] = 120,
    as_json: JsonOption = False,
) -> None:
    """Train the LSTM on all training subjects and save it."""
    from vantage.services.vision_actions import train_actions

    result = train_actions(_msr_folder(folder), model_path, epochs=epochs)
    if as_json:
        print_json(result)
        return
    console().print(
        f"Saved {result['path']} ({result['sequences']} sequences, {result['train_s']:.1f} s)."
    )


def register(root: typer.Typer) -> None:
    """Add ``vantage vision`` to the root ``vantage`` app.

    Args:
        root: The root Typer application.
    """
    root.add_typer(app, name="vision")
