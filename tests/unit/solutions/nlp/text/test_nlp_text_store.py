"""Saving, versioning and loading text models under VANTAGE_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vantage.solutions.nlp.text._common import TextModelError
from vantage.solutions.nlp.text.store import list_models, load_model, save_model, versions
from vantage.solutions.nlp.text.tfidf import TfidfLogisticRegression


def test_save_version_load(tmp_path: Path, sentiment_data: tuple[list[str], list[str]]) -> None:
    texts, labels = sentiment_data
    model = TfidfLogisticRegression().fit(texts, labels)
    first = save_model(
        model,
        "sentiment",
        home=tmp_path,
        task="sentiment",
        approach="tfidf",
        metrics={"accuracy": 0.9},
    )
    second = save_model(model, "sentiment", home=tmp_path, task="sentiment", approach="tfidf")
    assert (first.version, second.version) == (1, 2)
    assert versions(tmp_path, "sentiment") == [1, 2]
    card_path = tmp_path / "models" / "nlp" / "sentiment" / "1" / "card.json"
    assert json.loads(card_path.read_text())["metrics"] == {"accuracy": 0.9}
    loaded, card = load_model(tmp_path, "sentiment")
    assert card.version == 2 and card.classes == ["negative", "neutral", "positive"]
    assert loaded.predict(texts[:3]).tolist() == model.predict(texts[:3]).tolist()
    assert [c.name for c in list_models(tmp_path)] == ["sentiment"]


def test_store_errors(tmp_path: Path, sentiment_data: tuple[list[str], list[str]]) -> None:
    with pytest.raises(TextModelError, match="No saved text model named 'nope'"):
        load_model(tmp_path, "nope")
    with pytest.raises(TextModelError, match="is not allowed"):
        versions(tmp_path, "../evil")
    with pytest.raises(TextModelError, match="Only fitted models"):
        save_model(TfidfLogisticRegression(), "x", home=tmp_path, task="classify", approach="tfidf")
    texts, labels = sentiment_data
    model = TfidfLogisticRegression().fit(texts, labels)
    save_model(model, "s", home=tmp_path, task="sentiment", approach="tfidf")
    with pytest.raises(TextModelError, match="has no version 7"):
        load_model(tmp_path, "s", 7)
    (tmp_path / "models" / "nlp" / "s" / "1" / "model.joblib").write_bytes(b"tampered")
    with pytest.raises(TextModelError, match="does not match the sha256"):
        load_model(tmp_path, "s")
