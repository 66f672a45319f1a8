"""Detector factory, HOG fallback and the optional Ultralytics backend."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from vantage.solutions.vision import HogPeopleDetector, VisionError, make_detector


def test_hog_returns_person_boxes_inside_the_image() -> None:
    image = np.random.default_rng(0).integers(0, 255, (200, 160, 3), dtype=np.uint8)
    found = HogPeopleDetector()(image)
    assert found.class_names == ["person"]
    assert ((found.confidence > 0) & (found.confidence <= 1)).all()


def test_factory_names() -> None:
    assert isinstance(make_detector("hog"), HogPeopleDetector)
    with pytest.raises(VisionError, match="Unknown detector 'yolo'"):
        make_detector("yolo")


@pytest.mark.skipif(importlib.util.find_spec("ultralytics") is not None, reason="installed")
def test_ultralytics_backend_says_how_to_install() -> None:
    with pytest.raises(VisionError, match="needs the `ultralytics` package"):
        make_detector("ultralytics:yolo11n.pt")
