"""Text events are scored on the write path; other events pass through untouched."""

from __future__ import annotations

from pathlib import Path

import orjson

from vantage.collect.ingest import Ingestor
from vantage.core.settings import Settings
from vantage.services.nlp_ingest import IngestTextScorer, text_scorer


def test_a_review_gains_sentiment_as_it_is_collected(tmp_path: Path) -> None:
    ingestor = Ingestor(enrich=IngestTextScorer(tmp_path))
    review = {
        "type": "track",
        "event": "Product Reviewed",
        "userId": "u1",
        "messageId": "r1",
        "properties": {"text": "Terrible quality from Acme in London, it broke. Awful."},
    }
    page = {"type": "page", "userId": "u1", "messageId": "p1", "properties": {"text": "x"}}
    submission = ingestor.prepare("reviews", [review, page])
    stored = {r.message_id: orjson.loads(r.payload) for r in submission.records}
    assert stored["r1"]["properties"]["sentiment"] == "negative"
    assert "quality" in stored["r1"]["properties"]["topics"]
    assert isinstance(stored["r1"]["properties"]["entities"], dict)
    assert "sentiment" not in stored["p1"]["properties"]
    assert review["properties"] == {
        "text": "Terrible quality from Acme in London, it broke. Awful."
    }
    assert "London" in stored["r1"]["properties"]["entities"].get("place", [])


def test_the_hook_can_be_turned_off(tmp_path: Path) -> None:
    assert text_scorer(Settings(home=tmp_path, score_text_on_ingest=False)) is None
    assert isinstance(text_scorer(Settings(home=tmp_path)), IngestTextScorer)
