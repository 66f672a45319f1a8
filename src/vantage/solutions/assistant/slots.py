"""Slot filling: order numbers, e-mails, dates, stores, products and channels from a message.

Patterns do the exact identifiers (order numbers, e-mails), ``dateparser`` turns date phrases
("yesterday", "last Friday", "3 March") into dates, and gazetteers (store names and aliases
from the store directory, product names from the catalogue) find the rest. Each value found
is a :class:`Slot` with the matched text, so a reply can quote what it understood.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

DEFAULT_ORDER_PATTERN = r"\b(?:HP|hp|Hp)\s?-?\d{6,8}\b"
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
DATE_PHRASE = re.compile(
    rf"\b(?:today|tonight|yesterday|tomorrow|"
    rf"(?:last|this|next)\s+(?:week|month|year|{_DAYS})|"
    rf"(?:on\s+)?(?:{_DAYS})|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})(?:\s+\d{{4}})?|"
    rf"(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|"
    rf"\d+\s+(?:days?|weeks?|months?)\s+ago)\b",
    re.IGNORECASE,
)
CHANNELS: dict[str, str] = {
    "email": r"e-?mail\w*|newsletters?|mailing list|mail",
    "sms": r"sms|text(?:s|ing| me| messages?)|messages? by text",
}
_CHANNEL = re.compile(
    "|".join(rf"\b(?P<{name}>{pattern})\b" for name, pattern in CHANNELS.items()), re.IGNORECASE
)


@dataclass(frozen=True)
class Slot:
    """One value found in a message.

    Attributes:
        name: The slot type (``order_id``, ``email``, ``date``, ``store``, ``product``,
            ``channel``).
        value: The normalised value (an upper-case order number, an ISO date, a store id...).
        text: The words it was read from.
    """

    name: str
    value: Any
    text: str


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b", re.IGNORECASE)


class SlotFiller:
    """Extract slots from one message.

    Args:
        stores: ``(store_id, names)`` pairs: a store's name and aliases.
        products: Product names of the catalogue.
        order_pattern: Regular expression of an order number.
        now: Returns the reference time for relative dates (tests pass a fixed one).
    """

    def __init__(
        self,
        stores: Sequence[tuple[str, Sequence[str]]] = (),
        products: Sequence[str] = (),
        order_pattern: str = DEFAULT_ORDER_PATTERN,
        now: Any = None,
    ) -> None:
        self.order_re = re.compile(order_pattern)
        self.now = now or datetime.now
        self._store_of = {n.strip().lower(): sid for sid, names in stores for n in names}
        self.store_re = _phrase_pattern(self._store_of)
        self.product_re = _phrase_pattern(products)

    def _dates(self, text: str) -> list[Slot]:
        import dateparser

        found = []
        for match in DATE_PHRASE.finditer(text):
            phrase = re.sub(r"^on\s+", "", match.group(0), flags=re.IGNORECASE)
            parsed = dateparser.parse(
                phrase,
                languages=["en"],
                settings={"RELATIVE_BASE": self.now(), "PREFER_DATES_FROM": "past"},
            )
            if parsed is not None:
                found.append(Slot("date", parsed.date().isoformat(), match.group(0)))
        return found

    def extract(self, text: str) -> list[Slot]:
        """Every slot value in ``text``, in order of slot type then position."""
        slots = [
            Slot("order_id", re.sub(r"[\s-]", "", m.group(0)).upper(), m.group(0))
            for m in self.order_re.finditer(text)
        ]
        slots += [Slot("email", m.group(0).lower(), m.group(0)) for m in EMAIL.finditer(text)]
        slots += self._dates(text)
        slots += [
            Slot("channel", m.lastgroup, m.group(0))
            for m in _CHANNEL.finditer(text)
            if m.lastgroup is not None
        ]
        for name, pattern, lookup in (
            ("store", self.store_re, self._store_of),
            ("product", self.product_re, None),
        ):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                key = m.group(0).lower()
                slots.append(Slot(name, lookup[key] if lookup else key, m.group(0)))
        return slots

    def first(self, text: str) -> dict[str, Any]:
        """The first value of each slot type found in ``text``."""
        out: dict[str, Any] = {}
        for slot in self.extract(text):
            out.setdefault(slot.name, slot.value)
        return out
