"""Patterns for the values found on receipts: dates, amounts, quantities."""

from __future__ import annotations

import re
from datetime import date, datetime

_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC"
_MONTH_WORD = rf"(?:{_MONTHS})[A-Z]*\.?"
DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\d)"),
    re.compile(rf"(?<![A-Z0-9])(\d{{1,2}})[ -]?({_MONTH_WORD})[ ,-]*(\d{{4}}|\d{{2}})(?!\d)", re.I),
    re.compile(rf"(?<![A-Z])({_MONTH_WORD}) ?(\d{{1,2}}),? ?(\d{{4}})(?!\d)", re.I),
)
AMOUNT = re.compile(
    r"(?<![\d.,])-?(?:RM|\$|£|€|USD|EUR|GBP|MYR)?\s?(\d{1,3}(?:,\d{3})+|\d+)\.(\d{2})(?![\d])"
)
QUANTITY = re.compile(r"(?<![\d.])(\d{1,3})\s?(?:X|PCS?|UNITS?|@|\*)(?![A-Z])", re.I)
_MONTH_NUMBER = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}


def find_date(text: str) -> tuple[str, date | None] | None:
    """The first date-looking substring and its parsed value (None when not a valid date).

    Recognises ``25/12/2018``, ``12-01-19``, ``2018-01-12``, ``15 JAN 2018``, ``Jan 15, 2018``.
    Day-first is assumed for numeric dates, as on most receipts outside North America.
    """
    best: tuple[int, str, date | None] | None = None
    for number, pattern in enumerate(DATE_PATTERNS):
        for match in pattern.finditer(text):
            parsed = _parse(number, match.groups())
            if parsed is None:
                continue
            if best is None or match.start() < best[0]:
                best = (match.start(), match.group(0).strip(), parsed)
            break
    return None if best is None else (best[1], best[2])


def _parse(kind: int, groups: tuple[str, ...]) -> date | None:
    try:
        if kind == 0:
            year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
        elif kind == 1:
            day, month, year = int(groups[0]), int(groups[1]), int(groups[2])
        elif kind == 2:
            day, month, year = int(groups[0]), _month(groups[1]), int(groups[2])
        else:
            month, day, year = _month(groups[0]), int(groups[1]), int(groups[2])
        if year < 100:
            year += 2000
        if not 1990 <= year <= 2100:
            return None
        return datetime(year, month, day).date()
    except (ValueError, KeyError):
        return None


def _month(word: str) -> int:
    return _MONTH_NUMBER[word.upper()[:3]]


def find_amounts(text: str) -> list[tuple[str, float]]:
    """Every money amount with two decimals (``9.00``, ``1,234.50``, ``RM 12.90``).

    Returns:
        ``(as printed without currency, value)`` pairs in text order.
    """
    out = []
    for match in AMOUNT.finditer(text):
        whole, cents = match.group(1), match.group(2)
        printed = f"{whole}.{cents}"
        out.append((printed, float(whole.replace(",", "") + "." + cents)))
    return out


def find_quantity(text: str) -> int | None:
    """A quantity such as ``2 x``, ``3 PCS``, ``1 @`` in a line, if any."""
    match = QUANTITY.search(text)
    return int(match.group(1)) if match else None


def normalise_field(value: str | None) -> str:
    """Upper-case without any whitespace (the comparison used for accuracy).

    Spacing around punctuation is inconsistent in SROIE's own labels (``27,JALAN`` in the text
    boxes, ``27, JALAN`` in the key), so spaces are ignored; every other character counts.
    """
    return "".join(str(value or "").upper().split())


def normalise_total(value: str | None) -> str:
    """An amount as digits with two decimals, without currency or thousands separators."""
    amounts = find_amounts(str(value or ""))
    if amounts:
        return f"{amounts[-1][1]:.2f}"
    return normalise_field(value)
