"""Text services: train on a CSV, score texts, score events, traits, routing, trends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from vantage.core.settings import load_settings
from vantage.datasets.demo import texts as demo_texts
from vantage.services import nlp_text as service
from vantage.services.nlp_text_batch import (
    SCORES_TABLE,
    NoTextEventsError,
    profile_traits,
    score_text_events,
    scores_from_csv,
    spot_trends,
)
from vantage.services.nlp_text_events import TextScorer, event_text, route_ticket, score_event
from vantage.services.warehouse import open_warehouse
from vantage.solutions.nlp.text._common import TextModelError
from vantage.store.compaction import EVENT_SCHEMA

GOOD = ["I love it, great quality", "Wonderful service, thank you", "Brilliant, fast delivery"]
BAD = ["Awful, it broke at once", "Terrible service and rude staff", "Horrible, never again"]
MEH = ["The order number is 12", "It is a blue shirt", "Delivery is on Tuesday"]
ROUTE_OF = {
    "order_status": "deliveries",
    "return_refund": "returns",
    "product_question": "product",
    "payment_issue": "billing",
    "loyalty_points": "loyalty",
}


def _csv(tmp_path: Path, n: int = 4) -> Path:
    rows = [(t, "positive") for t in GOOD] + [(t, "negative") for t in BAD]
    rows += [(t, "neutral") for t in MEH]
    frame = pd.DataFrame(rows * n, columns=["review", "mood"])
    frame["review"] = [f"{t} {i}" for i, t in enumerate(frame["review"])]
    path = tmp_path / "reviews.csv"
    frame.to_csv(path, index=False)
    return path


def test_train_saves_a_version_with_baselines(home: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path)
    report = service.train(home, path, text="review", label="mood", approach="tfidf")
    assert report.card["name"] == "sentiment" and report.card["version"] == 1
    assert set(report.baselines) == {"vader"}
    assert 0.0 <= report.model["accuracy"] <= 1.0
    assert report.model["n_test"] == 8
    again = service.train(home, path, text="review", label="mood", approach="vader")
    assert again.card["version"] == 2 and set(again.baselines) == {"tfidf"}
    out = service.score_sentiment(home, ["I love it"])
    assert out["model"] == "sentiment v2 (vader)"


def test_trained_text_models_are_tracked_in_mlflow(home: Path, tmp_path: Path) -> None:
    report = service.train(home, _csv(tmp_path), text="review", label="mood", approach="tfidf")
    assert report.card["run_id"]
    runs = {p.read_text() for p in (home / "mlflow").rglob("tags/mlflow.runName")}
    assert runs == {"nlp-sentiment-1"}
    metrics = {p.name for p in (home / "mlflow").rglob("metrics/*")}
    assert {"tfidf.accuracy", "vader.macro_f1"} <= metrics
    assert any((home / "mlflow").rglob("model/model.joblib"))
    untracked = service.train(
        home, _csv(tmp_path), text="review", label="mood", approach="tfidf", track=False
    )
    assert "run_id" not in untracked.card


def test_classify_with_saved_model(home: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path)
    service.train(home, path, text="review", label="mood", task="classify", name="mood")
    out = service.classify(home, ["Terrible service and rude staff"], model="mood")
    assert out["results"][0]["label"] == "negative"
    assert set(out["results"][0]["probabilities"]) == {"negative", "neutral", "positive"}
    with pytest.raises(TextModelError, match="trained for classify, not sentiment"):
        service.score_sentiment(home, ["x"], model="mood")
    assert [c.name for c in service.list_text_models(home)] == ["mood"]


def test_training_file_errors(home: Path, tmp_path: Path) -> None:
    with pytest.raises(service.TextDataError, match="does not exist"):
        service.train(home, tmp_path / "nope.csv", text="t", label="l")
    path = _csv(tmp_path)
    with pytest.raises(service.TextDataError, match="no column 'body' \\(given as --text\\)"):
        service.train(home, path, text="body", label="mood")
    pd.DataFrame({"t": ["a b", "c d", "e f"], "l": ["x", "x", "y"]}).to_csv(tmp_path / "s.csv")
    with pytest.raises(service.TextDataError, match="Class 'y' in column 'l' has a single"):
        service.train(home, tmp_path / "s.csv", text="t", label="l")
    pd.DataFrame({"t": ["a b", "c d"], "l": ["x", "x"]}).to_csv(tmp_path / "one.csv")
    with pytest.raises(service.TextDataError, match="holds 1 class"):
        service.train(home, tmp_path / "one.csv", text="t", label="l")
    with pytest.raises(TextModelError, match="Unknown task 'summarise'"):
        service.train(home, path, text="review", label="mood", task="summarise")


def test_sentiment_default_is_vader_with_aspects(home: Path) -> None:
    out = service.score_sentiment(home, ["Great price, but delivery was late."], aspects=True)
    assert out["model"] == "vader"
    [result] = out["results"]
    assert result["aspects"] == {"price": "positive", "delivery": "negative"}
    assert -1.0 <= result["score"] <= 1.0


def test_routing_demo_chats_against_their_truth() -> None:
    rng = np.random.default_rng(3)
    hits = []
    for _ in range(200):
        topic = list(ROUTE_OF)[int(rng.integers(0, len(ROUTE_OF)))]
        turns = demo_texts.chat_turns(topic, int(rng.integers(1, 6)), "HP1", "Linen Shirt", rng)
        hits.append(route_ticket(turns[0][1]) == ROUTE_OF[topic])
    assert np.mean(hits) > 0.95
    assert route_ticket("hello there") == "general"


def _chat(csat: int) -> dict[str, object]:
    rng = np.random.default_rng(csat)
    turns = demo_texts.chat_turns("return_refund", csat, "HP1000001", "Linen Shirt", rng)
    return {
        "type": "track",
        "event": "Support Chat Completed",
        "properties": {"messages": [{"from": s, "text": t} for s, t in turns]},
    }


def test_score_event_is_pure_and_adds_properties() -> None:
    scorer = TextScorer.load(Path("/nonexistent-home"))
    chat = _chat(1)
    before = json.dumps(chat, sort_keys=True)
    scored = score_event(chat, scorer)
    assert json.dumps(chat, sort_keys=True) == before
    props = scored["properties"]
    assert props["sentiment"] == "negative" and props["route"] == "returns"
    assert "returns" in props["topics"]
    review = {"properties": {"review_title": "Love it", "review_body": "Great value for money."}}
    assert score_event(review, scorer)["properties"]["aspect_sentiment"] == {"price": "positive"}
    page = {"type": "page", "properties": {"path": "/"}}
    assert score_event(page, scorer) == page
    assert event_text({"properties": {"text": "hi"}}) == ("hi", "hi")


def _load_events(home: Path) -> None:
    now = datetime(2026, 3, 31, tzinfo=UTC)
    events = [
        ("c1-review", "u1", 10, {"review_title": "Awful", "review_body": "Rude staff, terrible."}),
        ("c1-chat", "u1", 5, _chat(1)["properties"]),
        ("c2-review", "u2", 3, {"review_title": "Love it", "review_body": "Great quality!"}),
        ("c2-old", "u2", 200, {"review_title": "Bad", "review_body": "Horrible fabric."}),
        ("c3-chat", "u3", 2, _chat(5)["properties"]),
    ]
    rows = []
    for seq, (mid, user, days, props) in enumerate(events, start=1):
        name = "Support Chat Completed" if "messages" in props else "Product Reviewed"
        ts = now - timedelta(days=days)
        payload = {"type": "track", "event": name, "userId": user, "properties": props}
        rows.append(
            {
                "seq": seq,
                "message_id": mid,
                "source": "test",
                "type": "track",
                "event": name,
                "user_id": user,
                "anonymous_id": None,
                "timestamp": ts,
                "received_at": ts,
                "payload": json.dumps(payload),
            }
        )
    with open_warehouse(load_settings()) as store:
        store.append("events", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
        ids = pd.DataFrame(
            {
                "id_type": ["user_id"] * 3,
                "id_value": ["u1", "u2", "u3"],
                "customer_id": ["c1", "c2", "c3"],
                "since": [now - timedelta(days=300)] * 3,
                "reason": ["first seen"] * 3,
            }
        )
        store.append("identity_map", ids)


def test_batch_scoring_traits_and_table(home: Path) -> None:
    settings = load_settings()
    with pytest.raises(NoTextEventsError, match="No text events"):
        score_text_events(settings)
    _load_events(home)
    scores = score_text_events(settings)
    assert len(scores) == 5 and scores["model"].iloc[0] == "vader"
    with open_warehouse(settings) as store:
        assert store.has_table(SCORES_TABLE)
    by_id = scores.set_index("message_id")
    assert by_id.loc["c1-chat", "route"] == "returns"
    assert by_id.loc["c1-review", "sentiment"] == "negative"
    traits = profile_traits(scores).set_index(["customer_id", "trait"])["value"]
    assert traits["c1", "open_complaints"] == 2
    assert traits["c1", "texts_90d"] == 2
    assert traits["c2", "texts_90d"] == 1  # the 200-day-old review is outside the window
    assert traits["c2", "open_complaints"] == 0
    assert traits["c3", "avg_sentiment_90d"] > 0


def test_trends_from_csv(home: Path, tmp_path: Path) -> None:
    texts = [f"parcel delivery late courier {i}" for i in range(6)]
    texts += [f"refund return still waiting {i}" for i in range(6)]
    stamps = [f"2026-03-{10 + i:02d}" for i in range(12)]
    pd.DataFrame({"text": texts, "at": stamps}).to_csv(tmp_path / "t.csv", index=False)
    scores = scores_from_csv(home, tmp_path / "t.csv", text="text", time_column="at")
    report = spot_trends(scores, n_topics=2, period="7D", embedding="tfidf")
    assert sorted(report["n_texts"]) == [6, 6]
    with pytest.raises(NoTextEventsError, match="no column 'body'"):
        scores_from_csv(home, tmp_path / "t.csv", text="body")
