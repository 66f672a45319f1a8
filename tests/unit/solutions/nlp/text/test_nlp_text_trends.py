"""Trend spotting: topics with readable labels, an emerging topic, sentiment per topic."""

from __future__ import annotations

import pandas as pd
import pytest

from vantage.solutions.nlp.text._common import TextModelError
from vantage.solutions.nlp.text.trends import TrendSpotter


def _stream() -> tuple[list[str], list[pd.Timestamp]]:
    late = [f"my parcel delivery is late again, courier lost it {i}" for i in range(12)]
    refund = [f"still waiting for my refund payment after the return {i}" for i in range(12)]
    sizes = [f"the jacket size runs small, sizing chart wrong {i}" for i in range(12)]
    texts = late + refund + sizes
    start = pd.Timestamp("2026-01-01", tz="UTC")
    stamps = (
        [start + pd.Timedelta(days=40 + i) for i in range(12)]  # delivery: all recent
        + [start + pd.Timedelta(days=2 * i) for i in range(12)]  # refunds: old and recent
        + [start + pd.Timedelta(days=5 + i) for i in range(12)]  # sizes: only old
    )
    return texts, stamps


@pytest.mark.parametrize("embedding", ["tfidf", pytest.param("minilm", marks=pytest.mark.slow)])
def test_topics_labels_and_emerging(embedding: str) -> None:
    texts, stamps = _stream()
    spotter = TrendSpotter(n_topics=3, embedding=embedding).fit(texts)
    assert len(set(spotter.labels_[:12])) == 1 and len(set(spotter.labels_)) == 3
    sentiment = [-0.8] * 12 + [-0.4] * 12 + [0.1] * 12
    report = spotter.report(texts, stamps, sentiment=sentiment, period="21D")
    top = report.iloc[0]
    assert top["emerging"]
    assert set(top["label"].split(" / ")) <= {"parcel", "delivery", "late", "courier", "lost"}
    assert top["avg_sentiment"] == pytest.approx(-0.8)
    assert len(top["examples"]) == 3 and all("parcel" in e for e in top["examples"])
    assert report["n_texts"].sum() == 36
    assert list(spotter.predict(["courier lost my parcel"])) == [spotter.labels_[0]]


def test_trend_errors() -> None:
    with pytest.raises(TextModelError, match="at least 4 texts"):
        TrendSpotter().fit(["a", "b"])
    with pytest.raises(TextModelError, match="Unknown embedding"):
        TrendSpotter(embedding="lda").fit(["a b", "c d", "e f", "g h"])
    texts, stamps = _stream()
    spotter = TrendSpotter(n_topics=3, embedding="tfidf").fit(texts)
    with pytest.raises(TextModelError, match="same texts"):
        spotter.report(texts[:5], stamps[:5])


def test_labels_ignore_mentions_and_links() -> None:
    texts = [f"@BigAir my bag is lost http://t.co/x{i}" for i in range(6)]
    texts += [f"@BigAir refund still pending for order {i}" for i in range(6)]
    spotter = TrendSpotter(n_topics=2, embedding="tfidf").fit(texts)
    terms = {t for terms in spotter.topic_terms_.values() for t in terms}
    assert "bigair" not in terms and "http" not in terms
    assert {"bag", "refund"} <= terms
