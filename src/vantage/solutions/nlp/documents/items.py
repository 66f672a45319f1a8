"""Line items: rows between the header and the totals that end with an amount."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from vantage.solutions.nlp.documents.fields import find_amounts, find_date, find_quantity
from vantage.solutions.nlp.documents.layout import Row, fuzzy_contains

HEADER_WORDS = ("DESCRIPTION", "DESC", "ITEM", "QTY", "AMOUNT", "PRICE")
NOT_ITEM_WORDS = (
    "TOTAL", "SUBTOTAL", "GST", "TAX", "CASH", "CHANGE", "ROUNDING", "DISCOUNT", "TENDER",
    "BALANCE", "VISA", "MASTERCARD", "INVOICE", "TEL", "DATE",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LineItem:
    """One purchased line: description, quantity (when printed) and line amount."""

    name: str
    amount: float
    quantity: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The item as plain data."""
        return asdict(self)


def _description(text: str) -> str:
    text = re.sub(r"(?<![\d.,])-?(?:RM|\$)?\s?\d[\d,]*\.\d{2,3}(?![\d])", " ", text)
    text = re.sub(r"(?<![\w.])\d{1,3}\s?(?:X|PCS?|UNITS?|@|\*)(?![A-Z])", " ", text, flags=re.I)
    text = re.sub(r"\b\d{8,14}\b", " ", text)
    return " ".join(text.replace("*", " ").split()).strip(" -:")


def _alpha(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def extract_items(rows: Sequence[Row], start: int, stop: int) -> list[LineItem]:
    """Line items printed in ``rows[start:stop]``.

    A row with an amount and a description is an item. A row with an amount but no words
    (quantity and prices printed under the description) completes the description row above.
    """
    items: list[LineItem] = []
    pending: str | None = None
    for row in rows[start:stop]:
        text = row.text
        if any(fuzzy_contains(text, word, 0.9) for word in NOT_ITEM_WORDS) or find_date(text):
            pending = None
            continue
        if sum(fuzzy_contains(text, word, 0.9) for word in HEADER_WORDS) >= 2:
            pending = None
            continue
        amounts = find_amounts(text)
        name = _description(text)
        if not amounts:
            pending = name if _alpha(name) >= 3 else pending
            continue
        if _alpha(name) < 3 and pending:
            name = pending
        if _alpha(name) >= 3:
            items.append(LineItem(name, amounts[-1][1], find_quantity(text)))
        pending = None
    return items
