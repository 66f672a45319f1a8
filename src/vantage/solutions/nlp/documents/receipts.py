"""Key fields of a receipt (company, address, date, total, line items) from OCR lines.

:class:`ReceiptExtractor` uses the layout: lines are grouped into printed rows; the company is
the most company-like row near the top (legal suffixes, large print, capitals); the address is
the block of address-like rows under it; the total is the amount on the row of the strongest
"total" keyword (matched fuzzily, so OCR slips such as ``TOTAI`` still count), and the date the
first valid date, preferring a row labelled ``DATE``. :class:`RegexReceiptExtractor` is the
baseline it is measured against: the same patterns over plain text, without layout.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from vantage.solutions.nlp.documents.fields import find_amounts, find_date
from vantage.solutions.nlp.documents.items import LineItem, extract_items
from vantage.solutions.nlp.documents.layout import Row, first_matching, fuzzy_contains, group_rows
from vantage.solutions.nlp.documents.ocr import OcrLine

COMPANY_WORDS = (
    "SDN BHD", "BHD", "ENTERPRISE", "TRADING", "RESTAURANT", "RESTORAN", "LTD", "LIMITED",
    "INC", "LLC", "PLC", "GMBH", "COMPANY", "CO", "STORE", "MART", "SUPERMARKET", "HARDWARE",
    "BOOKSTORE", "CAFE", "KEDAI", "STATIONERY", "PHARMACY", "BAKERY", "MARKET", "SHOP",
)  # fmt: skip
ADDRESS_WORDS = (
    "JALAN", "JLN", "TAMAN", "LOT", "NO", "ROAD", "STREET", "AVENUE", "LANE", "FLOOR", "BLOCK",
    "KAWASAN", "BANDAR", "PERSIARAN", "LORONG", "SELANGOR", "JOHOR", "KUALA", "LUMPUR",
    "SUITE", "UNIT", "PLAZA", "MALL", "CENTRE", "CENTER",
)  # fmt: skip
STOP_WORDS = (
    "TEL", "FAX", "PHONE", "GST", "INVOICE", "RECEIPT", "EMAIL", "DOCUMENT", "CASHIER",
    "DATE", "WWW", "HTTP", "REG", "BILL", "TABLE", "ORDER", "SST", "TELEPHONE", "COMPANY NO",
)  # fmt: skip
TOTAL_KEYWORDS = (
    ("ROUNDED TOTAL", 6), ("ROUND TOTAL", 6), ("TOTAL ROUNDED", 6), ("GRAND TOTAL", 6),
    ("TOTAL AMOUNT", 5), ("TOTAL SALES", 4), ("TOTAL PAYABLE", 5),
    ("NETT TOTAL", 5), ("NET TOTAL", 5), ("AMOUNT DUE", 5), ("TOTAL RM", 4),
    ("TOTAL INCLUSIVE", 4), ("TOTAL", 3), ("AMOUNT", 1),
)  # fmt: skip
NOT_TOTAL = (
    "SUBTOTAL", "SUB TOTAL", "TOTAL QTY", "TOTAL QUANTITY", "TOTAL ITEM", "TOTAL DISCOUNT",
    "TOTAL GST", "TOTAL TAX", "TOTAL EXCL", "TOTAL SAVING", "EXCLUDING GST", "TOTAL ITEMS",
    "TOTAL INCLUDES", "GST SUMMARY", "ROUNDING", "INCLUDED", "SUMMARY",
)  # fmt: skip
PAYMENT_WORDS = ("CASH", "CHANGE", "TENDER", "VISA", "MASTER", "CARD", "PAID")


@dataclass
class Receipt:
    """Fields extracted from one receipt; a field is None when it was not found."""

    company: str | None = None
    address: str | None = None
    date: str | None = None
    date_iso: str | None = None
    total: str | None = None
    total_value: float | None = None
    items: list[LineItem] = field(default_factory=list)
    text: str = ""

    def to_dict(self, *, with_text: bool = False) -> dict[str, Any]:
        """Plain data (``text``, the full OCR text, only when asked)."""
        out = asdict(self)
        out["items"] = [item.to_dict() for item in self.items]
        if not with_text:
            out.pop("text")
        return out


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _has_any(text: str, words: Iterable[str], threshold: float = 0.85) -> bool:
    return any(fuzzy_contains(text, word, threshold) for word in words)


class ReceiptExtractor:
    """Layout-aware key-field extraction over OCR lines.

    Args:
        header_fraction: Share of the rows (from the top) searched for company and address.
        max_address_rows: Most rows an address may span.
        keyword_threshold: Similarity (0-1) at which an OCR word counts as a keyword.
    """

    def __init__(
        self,
        header_fraction: float = 0.4,
        max_address_rows: int = 5,
        keyword_threshold: float = 0.8,
    ) -> None:
        self.header_fraction = header_fraction
        self.max_address_rows = max_address_rows
        self.keyword_threshold = keyword_threshold

    def extract(self, lines: Sequence[OcrLine]) -> Receipt:
        """The key fields of one receipt."""
        rows = group_rows(lines)
        receipt = Receipt(text="\n".join(row.text for row in rows))
        if not rows:
            return receipt
        header = max(3, round(len(rows) * self.header_fraction))
        company_at = self._company(rows[:header])
        if company_at is not None:
            first, last = company_at
            company = " ".join(row.text for row in rows[first : last + 1])
            receipt.company = _REGISTRATION_TAIL.sub("", company).strip() or company
            receipt.address = self._address(rows, last + 1, header)
        found = self._date(rows)
        if found is not None:
            receipt.date, receipt.date_iso = found[0], _iso(found[1])
        total_at = self._total(rows)
        if total_at is not None:
            index, receipt.total, receipt.total_value = total_at
            start = (company_at[1] + 1) if company_at else 0
            receipt.items = extract_items(rows, start, index)
        return receipt

    def transform(self, X: Iterable[Sequence[OcrLine]]) -> list[Receipt]:  # noqa: N803
        """Fields of each receipt."""
        return [self.extract(lines) for lines in X]

    def _company(self, rows: Sequence[Row]) -> tuple[int, int] | None:
        heights = [row.height for row in rows]
        median = statistics.median(heights) if heights else 1.0
        best, best_score = None, 0.0
        for index, row in enumerate(rows):
            text = row.text
            n_alpha = sum(ch.isalpha() for ch in text)
            if n_alpha < 3 or find_date(text) or _has_any(text, STOP_WORDS, 0.9):
                continue
            score = 1.0 - index / (len(rows) + 1)
            if _is_registration(text):
                continue
            if _has_any(text, COMPANY_WORDS, 0.85):
                score += 3.0
            elif _has_any(text, ADDRESS_WORDS, 0.9) or re.search(r"\b\d{5}\b", text):
                score -= 2.0
            score += min(row.height / max(median, 1.0), 2.0) - 1.0
            score += n_alpha / max(len(text.replace(" ", "")), 1) - 0.5
            if score > best_score:
                best, best_score = index, score
        if best is None:
            return None
        last = best
        if best > 0 and _is_suffix_only(rows[best].text):
            best -= 1
        while last + 1 < len(rows) and (
            _is_suffix_only(rows[last + 1].text) or _continues(rows[last].text)
        ):
            last += 1
        return best, last

    def _address(self, rows: Sequence[Row], start: int, header: int) -> str | None:
        parts: list[str] = []
        for row in rows[start : max(header, start + self.max_address_rows + 2)]:
            text = row.text
            other = (
                _is_registration(text)
                or _has_any(text, STOP_WORDS, 0.9)
                or bool(find_date(text) or find_amounts(text) or _PHONE.search(text))
            )
            if not parts:
                if not other and _looks_like_address(text):
                    parts.append(text)
                continue
            if other:
                break
            parts.append(text)
            if len(parts) >= self.max_address_rows:
                break
        return " ".join(parts) if parts else None

    def _date(self, rows: Sequence[Row]) -> tuple[str, date | None] | None:
        labelled = first_matching(rows, ("DATE",))
        order = list(range(len(rows)))
        if labelled is not None:
            order = [labelled, labelled + 1, *order]
        for index in order:
            if index < len(rows) and (found := find_date(rows[index].text)) is not None:
                return found
        return None

    def _total(self, rows: Sequence[Row]) -> tuple[int, str, float] | None:
        best: tuple[int, int, str, float] | None = None
        for index, row in enumerate(rows):
            text = row.text
            if _has_any(text, NOT_TOTAL, 0.9) or _has_any(text, PAYMENT_WORDS, 0.9):
                continue
            weight = max(
                (
                    w
                    for word, w in TOTAL_KEYWORDS
                    if fuzzy_contains(text, word, self.keyword_threshold)
                ),
                default=0,
            )
            if not weight:
                continue
            amounts = [a for a in find_amounts(text) if a[1] > 0]
            if not amounts and index + 1 < len(rows):
                amounts = [a for a in find_amounts(rows[index + 1].text) if a[1] > 0]
            if amounts and (best is None or weight > best[0]):
                best = (weight, index, *amounts[-1])
        if best is not None:
            return self._rounded(rows, best[1], best[2], best[3])
        candidates = [
            (value, index, printed)
            for index, row in enumerate(rows)
            if not _has_any(row.text, PAYMENT_WORDS, 0.9)
            for printed, value in find_amounts(row.text)
        ]
        if not candidates:
            return None
        value, index, printed = max(candidates)
        return index, printed, value

    def _rounded(
        self, rows: Sequence[Row], index: int, printed: str, value: float
    ) -> tuple[int, str, float]:
        """Apply a rounding adjustment printed just under the total (``ROUNDING ADJ -0.01``)."""
        adjustment = _rounding_after(rows, index)
        if not adjustment:
            return index, printed, value
        rounded = round(value + adjustment, 2)
        return index, f"{rounded:.2f}", rounded


_REGISTRATION_TAIL = re.compile(
    r"\s*\((?:CO\.?\s*(?:REG\.?|NO\.?)\s*:?\s*)?[A-Z]{0,3}\d{4,}-?[A-Z]?\)\s*$", re.I
)


_PHONE = re.compile(r"(?<!\d)\(?0\d{1,2}\)?[- ]?\d{3,4}[- ]?\d{3,4}(?!\d)|\bH/?P\b")


def _rounding_after(rows: Sequence[Row], index: int) -> float | None:
    for row in rows[index + 1 : index + 3]:
        if fuzzy_contains(row.text, "ROUNDING", 0.8) or fuzzy_contains(row.text, "ROUND ADJ", 0.8):
            amounts = find_amounts(row.text.replace(" ", ""))
            return amounts[-1][1] * (-1 if "-" in row.text else 1) if amounts else None
    return None


def _continues(text: str) -> bool:
    return bool(re.search(r"[&(,-]\s*$", text)) or text.count("(") > text.count(")")


def _is_suffix_only(text: str) -> bool:
    words = re.sub(r"[^A-Z ]", "", text.upper()).split()
    suffixes = {"SDN", "BHD", "LTD", "INC", "PLC", "SB", "M"}
    return 0 < len(words) <= 3 and all(w in suffixes for w in words)


def _is_registration(text: str) -> bool:
    compact = text.replace(" ", "").upper()
    if re.fullmatch(r"\(?[A-Z]{0,3}\d{4,}-?[A-Z]?\)?\.?", compact):
        return True
    words = re.sub(r"[^A-Z ]", " ", text.upper()).split()
    return bool(re.search(r"\d{5,}-?[A-Z]\b", text.upper())) and len(words) <= 5


def _looks_like_address(text: str) -> bool:
    return _has_any(text, ADDRESS_WORDS, 0.9) or bool(re.search(r"\b\d{5}\b", text))


class RegexReceiptExtractor:
    """Baseline without layout (regular expressions over the plain text).

    The first line is the company, the next two the address, the first date pattern the date
    and the largest amount the total.
    """

    def extract(self, lines: Sequence[OcrLine]) -> Receipt:
        """The key fields of one receipt."""
        texts = [line.text for line in sorted(lines, key=lambda item: (item.y0, item.x0))]
        text = "\n".join(texts)
        receipt = Receipt(text=text)
        if texts:
            receipt.company = texts[0]
            receipt.address = " ".join(texts[1:3]) or None
        found = find_date(text)
        if found is not None:
            receipt.date, receipt.date_iso = found[0], _iso(found[1])
        amounts = find_amounts(text)
        if amounts:
            receipt.total, receipt.total_value = max(amounts, key=lambda pair: pair[1])
        return receipt

    def transform(self, X: Iterable[Sequence[OcrLine]]) -> list[Receipt]:  # noqa: N803
        """Fields of each receipt."""
        return [self.extract(lines) for lines in X]
