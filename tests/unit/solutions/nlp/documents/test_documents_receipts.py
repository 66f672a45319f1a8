"""Key fields from OCR lines: layout extractor, regex baseline, accuracy, real OCR."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vantage.solutions.nlp.documents import (
    ImageError,
    ModelNotAvailableError,
    OcrLine,
    RapidOcrEngine,
    Receipt,
    ReceiptExtractor,
    RegexReceiptExtractor,
    TesseractEngine,
    field_accuracy,
    load_image,
    make_engine,
)


def line(text: str, x: float, y: float, width: float = 200, height: float = 20) -> OcrLine:
    return OcrLine(text, x, y, x + width, y + height)


# A receipt like SROIE's: a person's name above the company, a registration number,
# a rounding line and payment lines that must not be taken for the total.
SROIE_LIKE = [
    line("TAN WOON YANN", 70, 25, 250, 39),
    line("BOOK TA .K(TAMAN DAYA) SDN BHD", 50, 82, 390, 39),
    line("789417-W", 205, 121, 80),
    line("NO.53 55,57 & 59, JALAN SAGU 18,", 110, 144, 270),
    line("TAMAN DAYA,", 192, 169, 107),
    line("81100 JOHOR BAHRU,", 162, 193, 172),
    line("JOHOR.", 217, 216, 58),
    line("DOCUMENT NO : TD01167104", 50, 342),
    line("DATE:", 50, 372, 46),
    line("25/12/2018 8:13:39 PM", 165, 372, 177),
    line("KF MODELLING CLAY KIDDY FISH", 159, 570, 237),
    line("1 PC * 9.000 0.00", 77, 598, 232),
    line("9.00", 411, 598, 32),
    line("TOTAL:", 245, 639, 48),
    line("9.20", 401, 639, 42),
    line("ROUNDING ADJUSTMENT:", 118, 671, 173),
    line("-0.20", 400, 671, 43),
    line("CASH", 205, 744, 38),
    line("10.00", 402, 744, 39),
    line("CHANGE", 205, 770, 66),
    line("0.80", 412, 770, 31),
]


def test_layout_extractor_reads_every_field() -> None:
    receipt = ReceiptExtractor().extract(SROIE_LIKE)
    assert receipt.company == "BOOK TA .K(TAMAN DAYA) SDN BHD"
    assert (
        receipt.address == "NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR."
    )
    assert (receipt.date, receipt.date_iso) == ("25/12/2018", "2018-12-25")
    assert (receipt.total, receipt.total_value) == ("9.00", 9.0)
    assert [(i.name, i.amount, i.quantity) for i in receipt.items] == [
        ("KF MODELLING CLAY KIDDY FISH", 9.0, 1)
    ]


def test_regex_baseline_misses_what_needs_layout() -> None:
    receipt = RegexReceiptExtractor().extract(SROIE_LIKE)
    assert receipt.company == "TAN WOON YANN"
    assert receipt.total_value == 10.0  # the largest amount is the cash handed over
    assert receipt.date == "25/12/2018"


def test_field_accuracy_and_space_insensitive_matching() -> None:
    truth = {
        "company": "BOOK TA .K (TAMAN DAYA) SDN BHD",
        "address": "NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR.",
        "date": "25/12/2018",
        "total": "9.00",
    }
    layout = ReceiptExtractor().transform([SROIE_LIKE])
    regex = RegexReceiptExtractor().transform([SROIE_LIKE])
    assert field_accuracy(layout, [truth]) == {
        "company": 1.0, "address": 1.0, "date": 1.0, "total": 1.0, "mean": 1.0
    }  # fmt: skip
    assert field_accuracy(regex, [truth])["mean"] == 0.25
    with pytest.raises(ValueError, match="1 predictions for 2 receipts"):
        field_accuracy(layout, [truth, truth])


def test_empty_receipt_has_no_fields() -> None:
    assert ReceiptExtractor().extract([]) == Receipt()
    assert Receipt(company="A", text="A").to_dict()["company"] == "A"
    assert "text" in Receipt().to_dict(with_text=True)


def test_fallback_total_is_the_largest_non_payment_amount() -> None:
    lines = [line("SHOP SDN BHD", 10, 10), line("ITEM A 3.50", 10, 60), line("ITEM B 4.25", 10, 90)]
    lines.append(line("CASH 20.00", 10, 120))
    assert ReceiptExtractor().extract(lines).total_value == 4.25


def test_bad_images_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match=r"does not exist\."):
        load_image(tmp_path / "missing.png")
    (tmp_path / "notes.png").write_text("not an image")
    with pytest.raises(ImageError, match="is not a readable image"):
        load_image(tmp_path / "notes.png")
    with pytest.raises(ImageError, match="must have 2 or 3 dimensions"):
        load_image(np.zeros((1, 2, 3, 4)))


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ModelNotAvailableError, match="OCR engine 'easyocr' is unknown"):
        make_engine("easyocr")


def test_tesseract_engine_reports_when_missing(
    receipt_pixels: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda _name: None)
    with pytest.raises(ModelNotAvailableError, match="tesseract OCR engine is not installed"):
        TesseractEngine().read(receipt_pixels)


@pytest.mark.slow
def test_rapidocr_reads_a_drawn_receipt_end_to_end(receipt_image: Path) -> None:
    lines = RapidOcrEngine().read(receipt_image)
    receipt = ReceiptExtractor().extract(lines)
    assert receipt.company == "ACME HARDWARE SDN BHD"
    assert receipt.address == "12, JALAN MAJU 3, TAMAN JAYA, 81100 JOHOR BAHRU, JOHOR."
    assert receipt.date_iso == "2018-12-25"
    assert receipt.total_value == 25.30
    assert [(i.name, i.amount, i.quantity) for i in receipt.items] == [
        ("HAMMER", 19.8, 2),
        ("NAILS BOX", 5.5, None),
    ]


@pytest.mark.slow
def test_tesseract_reads_a_drawn_receipt_when_installed(receipt_pixels: np.ndarray) -> None:
    import importlib.util
    import shutil

    if shutil.which("tesseract") is None or importlib.util.find_spec("pytesseract") is None:
        pytest.skip("tesseract-ocr (Debian) and pytesseract are not installed")
    lines = make_engine("tesseract").read(receipt_pixels)
    receipt = ReceiptExtractor().extract(lines)
    assert receipt.total_value == 25.30
    assert receipt.date_iso == "2018-12-25"
