"""Receipt images drawn at test time (no data files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

RECEIPT_ROWS = [
    ("ACME HARDWARE SDN BHD", None, 34),
    ("12, JALAN MAJU 3, TAMAN JAYA,", None, 24),
    ("81100 JOHOR BAHRU, JOHOR.", None, 24),
    ("TEL: 07-355 2616", None, 24),
    ("DATE: 25/12/2018 10:15", None, 24),
    ("HAMMER 2 X", "19.80", 24),
    ("NAILS BOX", "5.50", 24),
    ("TOTAL", "25.30", 28),
    ("CASH", "50.00", 24),
    ("CHANGE", "24.70", 24),
]


def draw_receipt(rows: list[tuple[str, str | None, int]] = RECEIPT_ROWS) -> np.ndarray:
    """A white receipt with left-aligned text and right-aligned amounts (RGB array)."""
    height = 60 + sum(size + 22 for _, _, size in rows)
    image = Image.new("RGB", (620, height), "white")
    draw = ImageDraw.Draw(image)
    y = 30
    for text, amount, size in rows:
        font = ImageFont.load_default(size=size)
        draw.text((30, y), text, fill="black", font=font)
        if amount:
            width = draw.textlength(amount, font=font)
            draw.text((590 - width, y), amount, fill="black", font=font)
        y += size + 22
    return np.asarray(image)


@pytest.fixture(scope="session")
def receipt_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample receipt saved as PNG."""
    path = tmp_path_factory.mktemp("receipt") / "receipt.png"
    Image.fromarray(draw_receipt()).save(path)
    return path


@pytest.fixture(scope="session")
def receipt_pixels() -> np.ndarray:
    """The sample receipt as an RGB array."""
    return draw_receipt()
