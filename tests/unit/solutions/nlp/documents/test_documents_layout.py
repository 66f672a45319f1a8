"""Rows from OCR boxes and fuzzy keyword matching."""

from __future__ import annotations

from vantage.solutions.nlp.documents.layout import first_matching, fuzzy_contains, group_rows
from vantage.solutions.nlp.documents.ocr import OcrLine


def test_boxes_on_one_baseline_form_a_row_left_to_right() -> None:
    lines = [
        OcrLine("9.00", 400, 101, 440, 119),
        OcrLine("TOTAL:", 40, 100, 120, 120),
        OcrLine("CASH", 40, 140, 100, 160),
    ]
    rows = group_rows(lines)
    assert [row.text for row in rows] == ["TOTAL: 9.00", "CASH"]
    assert rows[0].right_of(200) == "9.00"


def test_from_quad_takes_the_bounding_box() -> None:
    line = OcrLine.from_quad(" A ", [(10, 5), (50, 7), (49, 30), (9, 28)], 0.5)
    assert (line.text, line.x0, line.y0, line.x1, line.y1) == ("A", 9, 5, 50, 30)


def test_fuzzy_keywords_tolerate_ocr_slips() -> None:
    assert fuzzy_contains("ROUND D TOTAL (RM):", "ROUNDED TOTAL")
    assert fuzzy_contains("TOTAI 12.00", "TOTAL")
    assert not fuzzy_contains("SUBTOTAL 12.00", "CASH")
    rows = group_rows([OcrLine("x", 0, 0, 5, 5), OcrLine("Date: 1/2/2019", 0, 20, 50, 25)])
    assert first_matching(rows, ("DATE",)) == 1
