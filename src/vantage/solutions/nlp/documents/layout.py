"""Reading order for OCR lines: group boxes into visual rows, left to right."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from vantage.solutions.nlp.documents.ocr import OcrLine


@dataclass(frozen=True, slots=True)
class Row:
    """Boxes sharing one baseline, left to right (a printed line of the receipt)."""

    lines: tuple[OcrLine, ...]

    @property
    def text(self) -> str:
        """The row's text, boxes joined by a space."""
        return " ".join(line.text for line in self.lines)

    @property
    def top(self) -> float:
        """Top edge."""
        return min(line.y0 for line in self.lines)

    @property
    def height(self) -> float:
        """Tallest box (font size proxy)."""
        return max(line.height for line in self.lines)

    def right_of(self, x: float) -> str:
        """Text of the boxes starting right of ``x``."""
        return " ".join(line.text for line in self.lines if line.x0 >= x)


def group_rows(lines: Iterable[OcrLine], overlap: float = 0.5) -> list[Row]:
    """Group lines whose vertical extents overlap by at least ``overlap`` of the smaller height.

    Args:
        lines: OCR lines in any order.
        overlap: Fraction of the smaller box height two boxes must share to be one row.

    Returns:
        Rows top to bottom, each with its boxes left to right.
    """
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda item: (item.cy, item.x0)):
        if rows:
            last = rows[-1]
            ref = min(last, key=lambda item: abs(item.cy - line.cy))
            shared = min(ref.y1, line.y1) - max(ref.y0, line.y0)
            smaller = max(min(ref.height, line.height), 1.0)
            if shared / smaller >= overlap:
                last.append(line)
                continue
        rows.append([line])
    return [Row(tuple(sorted(row, key=lambda item: item.x0))) for row in rows]


def letters(text: str) -> str:
    """Upper-case letters and digits only (for keyword matching robust to OCR punctuation)."""
    return re.sub(r"[^A-Z0-9 ]+", " ", text.upper())


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(letters(text).split())


def fuzzy_contains(text: str, keyword: str, threshold: float = 0.8) -> bool:
    """Whether ``keyword`` (one or more words) appears in ``text``, allowing OCR slips.

    Compares the keyword with every window of about as many words in the text
    (SequenceMatcher ratio >= ``threshold``), so ``TOTAI`` matches ``TOTAL`` and
    ``ROUNDED TOTAL`` matches ``ROUND D TOTAL``.
    """
    words = _words(text)
    target = _words(keyword)
    if not target or not words:
        return False
    joined = " ".join(target)
    if f" {joined} " in f" {' '.join(words)} ":
        return True
    matcher: SequenceMatcher[str] | None = None
    for size in {len(target), len(target) + 1, max(len(target) - 1, 1)}:
        for i in range(max(len(words) - size + 1, 0)):
            window = " ".join(words[i : i + size])
            shorter, longer = sorted((len(window), len(joined)))
            if 2 * shorter / (shorter + longer) < threshold:
                continue
            if matcher is None:
                matcher = SequenceMatcher(None, autojunk=False)
                matcher.set_seq2(joined)
            matcher.set_seq1(window)
            if matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold:
                return True
    return False


def first_matching(rows: Sequence[Row], keywords: Sequence[str]) -> int | None:
    """Index of the first row containing any keyword (fuzzily), or None."""
    for index, row in enumerate(rows):
        if any(fuzzy_contains(row.text, keyword) for keyword in keywords):
            return index
    return None
