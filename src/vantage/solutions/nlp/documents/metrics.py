"""Field-level exact-match accuracy for receipts (the SROIE key-information metric)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vantage.solutions.nlp.documents.fields import normalise_field, normalise_total
from vantage.solutions.nlp.documents.receipts import Receipt

RECEIPT_FIELDS = ("company", "address", "date", "total")


def field_matches(field: str, predicted: Any, expected: Any) -> bool:
    """Whether one predicted field equals the expected one.

    Text is compared upper-cased with whitespace removed; totals are compared as
    amounts with two decimals (``RM 9.00`` equals ``9.00``).
    """
    if field == "total":
        return bool(expected) and normalise_total(predicted) == normalise_total(expected)
    return bool(expected) and normalise_field(predicted) == normalise_field(expected)


def field_accuracy(
    predicted: Sequence[Receipt], expected: Sequence[Mapping[str, Any]]
) -> dict[str, float]:
    """Share of receipts whose field exactly matches, per field, plus ``mean`` over fields."""
    if len(predicted) != len(expected):
        raise ValueError(f"{len(predicted)} predictions for {len(expected)} receipts")
    scores = {}
    for name in RECEIPT_FIELDS:
        hits = [
            field_matches(name, getattr(p, name), e.get(name))
            for p, e in zip(predicted, expected, strict=True)
        ]
        scores[name] = sum(hits) / len(hits) if hits else 0.0
    scores["mean"] = sum(scores[name] for name in RECEIPT_FIELDS) / len(RECEIPT_FIELDS)
    return scores
