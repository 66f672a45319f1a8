"""POST /v1/nlp/sentiment and /v1/nlp/classify."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from fastapi.testclient import TestClient

from vantage.core.settings import Settings
from vantage.services import nlp_text as service


def test_admin_token_required(client: TestClient) -> None:
    done = client.post("/v1/nlp/sentiment", json={"texts": ["hi"]})
    assert done.status_code == 401


def test_sentiment_with_aspects(client: TestClient, admin: dict[str, str]) -> None:
    done = client.post(
        "/v1/nlp/sentiment",
        json={"texts": ["Great price, but the delivery was late.", "I hate it"], "aspects": True},
        headers=admin,
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["model"] == "vader"
    first, second = body["results"]
    assert first["aspects"] == {"price": "positive", "delivery": "negative"}
    assert second["label"] == "negative" and second["score"] < 0


def test_classify_with_a_trained_model(
    client: TestClient, admin: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    rows = [(f"goal match striker {i}", "sport") for i in range(6)]
    rows += [(f"chip software code {i}", "tech") for i in range(6)]
    pd.DataFrame(rows, columns=["t", "l"]).to_csv(tmp_path / "d.csv", index=False)
    service.train(
        Path(settings.home), tmp_path / "d.csv", text="t", label="l", task="classify", name="news"
    )
    done = client.post(
        "/v1/nlp/classify",
        json={"texts": ["the striker scored a goal"], "model": "news"},
        headers=admin,
    )
    assert done.status_code == 200, done.text
    assert done.json()["results"][0]["label"] == "sport"


def test_errors(client: TestClient, admin: dict[str, str]) -> None:
    missing = client.post("/v1/nlp/classify", json={"texts": ["x"], "model": "nope"}, headers=admin)
    assert missing.status_code == 404
    assert "No saved text model named 'nope'" in missing.json()["message"]
    empty = client.post("/v1/nlp/sentiment", json={"texts": []}, headers=admin)
    assert empty.status_code == 422
    bad_name = client.post(
        "/v1/nlp/classify", json={"texts": ["x"], "model": "../x"}, headers=admin
    )
    assert bad_name.status_code == 422
