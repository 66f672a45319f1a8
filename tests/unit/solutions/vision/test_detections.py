"""The Detections container."""

from __future__ import annotations

import numpy as np
import pytest

from vantage.solutions.vision import Detections, VisionError


def sample() -> Detections:
    return Detections(
        [[0, 0, 10, 20], [5, 5, 25, 15], [1, 1, 2, 2]],
        [0.9, 0.8, 0.3],
        [0, 1, 2],
        class_names=["Normal", "Fall", "car"],
    )


def test_masks_labels_and_anchors() -> None:
    found = sample()
    assert len(found) == 3 and found.tracker_id.tolist() == [-1, -1, -1]
    assert found.labels() == ["Normal", "Fall", "car"]
    assert found.is_person().tolist() == [True, True, False]
    assert found.is_fallen().tolist() == [False, True, False]
    assert found.anchors().tolist() == [[5.0, 20.0], [15.0, 15.0], [1.5, 2.0]]
    assert found.filter_classes(["CAR"]).labels() == ["car"]
    assert len(found[found.confidence > 0.5]) == 2


def test_round_trip_through_supervision() -> None:
    back = Detections.from_supervision(sample().to_supervision(), ["a", "b", "c"])
    np.testing.assert_allclose(back.xyxy, sample().xyxy)
    assert back.class_id.tolist() == [0, 1, 2] and back.labels() == ["a", "b", "c"]


def test_unequal_lengths_are_refused() -> None:
    with pytest.raises(VisionError, match="one confidence, class_id and tracker_id per box"):
        Detections([[0, 0, 1, 1]], [0.5, 0.6], [0])


def test_empty() -> None:
    assert len(Detections.empty(["person"])) == 0
    assert Detections.empty().anchors().shape == (0, 2)
