"""Fixtures: a TF-IDF-only assistant trained on the shipped data, and fake platform actions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from threadpoolctl import threadpool_limits

from vantage.solutions.assistant.dialogue import DialogueManager
from vantage.solutions.assistant.intents import IntentClassifier
from vantage.solutions.assistant.knowledge import Hit, HybridRetriever, load_passages
from vantage.solutions.assistant.nlu import AssistantNLU
from vantage.solutions.assistant.slots import SlotFiller
from vantage.solutions.assistant.training import (
    StoreInfo,
    TrainingData,
    load_stores,
    load_training_data,
)

NOW = datetime(2026, 3, 4, 10, 30)  # a Wednesday
ANN = ("ann@example.com", "HP1000001", "c-ann")
BOB = ("bob@example.com", "HP1000002", "c-bob")


@dataclass
class FakeActions:
    """Two customers with one order each; records what the assistant changed."""

    retriever: HybridRetriever
    directory: list[StoreInfo]
    consent: list[tuple[str, str, bool]] = field(default_factory=list)
    complaints: list[tuple[str, str, str | None]] = field(default_factory=list)
    looked_up: list[str] = field(default_factory=list)

    def verify(self, email: str, order_id: str) -> str | None:
        return next((c for e, o, c in (ANN, BOB) if e == email and o == order_id), None)

    def order_status(self, customer_id: str, order_id: str) -> dict[str, Any] | None:
        self.looked_up.append(customer_id)
        owner = next((c for _, o, c in (ANN, BOB) if o == order_id), None)
        if owner != customer_id:
            return None
        return {"order_id": order_id, "status": "dispatched", "date": "2026-03-01", "total": 42.0}

    def purchase_history(self, customer_id: str, limit: int = 5) -> list[dict[str, Any]]:
        self.looked_up.append(customer_id)
        return [
            {"order_id": o, "date": "2026-03-01", "total": 42.0}
            for _, o, c in (ANN, BOB)
            if c == customer_id
        ]

    def loyalty_balance(self, customer_id: str) -> dict[str, Any]:
        self.looked_up.append(customer_id)
        return {"points": 1234 if customer_id == "c-ann" else 7}

    def set_consent(self, customer_id: str, channel: str, granted: bool) -> dict[str, Any]:
        self.consent.append((customer_id, channel, granted))
        return {"purpose": f"{channel}_marketing", "granted": granted}

    def open_complaint(self, customer_id: str, text: str, order_id: str | None) -> dict[str, Any]:
        self.complaints.append((customer_id, text, order_id))
        return {"id": f"CMP-{len(self.complaints)}"}

    def answer(self, question: str) -> Hit | None:
        hits = self.retriever.search(question, k=1)
        return hits[0] if hits and hits[0].score >= 0.3 else None

    def stores(self) -> list[StoreInfo]:
        return self.directory

    def now(self) -> datetime:
        return NOW


@pytest.fixture(scope="session")
def data() -> TrainingData:
    return load_training_data()


@pytest.fixture(scope="session")
def nlu(data: TrainingData) -> AssistantNLU:
    texts, labels = data.examples()
    classifier = IntentClassifier(embedder=None, tfidf=True).fit(texts, labels)
    stores = load_stores()
    filler = SlotFiller([(s.id, [s.name, *s.aliases]) for s in stores], now=lambda: NOW)
    return AssistantNLU(classifier, filler)


@pytest.fixture
def actions() -> FakeActions:
    return FakeActions(HybridRetriever(load_passages()), load_stores())


@pytest.fixture
def manager(nlu: AssistantNLU, data: TrainingData, actions: FakeActions) -> DialogueManager:
    return DialogueManager(nlu, data, actions)


@pytest.fixture(autouse=True, scope="session")
def _one_thread() -> Iterator[None]:
    """Small linear models fit far faster on one thread than on an oversubscribed pool."""
    with threadpool_limits(1):
        yield
