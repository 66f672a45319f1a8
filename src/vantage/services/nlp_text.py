"""Text models for the platform: train and evaluate on a CSV, score texts, list saved models.

Models live under ``<VANTAGE_HOME>/models/nlp/<name>/<version>/`` (see
:mod:`vantage.solutions.nlp.text.store`). Sentiment without a trained model uses the VADER
lexicon; with a model saved under the name ``sentiment``, that model is used.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vantage.core.errors import VantageError
from vantage.solutions.nlp.text._common import SENTIMENT_LABELS, TextModelError
from vantage.solutions.nlp.text.store import ModelCard, load_model, read_card, save_model

TASKS = ("sentiment", "classify")
DEFAULT_SENTIMENT_MODEL = "sentiment"


class TextDataError(VantageError):
    """A training file cannot be used as it is."""


@dataclass(frozen=True)
class TrainReport:
    """What ``train`` measured and saved."""

    card: dict[str, Any]
    model: dict[str, Any]
    baselines: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)


def read_training_csv(path: Path, text: str, label: str) -> tuple[list[str], list[str]]:
    """Texts and labels from a CSV, checked for what a classifier needs.

    Raises:
        TextDataError: Missing file or column, empty texts, a single class, or a class with
            fewer than two examples (a stratified split needs two).
    """
    if not path.is_file():
        raise TextDataError(f"Training file {path} does not exist.", "Check the --data path.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for option, column in (("--text", text), ("--label", label)):
        if column not in frame.columns:
            raise TextDataError(
                f"{path.name} has no column {column!r} (given as {option}).",
                f"Use one of its columns: {', '.join(map(str, frame.columns[:20]))}.",
            )
    frame = frame[(frame[text].str.strip() != "") & (frame[label].str.strip() != "")]
    counts = frame[label].value_counts()
    if len(counts) < 2:
        raise TextDataError(
            f"Column {label!r} of {path.name} holds {len(counts)} class(es) after dropping empty "
            "rows; a classifier needs at least two.",
            "Check the --label column, or add examples of the other classes.",
        )
    rare = counts[counts < 2]
    if len(rare):
        raise TextDataError(
            f"Class {rare.index[0]!r} in column {label!r} has a single example.",
            "Give every class at least two examples (ideally dozens), or drop that class.",
        )
    return frame[text].tolist(), frame[label].tolist()


def _baseline_names(task: str, approach: str, labels: list[str]) -> list[str]:
    names = []
    if task == "sentiment" and set(labels) <= set(SENTIMENT_LABELS) and approach != "vader":
        names.append("vader")
    if approach != "tfidf":
        names.append("tfidf")
    return names or ["majority"]


def _baseline(name: str) -> Any:
    from sklearn.dummy import DummyClassifier

    from vantage.solutions.nlp.text.models import make_text_model

    return (
        DummyClassifier(strategy="most_frequent") if name == "majority" else make_text_model(name)
    )


def train(
    home: Path,
    data: Path,
    *,
    text: str,
    label: str,
    task: str = "sentiment",
    approach: str = "tfidf",
    name: str | None = None,
    test_size: float = 0.2,
    random_state: int = 42,
    params: dict[str, Any] | None = None,
    track: bool = True,
) -> TrainReport:
    """Train a text model on a CSV, evaluate it and its baselines on held-out rows, save it.

    The saved version is also logged to MLflow like the other solutions' models (experiment
    ``vantage``, run ``nlp-<name>-<version>``, see :mod:`vantage.services.models`).

    Args:
        home: The data directory (models go to ``<home>/models/nlp``).
        data: CSV file with a text column and a label column.
        text: Name of the text column.
        label: Name of the label column.
        task: ``sentiment`` or ``classify``.
        approach: ``vader``, ``tfidf``, ``lstm``, ``minilm-frozen`` or ``minilm-finetune``.
        name: Saved model name; default the task name.
        test_size: Share of rows held out (stratified).
        random_state: Seed of the split.
        params: Constructor parameters of the estimator.
        track: Log the run to MLflow (the card's ``run_id``).

    Returns:
        The saved card and held-out accuracy / macro-F1 of the model and its baselines
        (VADER for sentiment, TF-IDF + logistic regression, or the majority class).

    Raises:
        TextDataError: The file cannot be used.
        TextModelError: Unknown task or approach, or a bad model name.
    """
    from vantage.solutions.nlp.text.evaluate import evaluate, split
    from vantage.solutions.nlp.text.models import make_text_model
    from vantage.solutions.nlp.text.store import check_name

    if task not in TASKS:
        raise TextModelError(f"Unknown task {task!r}.", f"Use one of: {', '.join(TASKS)}.")
    model_name = check_name(name or task)
    estimator = make_text_model(approach, **(params or {}))
    started = time.perf_counter()
    texts, labels = read_training_csv(Path(data), text, label)
    x_train, x_test, y_train, y_test = split(texts, labels, test_size, random_state)
    result = evaluate(approach, estimator, x_train, y_train, x_test, y_test).as_dict()
    baselines = {
        b: evaluate(b, _baseline(b), x_train, y_train, x_test, y_test).as_dict()
        for b in _baseline_names(task, approach, labels)
    }
    card = save_model(
        estimator,
        model_name,
        home=home,
        task=task,
        approach=approach,
        metrics={"model": result, "baselines": baselines},
        training={
            "data": str(Path(data).resolve()),
            "text": text,
            "label": label,
            "rows": len(texts),
            "test_size": test_size,
            "random_state": random_state,
            "params": params or {},
        },
    )
    saved = card.as_dict()
    if track:
        saved["run_id"] = _track(home, saved, approach, params or {})
    return TrainReport(saved, result, baselines, time.perf_counter() - started)


def _track(home: Path, card: dict[str, Any], approach: str, params: dict[str, Any]) -> str:
    from vantage.services.models import log_run
    from vantage.solutions.nlp.text.store import models_root

    metrics = card["metrics"]
    run_card = {
        "name": f"nlp-{card['name']}",
        "version": str(card["version"]),
        "solution": f"nlp.{card['task']}",
        "trained_at": card["created_at"],
        "as_of": card["created_at"],
        "estimator": approach,
        "baseline": ", ".join(metrics["baselines"]),
        "rows": card["training"]["rows"],
        "evaluation": f"Stratified hold-out of {card['training']['test_size']:.0%} of the rows.",
        "metric_names": ["accuracy", "macro_f1"],
        "params": {"approach": approach, **params, **card["training"]},
        "metrics": {approach: metrics["model"], **metrics["baselines"]},
    }
    return log_run(home, run_card, models_root(home) / card["name"] / str(card["version"]))


def sentiment_model(home: Path, name: str | None = None) -> tuple[Any, str]:
    """The sentiment model to use and a description of it.

    ``name`` given: that saved model (newest version). Otherwise the model saved as
    ``sentiment`` when there is one, else VADER.
    """
    from vantage.solutions.nlp.text.vader import VaderSentiment

    if name is None:
        try:
            read_card(home, DEFAULT_SENTIMENT_MODEL)
        except TextModelError:
            return VaderSentiment().fit([]), "vader"
        name = DEFAULT_SENTIMENT_MODEL
    model, card = load_model(home, name)
    if card.task != "sentiment":
        raise TextModelError(
            f"Model {name!r} was trained for {card.task}, not sentiment.",
            f"Use `vantage nlp classify --model {name}`, or pick a sentiment model.",
        )
    return model, f"{card.name} v{card.version} ({card.approach})"


def polarity(model: Any, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Labels, a score from -1 to +1 (P(positive) - P(negative)), class names, probabilities."""
    classes = [str(c) for c in model.classes_]
    if not texts:
        empty = np.zeros(0)
        return empty.astype(object), empty, classes, np.zeros((0, len(classes)))
    proba = np.asarray(model.predict_proba(texts))
    labels = np.asarray(model.predict(texts), dtype=object)
    pos = proba[:, classes.index("positive")] if "positive" in classes else 0.0
    neg = proba[:, classes.index("negative")] if "negative" in classes else 0.0
    return labels, np.asarray(pos - neg, dtype=float).reshape(-1), classes, proba


def score_sentiment(
    home: Path, texts: list[str], *, model: str | None = None, aspects: bool = False
) -> dict[str, Any]:
    """Sentiment of each text (label, score, probabilities), optionally per aspect."""
    from vantage.solutions.nlp.text._common import as_texts

    texts = as_texts(texts, name="texts")
    estimator, description = sentiment_model(home, model)
    labels, scores, classes, proba = polarity(estimator, texts)
    found: list[dict[str, str]] = [{} for _ in texts]
    if aspects and texts:
        from vantage.solutions.nlp.text.aspects import AspectSentiment

        found = AspectSentiment().fit().predict(texts)
    results = [
        {
            "text": t,
            "label": str(labels[i]),
            "score": round(float(scores[i]), 4),
            "probabilities": {
                c: round(float(p), 4) for c, p in zip(classes, proba[i], strict=True)
            },
            **({"aspects": found[i]} if aspects else {}),
        }
        for i, t in enumerate(texts)
    ]
    return {"model": description, "results": results}


def classify(home: Path, texts: list[str], *, model: str) -> dict[str, Any]:
    """Label each text with a saved model (any task); top label and probabilities."""
    from vantage.solutions.nlp.text._common import as_texts

    texts = as_texts(texts, name="texts")
    estimator, card = load_model(home, model)
    classes = [str(c) for c in estimator.classes_]
    proba = np.asarray(estimator.predict_proba(texts)) if texts else np.zeros((0, len(classes)))
    results = [
        {
            "text": t,
            "label": classes[int(proba[i].argmax())],
            "probabilities": {
                c: round(float(p), 4) for c, p in zip(classes, proba[i], strict=True)
            },
        }
        for i, t in enumerate(texts)
    ]
    return {"model": f"{card.name} v{card.version} ({card.approach})", "results": results}


def list_text_models(home: Path) -> list[ModelCard]:
    """Newest card of each saved text model."""
    from vantage.solutions.nlp.text.store import list_models

    return list_models(home)
