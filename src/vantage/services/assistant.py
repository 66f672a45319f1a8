"""The customer-service assistant: train it, and answer messages per conversation.

``train`` fits the intent classifier on the YAML training data (MiniLM sentence embeddings +
TF-IDF n-grams, threshold tuned on out-of-fold predictions) and saves it as the ``assistant``
model. ``respond`` loads it once per process, keeps each conversation's state by session id,
writes a ``Support Chat Message`` event per message, and queues hand-offs with a summary.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vantage.core.errors import VantageError
from vantage.core.settings import Settings
from vantage.services.assistant_store import AssistantStore, Handoff
from vantage.services.context import ServiceContext
from vantage.solutions.assistant.dialogue import DialogueManager
from vantage.solutions.assistant.intents import IntentClassifier, fit_with_threshold
from vantage.solutions.assistant.knowledge import HybridRetriever, load_passages
from vantage.solutions.assistant.nlu import AssistantNLU
from vantage.solutions.assistant.slots import SlotFiller
from vantage.solutions.assistant.state import Reply
from vantage.solutions.assistant.summary import summarise
from vantage.solutions.assistant.training import (
    StoreInfo,
    TrainingData,
    load_stores,
    load_training_data,
)

MODEL_NAME = "assistant"
DEFAULT_ENCODER = "all-MiniLM-L6-v2"


class AssistantNotTrainedError(VantageError):
    """No assistant model has been trained in this data directory."""


@dataclass
class Bundle:
    """What a trained assistant needs at run time (pickled as the model)."""

    classifier: IntentClassifier
    data: TrainingData
    encoder: str | None


@dataclass
class Assistant:
    """A loaded assistant: NLU, training data, FAQ retriever and store directory."""

    nlu: AssistantNLU
    data: TrainingData
    retriever: HybridRetriever
    directory: list[StoreInfo]
    card: dict[str, Any]


def _embedder(encoder: str | None) -> Any:
    if encoder is None:
        return None
    from vantage.solutions.nlp.text.transformer import embed

    return functools.partial(embed, encoder=encoder)


def train(
    settings: Settings,
    data_path: Path | None = None,
    *,
    encoder: str | None = DEFAULT_ENCODER,
    track: bool = False,
) -> dict[str, Any]:
    """Train and save the intent classifier; returns the model card.

    Args:
        settings: Settings naming the data directory.
        data_path: Training data YAML (default: the shipped customer-service data).
        encoder: Sentence encoder for the embeddings; None trains on TF-IDF n-grams only.
        track: Also log the run to MLflow.
    """
    from vantage.services import models as model_service

    data = load_training_data(data_path)
    texts, labels = data.examples()
    start = time.perf_counter()
    model = IntentClassifier(embedder=_embedder(encoder), tfidf=True)
    fitted, scores = fit_with_threshold(model, texts, labels)
    baseline, base_scores = fit_with_threshold(IntentClassifier(embedder=None), texts, labels)
    now = datetime.now(UTC)
    card = {
        "name": MODEL_NAME,
        "version": model_service.new_version(now),
        "trained_at": now.isoformat(),
        "as_of": now.isoformat(),
        "solution": "assistant",
        "description": "Intent classifier of the customer-service assistant, with an "
        "out-of-scope class and a confidence threshold.",
        "estimator": f"{encoder or 'no'} sentence embeddings + TF-IDF n-grams + "
        "one-vs-rest logistic regression",
        "baseline": "TF-IDF n-grams + logistic regression",
        "rows": len(texts),
        "evaluation": "5-fold out-of-fold predictions; threshold tuned on them",
        "metric_names": ["in_scope_accuracy", "oos_recall"],
        "metrics": {
            "model": {
                "in_scope_accuracy": scores.in_scope_accuracy,
                "oos_recall": scores.oos_recall,
            },
            "baseline": {
                "in_scope_accuracy": base_scores.in_scope_accuracy,
                "oos_recall": base_scores.oos_recall,
            },
        },
        "params": {
            "encoder": encoder,
            "threshold": fitted.threshold_,
            "intents": sorted(data.intents),
            "data": str(data_path or "shipped default"),
            "seconds": round(time.perf_counter() - start, 2),
        },
        "warnings": [],
        "limitations": ["English only; intents and examples come from the training YAML."],
    }
    del baseline
    card = model_service.save_model(settings, card, Bundle(fitted, data, encoder), track=track)
    _ASSISTANTS.clear()
    return card


_ASSISTANTS: dict[tuple[str, str, str], Assistant] = {}


def load_assistant(settings: Settings) -> Assistant:
    """The latest trained assistant of the data directory (loaded once per process).

    Raises:
        AssistantNotTrainedError: Nothing trained yet.
    """
    from vantage.services import models as model_service

    try:
        card = model_service.get_card(settings, MODEL_NAME)
    except model_service.ModelNotFoundError as exc:
        raise AssistantNotTrainedError(
            "No assistant model in this data directory yet.",
            "Train it: `vantage assistant train` (add --data my.yml for your own intents).",
        ) from exc
    key = (
        str(Path(settings.home).resolve()),
        str(card["version"]),
        settings.assistant.model_dump_json(),
    )
    if key not in _ASSISTANTS:
        bundle, card = model_service.load_model(settings, MODEL_NAME, card["version"])
        if settings.assistant.threshold is not None:
            bundle.classifier.threshold_ = settings.assistant.threshold
        directory = load_stores(settings.assistant.stores)
        filler = SlotFiller([(s.id, [s.name, *s.aliases]) for s in directory])
        retriever = HybridRetriever(
            load_passages(settings.assistant.faq_dir), embedder=_embedder(bundle.encoder)
        )
        _ASSISTANTS[key] = Assistant(
            AssistantNLU(bundle.classifier, filler), bundle.data, retriever, directory, card
        )
    return _ASSISTANTS[key]


def _verified_identity(ctx: ServiceContext, user_id: str) -> str | None:
    """The customer of a user id the caller has verified (None when unknown)."""
    from vantage.services.profiles import ProfileNotFoundError, find_customer
    from vantage.services.warehouse import open_warehouse

    try:
        with open_warehouse(ctx.settings, timeout_s=30) as store:
            return find_customer(store, "user_id", user_id)
    except ProfileNotFoundError:
        return None


def respond(
    ctx: ServiceContext,
    session_id: str,
    text: str,
    *,
    verified_user_id: str | None = None,
    record: bool = True,
) -> Reply:
    """Answer one message of conversation ``session_id``.

    Args:
        ctx: The workspace.
        session_id: The conversation; its state is kept between calls.
        text: The customer's message.
        verified_user_id: A user id the caller has already authenticated (a signed-in
            customer); account questions are then answered for that customer only.
        record: Write the message as a ``Support Chat Message`` event on the profile.
    """
    from vantage.services.assistant_actions import PlatformActions
    from vantage.services.assistant_events import chat_event, write_events

    assistant = load_assistant(ctx.settings)
    store = AssistantStore(ctx.settings.home)
    state = store.load(session_id)
    if verified_user_id is not None and state.identifier != ("user_id", verified_user_id):
        state.customer_id = _verified_identity(ctx, verified_user_id)
        state.identifier = ("user_id", verified_user_id) if state.customer_id else None
        state.verified_by = "user_id" if state.customer_id else None
    actions = PlatformActions(
        ctx,
        state,
        assistant.directory,
        assistant.retriever,
        min_score=ctx.settings.assistant.min_answer_score,
    )
    was_handed_off = state.handed_off
    reply = DialogueManager(assistant.nlu, assistant.data, actions).respond(state, text)
    if reply.sources:
        reply.text = _phrase(ctx.settings, text, reply.text)
        state.turns[-1]["text"] = reply.text
    if reply.handoff and not was_handed_off:
        item = store.enqueue_handoff(state, summarise(state.turns))
        reply.data = {**reply.data, "handoff_id": item.id}
    store.save(state)
    if record:
        write_events(ctx, [chat_event(state, text, reply)])
    return reply


def _phrase(settings: Settings, question: str, answer: str) -> str:
    """The FAQ answer rephrased by the configured language model, else as it is.

    The passage and its source stay the facts: the model is told to use nothing else, and any
    failure of the backend keeps the extractive answer.
    """
    from vantage.services.genai import get_backend, has_backend

    if not has_backend(settings):
        return answer
    passage, _, source = answer.rpartition("\n(Source: ")
    prompt = (
        "Answer the customer's question in two sentences or fewer, using only this passage."
        f"\n\nPassage: {passage}\n\nQuestion: {question}"
    )
    try:
        completion = get_backend(settings).complete(
            [{"role": "user", "content": prompt}], temperature=0.0, max_tokens=120
        )
    except VantageError:
        return answer
    text = completion.text.strip()
    return f"{text}\n(Source: {source}" if text and source else answer


def handoffs(settings: Settings, status: str | None = "open", limit: int = 50) -> list[Handoff]:
    """Conversations waiting for a person, oldest first."""
    return AssistantStore(settings.home).handoffs(status, limit)
