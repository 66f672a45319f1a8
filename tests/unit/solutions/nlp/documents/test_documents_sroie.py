"""Regression guard on SROIE's own text boxes (no OCR): layout extractor beats the baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.datasets import load
from vantage.solutions.nlp.documents import (
    OcrLine,
    ReceiptExtractor,
    RegexReceiptExtractor,
    field_accuracy,
)

pytestmark = pytest.mark.shared_data


def test_key_fields_on_sroie_text_boxes(data_mirror: Path) -> None:
    keys = load("receipts_sroie", "receipts", mirror=data_mirror)
    boxes = load("receipts_sroie", "boxes", mirror=data_mirror)
    lines = {
        receipt: [
            OcrLine.from_quad(str(t.text), [(t.x1, t.y1), (t.x2, t.y2), (t.x3, t.y3), (t.x4, t.y4)])
            for t in group.itertuples()
        ]
        for receipt, group in boxes.groupby("receipt")
    }
    inputs = [lines[r] for r in keys["receipt"]]
    expected = keys.to_dict("records")
    layout = field_accuracy(ReceiptExtractor().transform(inputs), expected)
    regex = field_accuracy(RegexReceiptExtractor().transform(inputs), expected)
    assert layout["mean"] >= 0.8
    assert layout["total"] >= 0.9
    assert layout["mean"] > regex["mean"] + 0.2
