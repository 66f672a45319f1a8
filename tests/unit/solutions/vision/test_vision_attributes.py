"""Clothing colour and licence-plate reading."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vantage.services.vision_attributes import plate_reader, read_plates
from vantage.solutions.vision import BlobDetector, FrameSource, VisionError, VisionPipeline
from vantage.solutions.vision.attributes import (
    PlateReader,
    clean_plate_text,
    colour_name,
    dominant_colour,
)

from .scenes import scene_video

SHIRTS = {
    "red": (0, 0, 230),
    "blue": (220, 40, 0),
    "green": (0, 160, 0),
    "yellow": (0, 230, 240),
    "orange": (0, 140, 255),
    "purple": (128, 0, 128),
    "pink": (203, 192, 255),
    "brown": (19, 69, 139),
    "black": (15, 15, 15),
    "white": (245, 245, 245),
    "grey": (128, 128, 128),
}


def person(shirt: tuple[int, int, int]) -> np.ndarray:
    """A 200x200 green scene with a skin-coloured figure wearing a shirt of one colour."""
    image = np.full((200, 200, 3), (90, 140, 60), np.uint8)
    cv2.rectangle(image, (60, 20), (140, 190), (150, 170, 200), -1)
    cv2.rectangle(image, (60, 50), (140, 130), shirt, -1)
    cv2.rectangle(image, (60, 130), (140, 190), (90, 40, 20), -1)
    return image


@pytest.mark.parametrize("name", sorted(SHIRTS))
def test_dominant_colour_names_the_shirt(name: str) -> None:
    assert dominant_colour(person(SHIRTS[name]), (60, 20, 140, 190)) == name


def test_colour_ignores_background_outside_the_torso_band() -> None:
    image = person(SHIRTS["red"])
    image[:, :70] = (255, 0, 0)
    assert dominant_colour(image, (60.4, 20.0, 140.2, 190.0), clusters=2) == "red"


def test_colour_name_palette() -> None:
    assert colour_name((0, 0, 0)) == "black" and colour_name((255, 255, 255)) == "white"
    assert colour_name((255, 0, 0)) == "blue"


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ((10, 10, 5, 50), "is empty or outside"),
        ((300, 300, 400, 400), "is empty or outside"),
        ((1, 2, 3), "four finite numbers"),
        ((0, 0, float("nan"), 10), "four finite numbers"),
    ],
)
def test_bad_box_is_a_clear_error(box: tuple[float, ...], message: str) -> None:
    with pytest.raises(VisionError, match=message):
        dominant_colour(person(SHIRTS["red"]), box)


def test_grey_image_is_a_clear_error() -> None:
    with pytest.raises(VisionError, match="needs a BGR image"):
        dominant_colour(np.zeros((50, 50), np.uint8), (0, 0, 40, 40))


def test_pipeline_records_track_colours(tmp_path: Path) -> None:
    source = FrameSource(scene_video(tmp_path, frames=12))
    report = VisionPipeline(BlobDetector(), fps=source.fps, attributes=True).run(source)
    # The standing figures wear white; the lying one's box is mostly its (skin-coloured) head.
    assert len(report.tracks) == 3
    assert {t["colour"] for t in report.tracks if t["label"] == "person"} == {"white"}
    plain = VisionPipeline(BlobDetector(), fps=source.fps).run(FrameSource(source.uri))
    assert all("colour" not in t for t in plain.tracks)


def car_with_plate(text: str = "AB12CDE") -> np.ndarray:
    """A grey car body on a grey road with a white plate of black text."""
    image = np.full((240, 400, 3), 110, np.uint8)
    cv2.rectangle(image, (60, 40), (340, 200), (70, 70, 80), -1)
    cv2.rectangle(image, (110, 130), (290, 175), (255, 255, 255), -1)
    cv2.rectangle(image, (110, 130), (290, 175), (0, 0, 0), 2)
    cv2.putText(image, text, (120, 165), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    return image


def test_clean_plate_text() -> None:
    assert clean_plate_text("ab-12 cde") == "AB12CDE"
    assert clean_plate_text("A1") is None and clean_plate_text("X" * 11) is None


def test_plate_reader_with_injected_ocr_uses_fallback_and_filters() -> None:
    crops: list[tuple[int, ...]] = []

    def fake_ocr(crop: np.ndarray) -> list[tuple[str, float]]:
        crops.append(crop.shape)
        return [("ab 12", 0.9), ("cde", 0.7)]

    reader = PlateReader(fake_ocr)
    plain = np.full((120, 300, 3), 60, np.uint8)
    cv2.rectangle(plain, (80, 40), (220, 80), (255, 255, 255), -1)
    regions = reader.locate(plain)
    assert regions and regions[0][1] == "contour"
    x0, y0, x1, y1 = regions[0][0]
    assert abs(x0 - 80) <= 2 and abs(y0 - 40) <= 2 and abs(x1 - 221) <= 2 and abs(y1 - 81) <= 2
    plates = reader.read(plain)
    assert [p.text for p in plates] == ["AB12CDE"] and plates[0].score == pytest.approx(0.8)
    assert crops
    assert PlateReader(lambda crop: [("1", 0.9)]).read(plain) == []


def test_plate_reader_needs_a_callable() -> None:
    with pytest.raises(VisionError, match="needs a callable OCR"):
        PlateReader("rapidocr")  # type: ignore[arg-type]


def test_read_plates_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VisionError, match="does not exist or is not readable"):
        read_plates(tmp_path / "missing.png")


@pytest.mark.slow
def test_reads_a_synthetic_plate_with_rapidocr(tmp_path: Path) -> None:
    image = car_with_plate("AB12CDE")
    plates = plate_reader().read(image)
    assert [p.text for p in plates] == ["AB12CDE"]
    x0, y0, x1, y1 = plates[0].box
    assert x0 <= 115 and y0 <= 135 and x1 >= 285 and y1 >= 170
    path = tmp_path / "car.png"
    cv2.imwrite(str(path), image)
    assert [p.text for p in read_plates(path)] == ["AB12CDE"]
