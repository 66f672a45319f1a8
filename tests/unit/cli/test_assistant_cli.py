"""`vantage assistant train|handoffs`, `vantage chat`, `vantage ask`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits
from typer.testing import CliRunner

from vantage.cli.main import app

runner = CliRunner()


@pytest.fixture
def one_thread() -> Iterator[None]:
    with threadpool_limits(1):
        yield


def test_train_chat_and_handoffs(home: Path, one_thread: None) -> None:
    trained = runner.invoke(app, ["assistant", "train", "--no-embeddings", "--json"])
    assert trained.exit_code == 0, trained.output
    assert json.loads(trained.output)["name"] == "assistant"
    chat = runner.invoke(
        app,
        ["chat", "--session", "t1"],
        input="hello\nhow long do refunds take\nI want to speak to a person\nquit\n",
    )
    assert chat.exit_code == 0, chat.output
    assert "returns.md#How long do refunds take?" in chat.output
    assert "passing you to a colleague" in chat.output
    queue = runner.invoke(app, ["assistant", "handoffs", "--json"])
    assert [h["session_id"] for h in json.loads(queue.output)] == ["t1"]


def test_chat_without_a_model_says_how_to_train(home: Path) -> None:
    done = runner.invoke(app, ["chat"], input="hi\n")
    assert done.exit_code == 1
    assert "vantage assistant train" in done.output


def test_ask_shows_the_plan_without_running(home: Path) -> None:
    done = runner.invoke(app, ["ask", "build an audience of high spenders", "--json"])
    assert done.exit_code == 0, done.output
    body = json.loads(done.output)
    assert body["segment"]["where"] == {"trait": "revenue", "op": ">=", "value": 500}
    assert "result" not in body


def test_ask_outside_the_grammar_is_a_friendly_error(home: Path) -> None:
    done = runner.invoke(app, ["ask", "what is love", "--yes"])
    assert done.exit_code == 1
    assert "offline grammar" in done.output
