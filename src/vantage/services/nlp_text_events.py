"""Text events in the platform: on-ingest scoring, batch scoring, ticket routing.

:func:`score_event` is a pure function (event in, enriched copy out) for the write path: it adds
``sentiment``, ``sentiment_score``, ``topics`` and ``aspect_sentiment`` to the properties of an
event that carries text (a review, a support chat, any ``text``/``body``/``message`` property).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vantage.solutions.nlp.text.aspects import AspectSentiment

TEXT_PROPERTIES = ("text", "body", "message", "comment", "review", "transcript", "content")
ROUTES: dict[str, tuple[str, ...]] = {
    "deliveries": (
        r"where is my order",
        r"\bdeliver",
        r"\barriv",
        r"\bparcel",
        r"\bcourier",
        r"\btracking",
        r"still says processing",
        r"\bdispatch",
        r"\bdue yesterday",
    ),
    "returns": (r"\breturn", r"\brefund", r"\bsent (it )?back", r"\bexchange"),
    "billing": (r"\bcharged", r"\bpayment", r"\bcard was", r"\bcheckout", r"\binvoice", r"\bpaid"),
    "loyalty": (r"\bloyalty", r"\bpoints\b", r"\bvoucher", r"\breward"),
    "product": (
        r"\bdoes the\b",
        r"\bis the\b",
        r"\bsize",
        r"\bwashable",
        r"\bcome in\b",
        r"\bstock",
        r"\bmaterial",
    ),
}
_ROUTE_PATTERNS = {q: [re.compile(p, re.IGNORECASE) for p in ps] for q, ps in ROUTES.items()}


def route_ticket(text: str) -> str:
    """The support queue for a customer's request (the queue with most keyword hits).

    Returns ``general`` when no queue's keywords appear.
    """
    hits = {q: sum(bool(p.search(text)) for p in ps) for q, ps in _ROUTE_PATTERNS.items()}
    best = max(hits, key=lambda q: hits[q])
    return best if hits[best] else "general"


def event_text(event: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """``(text, request)`` of an event: all its customer text, and the opening request.

    Reviews give title and body; chats (``messages`` with ``from``/``text``) give the customer's
    turns, the first being the request; otherwise the first text-like property.
    """
    props = event.get("properties") or {}
    if props.get("review_body") or props.get("review_title"):
        parts = [str(props.get("review_title") or ""), str(props.get("review_body") or "")]
        return ". ".join(p.strip().rstrip(".") for p in parts if p.strip()) + ".", None
    messages = props.get("messages")
    if isinstance(messages, list) and messages:
        said = [
            str(m.get("text", ""))
            for m in messages
            if isinstance(m, Mapping) and m.get("from", "customer") == "customer"
        ]
        said = [s for s in said if s.strip()]
        if said:
            return " ".join(said), said[0]
    for key in TEXT_PROPERTIES:
        value = props.get(key)
        if isinstance(value, str) and value.strip():
            return value, value
    return None, None


@dataclass
class TextScorer:
    """A sentiment model and an aspect analyser, loaded once and reused for many events.

    Attributes:
        model: Fitted sentiment classifier (classes include negative and positive).
        description: Which model it is, for the record.
        aspects: Fitted :class:`AspectSentiment`.
    """

    model: Any
    description: str
    aspects: AspectSentiment

    @classmethod
    def load(cls, home: Path, name: str | None = None) -> TextScorer:
        """The saved ``sentiment`` model (or ``name``) when there is one, else VADER."""
        from vantage.services.nlp_text import sentiment_model

        model, description = sentiment_model(home, name)
        return cls(model, description, AspectSentiment().fit())

    def score(self, texts: list[str]) -> list[dict[str, Any]]:
        """``sentiment``, ``sentiment_score``, ``aspect_sentiment`` for each text."""
        from vantage.services.nlp_text import polarity

        if not texts:
            return []
        labels, scores, _, _ = polarity(self.model, texts)
        found = self.aspects.predict(texts)
        return [
            {
                "sentiment": str(labels[i]),
                "sentiment_score": round(float(scores[i]), 4),
                "aspect_sentiment": found[i],
            }
            for i in range(len(texts))
        ]


def score_event(event: Mapping[str, Any], scorer: TextScorer) -> dict[str, Any]:
    """A copy of ``event`` whose properties gain sentiment and topics, when it carries text.

    Added properties: ``sentiment`` (negative / neutral / positive), ``sentiment_score``
    (-1..1), ``aspect_sentiment`` ({aspect: sentiment}), ``topics`` (the aspects, plus the
    support queue for a chat) and, for chats, ``route``. Events without text come back
    unchanged (as a copy). The input is never modified.
    """
    out = copy.deepcopy(dict(event))
    text, request = event_text(event)
    if text is None:
        return out
    scored = scorer.score([text])[0]
    topics = list(scored["aspect_sentiment"])
    props = dict(out.get("properties") or {})
    if request is not None and isinstance(props.get("messages"), list):
        props["route"] = route_ticket(request)
        if props["route"] not in topics:
            topics.append(props["route"])
    props.update(scored, topics=topics)
    out["properties"] = props
    return out
