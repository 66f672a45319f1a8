"""Conversations on the customer's profile: events written through the ingest path.

Each customer message becomes a ``Support Chat Message`` track event with the intent, the
confidence, the sentiment (VADER's compound score and label), the outcome of the reply and the
session id. Consent changes are ``identify`` events carrying
``context.consent.categoryPreferences``; they are also recorded in the consent ledger at once
(with the same source and time as the nightly refresh, so the refresh skips them as repeats).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from vantage.services.context import ServiceContext
from vantage.solutions.assistant.state import ConversationState, Reply

SOURCE = "assistant"
CHAT_EVENT = "Support Chat Message"


def sentiment(text: str) -> tuple[str, float]:
    """VADER's label (negative / neutral / positive) and compound score of ``text``."""
    from vantage.solutions.nlp.text.vader import compound_scores

    score = float(compound_scores([text])[0])
    label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
    return label, round(score, 4)


def write_events(
    ctx: ServiceContext, messages: Sequence[dict[str, Any]], *, record_consent: bool = False
) -> dict[str, Any]:
    """Validate and store Segment messages as the ``assistant`` source.

    Returns:
        ``stored``, ``duplicates``, ``rejected`` (reasons) and ``consent_recorded``.
    """
    now = datetime.now(UTC).isoformat()
    stamped = [{"timestamp": now, **m} for m in messages]
    ctx.sources.ensure(SOURCE)
    submission = ctx.ingestor.prepare(SOURCE, stamped, correct_skew=False)
    [appended] = ctx.log.append([submission])
    recorded = 0
    if record_consent and submission.records:
        from vantage.profiles.consent_ledger import ConsentLedger
        from vantage.services.warehouse import open_warehouse

        payloads = [orjson.loads(r.payload) for r in submission.records]
        with open_warehouse(ctx.settings, timeout_s=30) as store:
            recorded = ConsentLedger(store).record_messages(payloads, source="event")
    return {
        "stored": appended.stored,
        "duplicates": appended.duplicates,
        "rejected": [r.reason for r in submission.rejected],
        "consent_recorded": recorded,
    }


def chat_event(state: ConversationState, text: str, reply: Reply) -> dict[str, Any]:
    """The ``Support Chat Message`` event of one customer message (not yet stored)."""
    label, score = sentiment(text)
    message: dict[str, Any] = {
        "type": "track",
        "event": CHAT_EVENT,
        "properties": {
            "session_id": state.session_id,
            "text": text,
            "reply": reply.text,
            "intent": reply.intent,
            "confidence": reply.confidence,
            "sentiment": label,
            "sentiment_score": score,
            "outcome": reply.outcome,
        },
    }
    if state.identifier is not None and state.identifier[0] == "user_id":
        message["userId"] = state.identifier[1]
    else:
        message["anonymousId"] = f"assistant-{state.session_id}"
        if state.identifier is not None:
            message["context"] = {"traits": {state.identifier[0]: state.identifier[1]}}
    return message
