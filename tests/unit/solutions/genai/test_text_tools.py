from __future__ import annotations

import numpy as np
import pytest

from vantage.solutions.genai import metrics
from vantage.solutions.genai.errors import GenAIError
from vantage.solutions.genai.sentences import split_sentences
from vantage.solutions.genai.summarize import ExtractiveSummarizer, lead_k, pagerank

ARTICLE = """Council backs new cycle lanes

The city council approved 20 km of new cycle lanes on Tuesday. The plan costs 15m pounds.
Mr. Smith, who leads the council, said the U.S. model inspired it. Cycling rose 3.5% last year.
Shop owners fear losing parking. Shop owners fear losing parking spaces on the high street.
The lanes open in 2027."""


def test_sentence_splitter_handles_abbreviations_decimals_and_glued_text() -> None:
    sentences = split_sentences(ARTICLE)
    assert sentences[0] == "Council backs new cycle lanes"
    assert "Mr. Smith, who leads the council, said the U.S. model inspired it." in sentences
    assert "Cycling rose 3.5% last year." in sentences
    assert split_sentences("Profits rose.Shares fell! AOL.For 2005 growth.") == [
        "Profits rose.",
        "Shares fell!",
        "AOL.",
        "For 2005 growth.",
    ]


def test_extractive_summary_skips_title_and_near_duplicates() -> None:
    summary = ExtractiveSummarizer(diversity=0.5).summarize(ARTICLE, sentences=3)
    assert len(summary.sentences) == 3
    assert "Council backs new cycle lanes" not in summary.sentences
    parking = [s for s in summary.sentences if "parking" in s]
    assert len(parking) <= 1
    assert summary.indices == sorted(summary.indices)


def test_custom_embeddings_are_used() -> None:
    calls: list[int] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.eye(len(texts), dtype=np.float32)

    out = ExtractiveSummarizer(embed=embed, position_weight=1.0).summarize(ARTICLE, sentences=2)
    assert calls == [7]
    assert out.indices == [1, 2]


def test_lead_k_and_lengths() -> None:
    assert lead_k("Sales rose. Costs fell. Profit grew.", 2).sentences == [
        "Sales rose.",
        "Costs fell.",
    ]
    with pytest.raises(GenAIError, match="ratio is 0"):
        ExtractiveSummarizer().summarize(ARTICLE, ratio=0)
    with pytest.raises(GenAIError, match="text is empty"):
        ExtractiveSummarizer().summarize("   ")


def test_pagerank_prefers_the_hub() -> None:
    sim = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 1]], dtype=float)
    scores = pagerank(sim)
    assert scores.argmax() == 0 and scores.sum() == pytest.approx(1.0)


def test_metrics_coverage_invented_facts_and_rouge() -> None:
    text = "The red Yoga Mat costs 25.00, in cotton, ships in 2 days."
    assert metrics.attribute_coverage(text, ["Yoga Mat", "red", "25", "blue"]) == 0.75
    invented = metrics.invented_facts(text, "Yoga Mat; colour: red; price: 25")
    assert invented.invented == ["2", "cotton"]
    assert invented.share == pytest.approx(2 / 4)
    scores = metrics.rouge("the cat sat", "the cat sat down")
    assert scores["rouge1"] == pytest.approx(2 * 1 * 0.75 / 1.75)
    assert metrics.length("One. Two words.")["sentences"] == 2
    assert metrics.readability("The cat sat on the mat.") > 80
