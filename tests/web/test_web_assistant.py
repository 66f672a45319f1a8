"""The assistants in the dashboard: the chat widget and the analyst's "Ask" box (no browser)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from web_workspace import WebWorkspace

from conftest import csrf_of


def _send(client: TestClient, text: str, conversation: str, **extra: str) -> str:
    csrf = csrf_of(client.get("/ui/assistant").text)
    response = client.post(
        "/ui/assistant/chat",
        data={"csrf_token": csrf, "conversation": conversation, "text": text, **extra},
    )
    assert response.status_code == 200
    return html.unescape(response.text)


def test_the_chat_widget_is_on_every_page_for_analysts_only(
    analyst: TestClient, viewer: TestClient
) -> None:
    for path in ("/ui/", "/ui/customers", "/ui/text"):
        page = analyst.get(path).text
        assert 'id="chat-widget"' in page and 'hx-post="/ui/assistant/chat"' in page, path
    assert 'id="chat-widget"' not in viewer.get("/ui/").text
    assert 'href="/ui/assistant"' not in viewer.get("/ui/").text
    assert viewer.get("/ui/assistant").status_code == 403


def test_a_message_gets_the_assistants_reply_and_context_is_kept(
    analyst: TestClient, workspace: WebWorkspace
) -> None:
    first = _send(analyst, "where is my order", "conv1")
    assert "<p>where is my order</p>" in first
    assert "What is the e-mail address on your account?" in first
    assert "order_status" in first and "outcome-asked" in first
    second = _send(analyst, workspace.email, "conv1")
    assert "And the number of any order you placed with us" in second
    other = _send(analyst, workspace.email, "conv2")
    assert "And the number of any order" not in other
    hours = _send(analyst, "what are your opening hours", "conv3")
    assert "Which store?" in hours and "store_hours" in hours


def test_chat_refuses_bad_input_and_viewers(analyst: TestClient, viewer: TestClient) -> None:
    assert "Invalid text: the message is empty." in _send(analyst, "   ", "conv4")
    bad = _send(analyst, "hello", "../other-user")
    assert "Invalid conversation: '../other-user'." in bad
    assert "Use 1-32 letters or digits" in bad
    csrf = csrf_of(viewer.get("/ui/").text)
    refused = viewer.post(
        "/ui/assistant/chat", data={"csrf_token": csrf, "conversation": "c", "text": "hi"}
    )
    assert refused.status_code == 403
    no_csrf = analyst.post("/ui/assistant/chat", data={"conversation": "c", "text": "hi"})
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.text


def test_ask_shows_the_plan_before_running_then_the_table(analyst: TestClient) -> None:
    csrf = csrf_of(analyst.get("/ui/assistant").text)
    question = "how many customers bought twice in the last month but not since"
    plan = html.unescape(
        analyst.post("/ui/assistant/plan", data={"csrf_token": csrf, "question": question}).text
    )
    assert 'id="ask-shown"' in plan and "Order Completed" in plan and "where:" in plan
    assert 'id="answer-table"' not in plan and f'value="{question}"' in plan
    answer = analyst.post("/ui/assistant/answer", data={"csrf_token": csrf, "question": question})
    assert 'id="answer-table"' in answer.text
    assert re.search(r'<td class="num">\d+</td>', answer.text)
    query = "total revenue by month"
    shown = analyst.post("/ui/assistant/plan", data={"csrf_token": csrf, "question": query}).text
    assert "read-only query" in shown
    table = analyst.post("/ui/assistant/answer", data={"csrf_token": csrf, "question": query})
    assert len(re.findall(r"<tr>", table.text)) > 2


def test_ask_names_a_question_it_cannot_read(analyst: TestClient) -> None:
    csrf = csrf_of(analyst.get("/ui/assistant").text)
    empty = analyst.post("/ui/assistant/plan", data={"csrf_token": csrf, "question": " "})
    assert "Invalid question: it is empty." in empty.text
    odd = analyst.post(
        "/ui/assistant/plan", data={"csrf_token": csrf, "question": "sing me a song"}
    )
    assert "class='muted'" in odd.text and "class='fix'" in odd.text
