"""OCR engines that turn a receipt image into text lines with boxes.

:class:`RapidOcrEngine` (PP-OCR models run by ONNX Runtime, shipped inside the ``rapidocr``
wheel) is the default; :class:`TesseractEngine` uses the ``tesseract`` program through
``pytesseract`` when both are installed.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from vantage.solutions.nlp.documents.errors import ImageError, ModelNotAvailableError

ImageInput = str | Path | bytes | np.ndarray


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One line of text with its axis-aligned box (pixels) and recognition confidence."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    score: float = 1.0

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        """Box height (a proxy for font size)."""
        return self.y1 - self.y0

    @classmethod
    def from_quad(cls, text: str, points: Sequence[Sequence[float]], score: float = 1.0) -> OcrLine:
        """A line from the four corner points most OCR engines return."""
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        return cls(text.strip(), min(xs), min(ys), max(xs), max(ys), float(score))


class OcrEngine(Protocol):
    """Anything that reads an image into lines."""

    name: str

    def read(self, image: ImageInput) -> list[OcrLine]:
        """The text lines of one image."""
        ...


def load_image(image: ImageInput) -> np.ndarray:
    """Decode a path, encoded bytes or an array into an RGB ``uint8`` array.

    Raises:
        ImageError: The file is missing or is not an image.
    """
    from PIL import Image, UnidentifiedImageError

    if isinstance(image, np.ndarray):
        if image.ndim not in (2, 3):
            raise ImageError(
                f"An image array must have 2 or 3 dimensions, got shape {image.shape}.",
                "Pass an H x W (grey) or H x W x 3 (RGB) array.",
            )
        return np.ascontiguousarray(image.astype(np.uint8))
    label = "uploaded image" if isinstance(image, bytes) else str(image)
    if not isinstance(image, bytes) and not Path(image).is_file():
        raise ImageError(f"Image {label} does not exist.", "Check the path of the receipt image.")
    try:
        source = io.BytesIO(image) if isinstance(image, bytes) else Path(image)
        with Image.open(source) as pil:
            return np.asarray(pil.convert("RGB"))
    except (UnidentifiedImageError, OSError) as exc:
        raise ImageError(
            f"{label} is not a readable image ({exc}).",
            "Send a JPEG, PNG, TIFF or BMP scan or photo of the receipt.",
        ) from exc


class RapidOcrEngine:
    """PP-OCR through RapidOCR (detection, orientation and recognition ONNX models).

    Args:
        params: Extra RapidOCR parameters (for example ``{"Det.box_thresh": 0.5}``).
    """

    name = "rapidocr"

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        self.params = params
        self._engine: Any = None

    def read(self, image: ImageInput) -> list[OcrLine]:
        """The text lines of one image, top to bottom."""
        if self._engine is None:
            from rapidocr import RapidOCR

            self._engine = RapidOCR(params={"Global.log_level": "warning", **(self.params or {})})
        result = self._engine(load_image(image))
        if result.boxes is None or result.txts is None:
            return []
        lines = [
            OcrLine.from_quad(text, box, score)
            for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True)
            if str(text).strip()
        ]
        return sorted(lines, key=lambda line: (line.cy, line.x0))


class TesseractEngine:
    """Tesseract (Debian ``tesseract-ocr``) through ``pytesseract``; words grouped into lines.

    Args:
        lang: Tesseract language code(s).
        config: Extra command-line options (default: automatic page segmentation).
    """

    name = "tesseract"

    def __init__(self, lang: str = "eng", config: str = "--psm 4") -> None:
        self.lang = lang
        self.config = config

    def read(self, image: ImageInput) -> list[OcrLine]:
        """The text lines of one image, top to bottom."""
        if importlib.util.find_spec("pytesseract") is None or shutil.which("tesseract") is None:
            raise ModelNotAvailableError(
                "The tesseract OCR engine is not installed.",
                "Install it (`apt-get install tesseract-ocr tesseract-ocr-eng` and "
                "`pip install pytesseract`) or use the default engine rapidocr.",
            )
        import pytesseract

        data = pytesseract.image_to_data(
            load_image(image), lang=self.lang, config=self.config, output_type="dict"
        )
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, word in enumerate(data["text"]):
            if str(word).strip() and float(data["conf"][i]) >= 0:
                key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
                groups.setdefault(key, []).append(i)
        lines = []
        for idx in groups.values():
            x0 = min(data["left"][i] for i in idx)
            y0 = min(data["top"][i] for i in idx)
            x1 = max(data["left"][i] + data["width"][i] for i in idx)
            y1 = max(data["top"][i] + data["height"][i] for i in idx)
            text = " ".join(str(data["text"][i]).strip() for i in idx)
            score = float(np.mean([float(data["conf"][i]) for i in idx])) / 100
            lines.append(OcrLine(text, x0, y0, x1, y1, score))
        return sorted(lines, key=lambda line: (line.cy, line.x0))


ENGINES = {"rapidocr": RapidOcrEngine, "tesseract": TesseractEngine}


def make_engine(name: str = "rapidocr") -> OcrEngine:
    """An OCR engine by name (``rapidocr`` or ``tesseract``).

    Raises:
        ModelNotAvailableError: The name is unknown.
    """
    if name not in ENGINES:
        raise ModelNotAvailableError(
            f"OCR engine {name!r} is unknown.", f"Use one of: {', '.join(ENGINES)}."
        )
    engine: OcrEngine = ENGINES[name]()
    return engine
