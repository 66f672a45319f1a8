"""Intent classifier, threshold tuning, slot filling and FAQ retrieval."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from vantage.solutions.assistant.errors import AssistantError
from vantage.solutions.assistant.intents import (
    IntentClassifier,
    fit_with_threshold,
    score_intents,
    tune_threshold,
)
from vantage.solutions.assistant.knowledge import (
    HybridRetriever,
    Passage,
    load_passages,
    split_markdown,
)
from vantage.solutions.assistant.nlu import AssistantNLU
from vantage.solutions.assistant.slots import SlotFiller

NOW = datetime(2026, 3, 4, 10, 30)


def test_tune_threshold_keeps_in_scope_accuracy_within_tolerance() -> None:
    truth = np.array(["a", "a", "b", "oos", "oos"], dtype=object)
    predicted = np.array(["a", "a", "b", "a", "b"], dtype=object)
    confidence = np.array([0.9, 0.8, 0.7, 0.4, 0.6])
    assert tune_threshold(confidence, predicted, truth, oos_label="oos", tolerance=0.0) == 0.7
    with pytest.raises(AssistantError, match="no in-scope example"):
        tune_threshold(confidence[3:], predicted[3:], truth[3:], oos_label="oos")


def test_score_intents_measures_in_scope_accuracy_and_oos_recall() -> None:
    scores = score_intents(["a", "b", "oos", "oos"], ["a", "oos", "oos", "a"], "oos")
    assert (scores.in_scope_accuracy, scores.oos_recall, scores.oos_precision) == (0.5, 0.5, 0.5)


def test_classifier_with_an_embedder_and_out_of_fold_threshold() -> None:
    vocabulary = ["order", "parcel", "points", "rewards", "weather", "joke"]

    def embedder(texts: list[str]) -> np.ndarray:
        rows = np.array([[float(w in t) for w in vocabulary] for t in texts]) + 0.01
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    texts = [f"where is my order {i}" for i in range(6)] + [f"my parcel {i}" for i in range(6)]
    texts += [f"my points {i}" for i in range(6)] + [f"rewards balance {i}" for i in range(6)]
    texts += [f"the weather {i}" for i in range(6)] + [f"a joke {i}" for i in range(6)]
    labels = ["order"] * 12 + ["points"] * 12 + ["out_of_scope"] * 12
    model, scores = fit_with_threshold(IntentClassifier(embedder=embedder), texts, labels, folds=3)
    assert scores.in_scope_accuracy == 1.0
    assert list(model.predict(["order parcel please", "points"])) == ["order", "points"]


def test_classifier_errors_say_what_to_do() -> None:
    with pytest.raises(AssistantError, match="single string"):
        IntentClassifier().fit("hello", ["a"])
    with pytest.raises(AssistantError, match="not fitted"):
        IntentClassifier().predict(["hi"])
    with pytest.raises(AssistantError, match="no features"):
        IntentClassifier(tfidf=False).fit(["a", "b"], ["x", "y"])
    with pytest.raises(AssistantError, match="single example"):
        fit_with_threshold(IntentClassifier(), ["a b", "c d", "e"], ["x", "x", "y"])


def test_slot_filler_reads_orders_emails_dates_stores_and_channels() -> None:
    filler = SlotFiller([("S05", ["Leeds Trinity", "leeds"])], ["rain jacket"], now=lambda: NOW)
    found = filler.first(
        "Order hp-1000123 to Ann@Example.com, the Rain Jacket from Leeds, yesterday; "
        "stop texting me"
    )
    assert found == {
        "order_id": "HP1000123",
        "email": "ann@example.com",
        "date": "2026-03-03",
        "store": "S05",
        "product": "rain jacket",
        "channel": "sms",
    }
    assert filler.first("are you open on sunday")["date"] == "2026-03-01"
    assert filler.first("stop emailing me") == {"channel": "email"}


def test_markdown_splits_at_level_two_headings() -> None:
    passages = split_markdown(
        "p.md", "# Policies\n\n## Returns\nThirty days.\n\n## Refunds\nFive days.\n"
    )
    assert [(p.title, p.source) for p in passages] == [
        ("Returns", "p.md#Returns"),
        ("Refunds", "p.md#Refunds"),
    ]
    assert split_markdown("n.md", "# Note\nJust text.") == [
        Passage("Note", "# Note\nJust text.", "n.md")
    ]


def test_retriever_blends_bm25_and_embeddings() -> None:
    passages = load_passages()
    lexical = HybridRetriever(passages)
    [hit] = lexical.search("is click and collect free", k=1)
    assert hit.passage.source == "delivery.md#Is click and collect free?" and hit.cosine is None

    def embedder(texts: list[str]) -> np.ndarray:
        rows = np.array([[float("refund" in t.lower()), 1.0] for t in texts])
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    blended = HybridRetriever(passages, embedder=embedder, weight=0.5)
    [top] = blended.search("money back refund", k=1)
    assert "refund" in top.passage.text.lower() and top.cosine is not None
    assert 0.0 < top.score <= 1.0


def test_missing_faq_folder_says_how_to_configure(tmp_path: object) -> None:
    with pytest.raises(AssistantError, match="faq_dir"):
        load_passages("/nonexistent/faq")


def test_nlu_combines_intent_and_slots() -> None:
    texts = [
        "where is my order",
        "track my parcel",
        "my points",
        "points balance",
        "joke",
        "weather",
    ]
    labels = ["order_status", "order_status", "loyalty", "loyalty", "out_of_scope", "out_of_scope"]
    nlu = AssistantNLU(IntentClassifier().fit(texts, labels), SlotFiller())
    understood = nlu("where is my order HP1000001")
    assert understood.intent == "order_status" and understood.slots == {"order_id": "HP1000001"}
