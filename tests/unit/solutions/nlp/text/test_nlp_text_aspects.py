"""Aspect sentiment on reviews written like the demo's (ground truth known)."""

from __future__ import annotations

import numpy as np
import pytest

from vantage.datasets.demo import texts as demo_texts
from vantage.solutions.nlp.text._common import TextModelError
from vantage.solutions.nlp.text.aspects import AspectSentiment, clauses
from vantage.solutions.nlp.text.tfidf import TfidfLogisticRegression

SIGN = {1: "positive", 0: "neutral", -1: "negative"}


def test_clauses_split_on_but() -> None:
    assert clauses("Great price but the delivery was slow. Thanks!") == [
        "Great price",
        "the delivery was slow.",
        "Thanks!",
    ]


def test_mixed_review() -> None:
    found = (
        AspectSentiment()
        .fit()
        .predict(["Really good price, but the delivery took two weeks and the courier was rude."])
    )
    assert found[0]["price"] == "positive"
    assert found[0]["delivery"] == "negative"


def test_demo_reviews_aspects_and_polarity() -> None:
    rng = np.random.default_rng(7)
    names = list(demo_texts.ASPECTS)
    texts, truth = [], []
    for _ in range(120):
        rating = int(rng.integers(1, 6))
        chosen = [names[i] for i in rng.choice(len(names), size=2, replace=False)]
        _, body, plan = demo_texts.review_text(rating, chosen, rng)
        texts.append(body)
        truth.append(plan)
    found = AspectSentiment().fit().predict(texts)
    pairs = [(aspect, sign, found[i]) for i, plan in enumerate(truth) for aspect, sign in plan]
    recall = np.mean([aspect in got for aspect, _, got in pairs])
    polar = [(SIGN[s], got[a]) for a, s, got in pairs if s != 0 and a in got]
    polarity = np.mean([want == got for want, got in polar])
    assert recall > 0.85
    assert polarity > 0.7


def test_custom_aspects_and_model(sentiment_data: tuple[list[str], list[str]]) -> None:
    texts, labels = sentiment_data
    model = TfidfLogisticRegression().fit(texts, labels)
    analyser = AspectSentiment(aspects={"crew": ["crew", "attendant*"]}, model=model).fit()
    frame = analyser.transform(["The crew were wonderful.", "Nothing about people here."])
    assert frame["aspect"].tolist() == ["crew"]
    assert frame["text_index"].tolist() == [0]
    assert list(frame.columns) == ["text_index", "aspect", "sentiment", "score", "snippet"]


def test_aspect_errors() -> None:
    with pytest.raises(TextModelError, match="at least one keyword"):
        AspectSentiment(aspects={"price": []}).fit()
    topic_model = TfidfLogisticRegression().fit(["goal match", "chip code"], ["sport", "tech"])
    with pytest.raises(TextModelError, match="classes negative and positive"):
        AspectSentiment(model=topic_model).fit()


def test_domain_cues_fix_what_the_lexicon_misses() -> None:
    text = ["The courier took three weeks.", "The seams fell apart.", "Shipping was speedy."]
    plain = AspectSentiment(cues=()).fit().predict(text)
    assisted = AspectSentiment().fit().predict(text)
    assert [p.get("delivery", p.get("quality")) for p in plain] == ["neutral"] * 3
    assert assisted[0]["delivery"] == "negative"
    assert assisted[2]["delivery"] == "positive"
