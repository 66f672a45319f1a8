"""LSTM from scratch, frozen MiniLM + head, and full fine-tuning (a handful of steps)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from vantage.solutions.nlp.text.lstm import LSTMTextClassifier, tokenize
from vantage.solutions.nlp.text.transformer import (
    FrozenEmbeddingClassifier,
    embed,
    resolve_encoder,
)


def test_tokenize_keeps_emoticons_and_mentions() -> None:
    assert tokenize("@United Great :) #fail!") == ["@united", "great", ":)", "#fail", "!"]


@pytest.mark.slow
def test_lstm_fits_training_data(sentiment_data: tuple[list[str], list[str]]) -> None:
    texts, labels = sentiment_data
    model = LSTMTextClassifier(epochs=25, hidden_size=32, embed_dim=32, min_freq=1)
    model.fit(texts, labels)
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert (model.predict(texts) == np.asarray(labels)).mean() > 0.8
    proba = model.predict_proba(["unseen words only zzz"])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict_proba(texts[:3]), model.predict_proba(texts[:3]))


@pytest.mark.slow
def test_minilm_resolves_offline_and_embeds() -> None:
    path = resolve_encoder("all-MiniLM-L6-v2")
    assert path.endswith("model") or "MiniLM" in path
    vectors = embed(["the flight was late", "my plane was delayed", "I like pizza"])
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


@pytest.mark.slow
def test_frozen_head_separates_sentiment(sentiment_data: tuple[list[str], list[str]]) -> None:
    texts, labels = sentiment_data
    model = FrozenEmbeddingClassifier().fit(texts[::2], labels[::2])
    accuracy = (model.predict(texts[1::2]) == np.asarray(labels[1::2])).mean()
    assert accuracy > 0.6
    assert model.predict_proba(texts[:2]).shape == (2, 3)


@pytest.mark.slow
def test_fine_tuning_a_few_steps_lowers_loss(
    sentiment_data: tuple[list[str], list[str]],
) -> None:
    from vantage.solutions.nlp.text.finetune import FineTunedTransformerClassifier

    texts, labels = sentiment_data
    model = FineTunedTransformerClassifier(
        max_steps=6, batch_size=12, learning_rate=1e-4, max_seq_length=32
    ).fit(texts, labels)
    assert model.n_steps_ == 6
    assert np.mean(model.loss_curve_[-2:]) < np.mean(model.loss_curve_[:2])
    proba = model.predict_proba(texts[:4])
    assert proba.shape == (4, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert set(model.predict(texts[:4])) <= {"negative", "neutral", "positive"}
