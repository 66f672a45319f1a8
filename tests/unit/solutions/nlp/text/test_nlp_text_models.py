"""VADER, TF-IDF + LR and the model factory: the scikit-learn contract with texts as X."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from vantage.solutions.nlp.text._common import TextModelError, as_texts
from vantage.solutions.nlp.text.evaluate import evaluate, split
from vantage.solutions.nlp.text.models import APPROACHES, make_text_model
from vantage.solutions.nlp.text.tfidf import TfidfLogisticRegression
from vantage.solutions.nlp.text.vader import VaderSentiment, compound_scores


def test_vader_labels_clear_cases() -> None:
    model = VaderSentiment().fit(["x", "y", "z"], ["negative", "neutral", "positive"])
    predicted = model.predict(["I love it, wonderful!", "This is awful and I hate it", "It is"])
    assert predicted.tolist() == ["positive", "negative", "neutral"]
    proba = model.predict_proba(["I love it", "terrible"])
    assert proba.shape == (2, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba[0, 2] > proba[0, 0] and proba[1, 0] > proba[1, 2]


def test_vader_maps_two_other_labels_negative_first() -> None:
    model = VaderSentiment().fit(["a", "b"], ["0", "1"])
    assert model.predict(["great", "horrible"]).tolist() == ["1", "0"]


def test_vader_refuses_topic_labels() -> None:
    with pytest.raises(TextModelError, match="VADER only knows sentiment"):
        VaderSentiment().fit(["a", "b", "c"], ["sport", "tech", "business"])


def test_compound_scores_order() -> None:
    scores = compound_scores(["excellent", "okay", "dreadful"])
    assert scores[0] > scores[1] > scores[2]


def test_tfidf_learns_and_beats_chance(sentiment_data: tuple[list[str], list[str]]) -> None:
    texts, labels = sentiment_data
    model = TfidfLogisticRegression().fit(texts, labels)
    assert set(model.classes_) == {"negative", "neutral", "positive"}
    assert (model.predict(texts) == np.asarray(labels)).mean() > 0.9
    assert "negative" in model.top_terms(3)
    assert clone(model).get_params()["C"] == 10.0


def test_evaluate_on_held_out_split(sentiment_data: tuple[list[str], list[str]]) -> None:
    texts, labels = sentiment_data
    x_train, x_test, y_train, y_test = split(texts, labels, test_size=0.25)
    assert len(x_test) == 9 and sorted(set(y_test)) == ["negative", "neutral", "positive"]
    result = evaluate("tfidf", TfidfLogisticRegression(), x_train, y_train, x_test, y_test)
    assert 0.0 <= result.macro_f1 <= result.accuracy + 1.0
    assert result.n_train == 27 and result.as_dict()["approach"] == "tfidf"


def test_factory_knows_every_approach() -> None:
    for approach in APPROACHES:
        assert hasattr(make_text_model(approach), "fit")
    with pytest.raises(TextModelError, match="Unknown text model 'bert'"):
        make_text_model("bert")


def test_input_validation_messages() -> None:
    with pytest.raises(TextModelError, match="single string"):
        as_texts("hello")
    with pytest.raises(TextModelError, match=r"X\[1\] is a int"):
        as_texts(["a", 3])
    with pytest.raises(TextModelError, match="2 labels for 3 texts"):
        TfidfLogisticRegression().fit(["a", "b", "c"], ["x", "y"])
    with pytest.raises(TextModelError, match="single class"):
        TfidfLogisticRegression().fit(["a", "b"], ["x", "x"])
    with pytest.raises(TextModelError, match="not fitted yet"):
        TfidfLogisticRegression().predict(["a"])
    assert as_texts(["a", None]) == ["a", ""]
