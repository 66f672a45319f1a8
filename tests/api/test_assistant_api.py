"""POST /v1/assistant/messages, GET /v1/assistant/handoffs, POST /v1/analyst/questions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from threadpoolctl import threadpool_limits

from vantage.core.settings import Settings
from vantage.services import assistant as service


@pytest.fixture
def trained(settings: Settings) -> Iterator[Settings]:
    with threadpool_limits(1):
        service.train(settings, encoder=None)
        yield settings


def test_admin_token_required(client: TestClient) -> None:
    done = client.post("/v1/assistant/messages", json={"session_id": "s1", "text": "hi"})
    assert done.status_code == 401
    assert client.post("/v1/analyst/questions", json={"question": "x"}).status_code == 401


def test_untrained_assistant_is_a_conflict_that_says_how_to_train(
    client: TestClient, admin: dict[str, str]
) -> None:
    done = client.post(
        "/v1/assistant/messages", json={"session_id": "s1", "text": "hi"}, headers=admin
    )
    assert done.status_code == 409
    assert "vantage assistant train" in done.json()["fix"]


def test_conversation_over_the_api(
    client: TestClient, admin: dict[str, str], trained: Settings
) -> None:
    def say(text: str) -> dict[str, object]:
        done = client.post(
            "/v1/assistant/messages", json={"session_id": "web-7", "text": text}, headers=admin
        )
        assert done.status_code == 200, done.text
        return dict(done.json())

    assert say("hello")["intent"] == "greet"
    answer = say("what is your return policy")
    assert answer["outcome"] == "answered"
    assert answer["sources"] == ["returns.md#How do I return an item?"]
    asked = say("how many loyalty points do I have")
    assert asked["outcome"] == "asked" and "e-mail" in str(asked["text"])
    handed = say("let me talk to customer service")
    assert handed["handoff"] is True
    queue = client.get("/v1/assistant/handoffs", headers=admin).json()
    assert [h["session_id"] for h in queue] == ["web-7"]
    assert "loyalty_balance" in queue[0]["summary"]


def test_message_validation_names_the_field(client: TestClient, admin: dict[str, str]) -> None:
    done = client.post(
        "/v1/assistant/messages", json={"session_id": "bad id!", "text": "hi"}, headers=admin
    )
    assert done.status_code == 422
    assert "session_id" in done.text


def test_analyst_plan_only_does_not_run(client: TestClient, admin: dict[str, str]) -> None:
    done = client.post(
        "/v1/analyst/questions",
        json={
            "question": "build an audience of lapsed high spenders who consented to e-mail",
            "run": False,
        },
        headers=admin,
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["kind"] == "segment" and body["result"] is None
    assert {"consent": "email_marketing", "granted": True} in body["segment"]["where"]["all"]
    assert "consent: email_marketing" in body["shown"]


def test_analyst_measure_runs_read_only(client: TestClient, admin: dict[str, str]) -> None:
    done = client.post(
        "/v1/analyst/questions",
        json={"question": "how many orders in the last 30 days"},
        headers=admin,
    )
    assert done.status_code == 200, done.text
    assert done.json()["result"]["rows"] == [{"orders": 0}]


def test_analyst_question_outside_the_grammar(client: TestClient, admin: dict[str, str]) -> None:
    done = client.post(
        "/v1/analyst/questions", json={"question": "what is the meaning of life"}, headers=admin
    )
    assert done.status_code == 422
    assert "offline grammar" in done.json()["message"]
