"""POST /v1/genai/summaries, /minutes, /descriptions, /messages."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vantage.api.app import create_app
from vantage.core.settings import GenAISettings, Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from solutions.genai.fake_openai import FakeOpenAI, fake_openai_server

ARTICLE = (
    "Acme Foods reported record profits of 40 million pounds on Tuesday. Shares rose 12%. "
    "The firm will open a factory in Leeds. Analysts expected less. The chief executive was "
    "pleased with the strategy."
)
PROFILE = {
    "customer_id": "c1",
    "first_name": "Ann",
    "recommendations": ["Yoga Mat"],
    "predictions": {"churn_90d": 0.9},
    "consent": {"email_marketing": True},
}


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with fake_openai_server() as state:
        yield state


@pytest.fixture
def llm_client(settings: Settings, fake: FakeOpenAI) -> Iterator[TestClient]:
    configured = settings.model_copy(
        update={"genai": GenAISettings(backend="openai", base_url=fake.url, model="fake")}
    )
    with TestClient(create_app(configured)) as test_client:
        yield test_client


def test_admin_token_required(client: TestClient) -> None:
    assert client.post("/v1/genai/summaries", json={"text": "x"}).status_code == 401


def test_extractive_summary_offline(client: TestClient, admin: dict[str, str]) -> None:
    done = client.post("/v1/genai/summaries", json={"text": ARTICLE, "sentences": 2}, headers=admin)
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["method"] == "extractive" and len(body["sentences"]) == 2
    assert all(s in ARTICLE for s in body["sentences"])


def test_abstractive_without_backend_is_409_with_a_fix(
    client: TestClient, admin: dict[str, str]
) -> None:
    done = client.post(
        "/v1/genai/summaries", json={"text": ARTICLE, "method": "abstractive"}, headers=admin
    )
    assert done.status_code == 409
    assert done.json()["code"] == "no_genai_backend"
    assert "VANTAGE_GENAI__BACKEND" in done.json()["fix"]


def test_minutes(client: TestClient, admin: dict[str, str]) -> None:
    transcript = "Ann: We agreed to ship in May.\nBen: I will write the notes by Friday."
    done = client.post(
        "/v1/genai/minutes",
        json={"transcript": transcript, "meeting_date": "2026-03-02"},
        headers=admin,
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["decisions"] == ["We agreed to ship in May."]
    assert body["action_items"][0] == {
        "task": "write the notes",
        "owner": "Ben",
        "due": "2026-03-06",
        "due_text": "Friday",
        "said_by": "Ben",
    }


def test_descriptions_with_the_model(
    llm_client: TestClient, admin: dict[str, str], fake: FakeOpenAI
) -> None:
    fake.replies = ["The red Trail Running Shoes in leather, 89.00."]
    product = {"name": "Trail Running Shoes", "attributes": {"colour": "red", "price": 89.0}}
    done = llm_client.post(
        "/v1/genai/descriptions", json={"products": [product], "tone": "friendly"}, headers=admin
    )
    assert done.status_code == 200, done.text
    result = done.json()["results"][0]
    assert result["method"] == "llm (fake)"
    assert result["coverage"] == 1.0 and result["invented"] == ["leather"]


def test_messages_respect_consent(client: TestClient, admin: dict[str, str]) -> None:
    done = client.post(
        "/v1/genai/messages",
        json={"profile": PROFILE, "channels": ["email", "sms"]},
        headers=admin,
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert [m["channel"] for m in body["messages"]] == ["email"]
    assert body["messages"][0]["goal"] == "win back"
    assert body["skipped"] == [{"channel": "sms", "reason": "no sms_marketing consent"}]


def test_messages_need_exactly_one_customer(client: TestClient, admin: dict[str, str]) -> None:
    done = client.post("/v1/genai/messages", json={"channels": ["email"]}, headers=admin)
    assert done.status_code == 422
    assert "exactly one of customer_id" in done.text
    missing = client.post("/v1/genai/messages", json={"customer_id": "nobody"}, headers=admin)
    assert missing.status_code == 404, missing.text
