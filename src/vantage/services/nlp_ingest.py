"""Text events scored as they arrive: the write path's hook (light to import).

The models load on the first text event, so the API and the CLI start as fast as before.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vantage.core.errors import VantageError
from vantage.core.settings import Settings

TEXT_EVENTS = ("Product Reviewed", "Support Chat Completed")


class IngestTextScorer:
    """Text events (reviews, chats) gain ``sentiment``, ``topics``, ``entities`` on arrival.

    Other events pass through untouched for the cost of one set lookup; the scorer (the saved
    ``sentiment`` model, else VADER) loads on the first text event. Scoring never rejects an
    event: if it fails, the event is stored as it came.

    Args:
        home: The data directory (where a trained sentiment model would be saved).
    """

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self._scorer: Any = None
        self._lock = threading.Lock()

    def __call__(self, message: Mapping[str, Any]) -> Mapping[str, Any]:
        """The message, scored when it is a text event."""
        if message.get("type") != "track" or message.get("event") not in TEXT_EVENTS:
            return message
        from vantage.services.nlp_text_events import TextScorer, event_text, score_event

        try:
            with self._lock:
                if self._scorer is None:
                    self._scorer = TextScorer.load(self.home)
                scored = dict(score_event(message, self._scorer))
        except (VantageError, ValueError, TypeError):
            return message
        text, _ = event_text(message)
        if text is not None:
            scored["properties"] = {**scored.get("properties", {}), "entities": _entities(text)}
        return scored


def _entities(text: str) -> dict[str, list[str]]:
    """Distinct entity values per type (empty when spaCy's model is not installed)."""
    from vantage.services.nlp_documents import extract_entities

    try:
        return dict(extract_entities([text])[0]["summary"])
    except (VantageError, OSError, ValueError):
        return {}


def text_scorer(settings: Settings) -> IngestTextScorer | None:
    """The write path's text hook, or None when ``score_text_on_ingest`` is off."""
    return IngestTextScorer(Path(settings.home)) if settings.score_text_on_ingest else None
