"""Attributes of what the pipeline sees: dominant clothing colour and licence-plate text.

Colour: k-means (OpenCV) in Lab on the torso band of a person box, the biggest cluster named
from a small palette. Plates: OpenCV's bundled plate cascade (with a contour and aspect-ratio
fallback) finds candidate regions; any OCR callable reads them. The OCR is passed in, so this
module needs no language model (the services layer wires the document OCR engine in).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from vantage.solutions.vision.errors import VisionError

COLOURS = (
    "black",
    "white",
    "grey",
    "red",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "brown",
)
TORSO = (0.20, 0.55)
TORSO_WIDTH = 0.60

OcrCallable = Callable[[np.ndarray], Sequence[tuple[str, float]]]


def _box_pixels(image: np.ndarray, box: Sequence[float]) -> tuple[int, int, int, int]:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
        shape = getattr(image, "shape", None)
        raise VisionError(
            f"dominant_colour needs a BGR image of shape (height, width, 3); got {shape}.",
            "Pass a colour frame as read by OpenCV.",
        )
    values = [float(v) for v in box] if len(box) == 4 else []
    height, width = image.shape[:2]
    if not values or not all(np.isfinite(values)):
        raise VisionError(
            f"A box must be four finite numbers x_min, y_min, x_max, y_max; got {list(box)}.",
            "Pass the box as (x_min, y_min, x_max, y_max) in pixels.",
        )
    x0, y0, x1, y1 = (round(v) for v in values)
    x0, x1 = max(x0, 0), min(x1, width)
    y0, y1 = max(y0, 0), min(y1, height)
    if x1 - x0 < 2 or y1 - y0 < 4:
        raise VisionError(
            f"Box {list(box)} is empty or outside the {width}x{height} image.",
            "Pass a box with x_max > x_min and y_max > y_min inside the image.",
        )
    return x0, y0, x1, y1


def colour_name(bgr: Sequence[float]) -> str:
    """The palette name of one BGR colour (``black``, ``white``, ``grey``, ``red`` ...)."""
    import cv2

    pixel = np.clip(np.round(np.asarray(bgr, dtype=np.float64)), 0, 255).astype(np.uint8)
    pixel = pixel.reshape(1, 1, 3)
    hue, sat, val = (int(v) for v in cv2.cvtColor(pixel, cv2.COLOR_BGR2HSV)[0, 0])
    if val < 50:
        return "black"
    if sat < 45:
        return "white" if val > 200 else "grey"
    if hue < 8 or hue >= 170:
        return "pink" if sat < 120 and val > 170 else ("brown" if val < 110 else "red")
    if hue < 20:
        return "brown" if val < 160 else "orange"
    if hue < 33:
        return "brown" if val < 110 else "yellow"
    if hue < 85:
        return "green"
    if hue < 130:
        return "blue"
    if hue < 158:
        return "purple"
    return "pink"


def dominant_colour(
    image: np.ndarray, box: Sequence[float], *, clusters: int = 3, seed: int = 0
) -> str:
    """Name the dominant clothing colour of a person box (upper-body band).

    Uses the band from 20% to 55% of the box height and the middle 60% of its width,
    clusters those pixels in Lab with ``cv2.kmeans`` and names the biggest cluster.

    Args:
        image: BGR frame, shape ``(height, width, 3)``.
        box: ``(x_min, y_min, x_max, y_max)`` in pixels.
        clusters: Number of k-means clusters (2 or 3 works well).
        seed: Seed of OpenCV's random generator (k-means initialisation).

    Returns:
        One of :data:`COLOURS`.

    Raises:
        VisionError: The image is not a colour image, or the box is malformed or empty.
    """
    import cv2

    x0, y0, x1, y1 = _box_pixels(image, box)
    h, w = y1 - y0, x1 - x0
    top, bottom = y0 + int(h * TORSO[0]), y0 + max(int(h * TORSO[1]), int(h * TORSO[0]) + 1)
    margin = int(w * (1 - TORSO_WIDTH) / 2)
    patch = np.ascontiguousarray(image[top:bottom, x0 + margin : x1 - margin or x1])
    if patch.size == 0:
        patch = np.ascontiguousarray(image[y0:y1, x0:x1])
    if patch.shape[0] * patch.shape[1] > 4096:
        scale = (4096 / (patch.shape[0] * patch.shape[1])) ** 0.5
        size = (max(1, int(patch.shape[1] * scale)), max(1, int(patch.shape[0] * scale)))
        patch = cv2.resize(patch, size, interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(patch, cv2.COLOR_BGR2LAB).reshape(-1, 3).astype(np.float32)
    k = max(1, min(clusters, len(lab)))
    cv2.setRNGSeed(seed)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    start = np.zeros((len(lab), 1), dtype=np.int32)
    _, labels, centres = cv2.kmeans(lab, k, start, criteria, 3, cv2.KMEANS_PP_CENTERS)
    biggest = int(np.bincount(np.asarray(labels).reshape(-1), minlength=k).argmax())
    centre = np.clip(np.asarray(centres)[biggest], 0, 255).astype(np.uint8).reshape(1, 1, 3)
    bgr = cv2.cvtColor(centre, cv2.COLOR_LAB2BGR)[0, 0]
    return colour_name(bgr.tolist())


@dataclass(frozen=True, slots=True)
class Plate:
    """One plate read from an image.

    Args:
        text: Upper-case letters and digits.
        box: ``(x_min, y_min, x_max, y_max)`` of the plate region in pixels.
        score: OCR confidence.
        method: ``cascade`` or ``contour`` (how the region was found).
    """

    text: str
    box: tuple[int, int, int, int]
    score: float
    method: str


def clean_plate_text(text: str, *, min_len: int = 4, max_len: int = 10) -> str | None:
    """Keep ``A-Z0-9`` (upper-cased); None unless the length is plausible for a plate."""
    cleaned = re.sub(r"[^A-Z0-9]", "", text.upper())
    return cleaned if min_len <= len(cleaned) <= max_len else None


def _cascade_regions(grey: np.ndarray) -> list[tuple[int, int, int, int]]:
    import cv2

    path = cv2.data.haarcascades + "haarcascade_russian_plate_number.xml"  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        return []
    found = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=3, minSize=(40, 12))
    return [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in found]


def _contour_regions(grey: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bright, plate-shaped rectangles (aspect ratio 2-6), largest first."""
    import cv2

    blurred = cv2.GaussianBlur(grey, (5, 5), 0)
    _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    area = grey.shape[0] * grey.shape[1]
    regions = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if h >= 10 and 2.0 <= w / h <= 6.0 and 0.002 * area <= w * h <= 0.6 * area:
            regions.append((x, y, x + w, y + h))
    return sorted(regions, key=lambda r: (r[2] - r[0]) * (r[3] - r[1]), reverse=True)[:5]


class PlateReader:
    """Find licence plates and read them with an injected OCR.

    Args:
        ocr: Callable taking a BGR crop and returning ``(text, score)`` pairs (see
            :func:`vantage.services.vision_attributes.plate_reader` for the document OCR).
        min_len: Shortest plausible plate text.
        max_len: Longest plausible plate text.
        pad: Padding around a found region, as a fraction of its height.
    """

    def __init__(
        self, ocr: OcrCallable, *, min_len: int = 4, max_len: int = 10, pad: float = 0.15
    ) -> None:
        if not callable(ocr):
            raise VisionError(
                f"PlateReader needs a callable OCR; got {type(ocr).__name__}.",
                "Pass a function image -> [(text, score)], e.g. from plate_reader().",
            )
        self.ocr = ocr
        self.min_len = min_len
        self.max_len = max_len
        self.pad = pad

    def locate(self, image: np.ndarray) -> list[tuple[tuple[int, int, int, int], str]]:
        """Candidate plate regions with the method that found them (cascade, then contours)."""
        import cv2

        if not isinstance(image, np.ndarray) or image.ndim not in (2, 3):
            raise VisionError(
                f"PlateReader needs an image array; got {getattr(image, 'shape', image)!r}.",
                "Pass a BGR frame as read by OpenCV.",
            )
        grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        found = [(r, "cascade") for r in _cascade_regions(grey)]
        return found or [(r, "contour") for r in _contour_regions(grey)]

    def read(self, image: np.ndarray) -> list[Plate]:
        """The plates in an image, best score first (regions with no plausible text dropped)."""
        height, width = image.shape[:2]
        plates: dict[str, Plate] = {}
        for (x0, y0, x1, y1), method in self.locate(image):
            pad = int((y1 - y0) * self.pad)
            crop = image[max(y0 - pad, 0) : min(y1 + pad, height), max(x0 - pad, 0) : x1 + pad]
            pieces = [(t, s) for t, s in self.ocr(np.ascontiguousarray(crop)) if t.strip()]
            if not pieces:
                continue
            text = clean_plate_text(
                "".join(t for t, _ in pieces), min_len=self.min_len, max_len=self.max_len
            )
            if text is None:
                continue
            score = float(np.mean([s for _, s in pieces]))
            if text not in plates or plates[text].score < score:
                plates[text] = Plate(text, (x0, y0, min(x1, width), y1), score, method)
        return sorted(plates.values(), key=lambda p: p.score, reverse=True)
