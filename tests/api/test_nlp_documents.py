"""POST /v1/nlp/entities, /v1/nlp/receipt (upload) and /v1/nlp/transcribe (upload)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from vantage.services import nlp_documents as receipt_service
from vantage.solutions.nlp.documents import OcrLine
from vantage.store.lake import EventLog


class FakeOcr:
    name = "fake"

    def read(self, image: object) -> list[OcrLine]:
        return [
            OcrLine("CORNER CAFE LTD", 10, 10, 300, 30),
            OcrLine("DATE 03/05/2024", 10, 40, 300, 60),
            OcrLine("TOTAL", 10, 80, 100, 100),
            OcrLine("3.20", 400, 80, 450, 100),
        ]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((30, 30, 3), 255, dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_admin_token_required(client: TestClient) -> None:
    done = client.post("/v1/nlp/entities", json={"texts": ["Ann"]})
    assert done.status_code == 401
    assert done.json()["code"] == "unauthorized"


@pytest.mark.slow
def test_entities(client: TestClient, admin: dict[str, str]) -> None:
    done = client.post(
        "/v1/nlp/entities", json={"texts": ["Ann Smith visited Paris."]}, headers=admin
    )
    assert done.status_code == 200, done.text
    [result] = done.json()["results"]
    assert result["summary"] == {"person": ["Ann Smith"], "place": ["Paris"]}


def test_entities_with_inline_patterns(client: TestClient, admin: dict[str, str]) -> None:
    body = {
        "texts": ["Return SKU-991 please"],
        "types": ["sku"],
        "patterns": [{"label": "sku", "pattern": [{"TEXT": {"REGEX": "^SKU-\\d+$"}}]}],
    }
    done = client.post("/v1/nlp/entities", json=body, headers=admin)
    assert done.status_code == 200, done.text
    assert done.json()["results"][0]["summary"] == {"sku": ["SKU-991"]}
    body["types"] = []
    wrong = client.post("/v1/nlp/entities", json=body, headers=admin)
    assert wrong.status_code == 422
    assert "has label 'sku'" in wrong.json()["message"]


def test_entities_validation(client: TestClient, admin: dict[str, str]) -> None:
    assert client.post("/v1/nlp/entities", json={"texts": []}, headers=admin).status_code == 422


def test_receipt_upload_links_a_customer(
    client: TestClient, admin: dict[str, str], log: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(receipt_service, "_engine", lambda _name: FakeOcr())
    files = {"image": ("r.png", png(), "image/png")}
    unlinked = client.post("/v1/nlp/receipt", files=files, headers=admin)
    assert unlinked.status_code == 200, unlinked.text
    assert unlinked.json()["event"] is None
    assert unlinked.json()["receipt"]["total_value"] == 3.2
    data = {"customer_email": "ann@example.com"}
    linked = client.post("/v1/nlp/receipt", files=files, data=data, headers=admin)
    assert linked.status_code == 200, linked.text
    body = linked.json()
    assert (body["stored"], body["event"]["event"]) == (1, "Order Completed")
    assert body["receipt"]["date_iso"] == "2024-05-03"
    assert log.count() == 1


def test_receipt_errors(client: TestClient, admin: dict[str, str]) -> None:
    files = {"image": ("r.png", b"not an image", "image/png")}
    bad = client.post("/v1/nlp/receipt", files=files, headers=admin)
    assert bad.status_code == 422
    assert "uploaded image is not a readable image" in bad.json()["message"]
    empty = client.post("/v1/nlp/receipt", files={"image": ("r.png", b"")}, headers=admin)
    assert empty.status_code == 422
    assert empty.json()["message"] == "The uploaded image is empty."
    email = {"customer_email": "nope"}
    files = {"image": ("r.png", png(), "image/png")}
    link = client.post("/v1/nlp/receipt", files=files, data=email, headers=admin)
    assert link.status_code == 422
    assert "--customer-email 'nope' is not a valid email" in link.json()["message"]


def test_transcribe_errors(client: TestClient, admin: dict[str, str]) -> None:
    files = {"audio": ("a.wav", b"garbage", "audio/wav")}
    bad = client.post("/v1/nlp/transcribe", files=files, headers=admin)
    assert bad.status_code == 422
    assert "could not be decoded as audio" in bad.json()["message"]
    unknown = client.post(
        "/v1/nlp/transcribe", files=files, data={"recogniser": "vosk"}, headers=admin
    )
    assert unknown.status_code == 422
    assert "recogniser" in unknown.json()["message"]


@pytest.mark.slow
def test_transcribe_speech(client: TestClient, admin: dict[str, str], tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (Debian package espeak-ng; .ci/run installs it)")
    clip = tmp_path / "clip.wav"
    subprocess.run(["espeak-ng", "-w", str(clip), "Please call me back tomorrow."], check=True)
    files = {"audio": ("clip.wav", clip.read_bytes(), "audio/wav")}
    done = client.post("/v1/nlp/transcribe", files=files, headers=admin)
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["recogniser"] == "whisper:tiny.en"
    assert "call me back tomorrow" in body["text"].lower()


def test_unusable_patterns_are_422(client: TestClient, admin: dict[str, str]) -> None:
    empty = {"texts": ["x"], "patterns": [{"label": "sku", "pattern": []}]}
    reply = client.post("/v1/nlp/entities", json=empty, headers=admin)
    assert reply.status_code == 422 and "patterns.0.pattern" in reply.json()["message"]
    odd = {
        "texts": ["x"],
        "types": ["sku"],
        "patterns": [{"label": "sku", "pattern": [{"NOT_AN_ATTR": "x"}]}],
    }
    reply = client.post("/v1/nlp/entities", json=odd, headers=admin)
    assert reply.status_code == 422, reply.text
    assert "A pattern cannot be used" in reply.json()["message"]
