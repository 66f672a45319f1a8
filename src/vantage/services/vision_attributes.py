"""Wire the document OCR (language module) into the vision plate reader.

The vision and language solution packages stay independent; this services module joins them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from vantage.solutions.vision.attributes import Plate, PlateReader


def ocr_callable(engine: str = "rapidocr") -> Any:
    """A ``BGR crop -> [(text, score)]`` function backed by a document OCR engine.

    Args:
        engine: ``rapidocr`` (offline, default) or ``tesseract``.

    Raises:
        ModelNotAvailableError: The engine name is unknown.
    """
    import cv2

    from vantage.solutions.nlp.documents.ocr import make_engine

    reader = make_engine(engine)

    def read(crop: np.ndarray) -> Sequence[tuple[str, float]]:
        rgb = cv2.cvtColor(crop, cv2.COLOR_BGR2RGB) if crop.ndim == 3 else crop
        return [(line.text, line.score) for line in reader.read(rgb)]

    return read


def plate_reader(engine: str = "rapidocr", **options: Any) -> PlateReader:
    """A :class:`~vantage.solutions.vision.attributes.PlateReader` using the document OCR.

    Args:
        engine: OCR engine name (see :func:`ocr_callable`).
        **options: Other ``PlateReader`` arguments (``min_len``, ``max_len``, ``pad``).
    """
    from vantage.solutions.vision.attributes import PlateReader

    return PlateReader(ocr_callable(engine), **options)


def read_plates(image: np.ndarray | str | Path, engine: str = "rapidocr") -> list[Plate]:
    """Read the licence plates of one BGR image or image file.

    Raises:
        VisionError: The file is missing or not an image.
    """
    import cv2

    from vantage.solutions.vision.errors import VisionError

    if not hasattr(image, "shape"):
        path = Path(str(image))
        frame = cv2.imread(str(path)) if path.is_file() else None
        if frame is None:
            raise VisionError(
                f"Image {path} does not exist or is not readable.",
                "Pass the path of a JPEG or PNG photo.",
            )
        image = frame
    assert not isinstance(image, str | Path)
    return plate_reader(engine).read(image)
