"""``vantage nlp entities|receipt|transcribe`` in process, and one real subprocess run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from typer.testing import CliRunner

from vantage.cli.main import app
from vantage.services import nlp_documents as receipt_service
from vantage.services import nlp_documents_speech as speech_service
from vantage.solutions.nlp.documents import OcrLine
from vantage.solutions.nlp.speech import Transcript

from .cli_process import ok_json

runner = CliRunner()


def draw_receipt(path: Path) -> Path:
    rows = [("CORNER CAFE LTD", None), ("5 HIGH STREET, LEEDS LS1 4AB", None)]
    rows += [("DATE: 03/05/2024", None), ("LATTE", "3.20"), ("TOTAL", "3.20")]
    image = Image.new("RGB", (560, 60 + 56 * len(rows)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    for i, (text, amount) in enumerate(rows):
        draw.text((30, 30 + 56 * i), text, fill="black", font=font)
        if amount:
            draw.text(
                (530 - draw.textlength(amount, font=font), 30 + 56 * i), amount, "black", font
            )
    image.save(path)
    return path


class FakeOcr:
    name = "fake"

    def read(self, image: object) -> list[OcrLine]:
        return [
            OcrLine("CORNER CAFE LTD", 10, 10, 300, 30),
            OcrLine("TOTAL", 10, 60, 100, 80),
            OcrLine("3.20", 400, 60, 450, 80),
        ]


def test_entities_from_arguments_and_stdin() -> None:
    done = runner.invoke(app, ["nlp", "entities", "Ann Smith visited Paris.", "--json"])
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)[0]["summary"] == {"person": ["Ann Smith"], "place": ["Paris"]}
    piped = runner.invoke(app, ["nlp", "entities"], input="Acme Corp hired Bob Jones.\n")
    assert piped.exit_code == 0, piped.stderr
    assert "Bob Jones" in piped.stdout and "organisation" in piped.stdout
    empty = runner.invoke(app, ["nlp", "entities"], input="\n")
    assert empty.exit_code == 1
    assert "No text was given." in empty.stderr


def test_entities_with_a_pattern_file(tmp_path: Path) -> None:
    config = tmp_path / "entities.yml"
    config.write_text(
        "types: [sku]\npatterns:\n  - {label: sku, pattern: [{TEXT: {REGEX: '^SKU-\\d+$'}}]}\n"
    )
    done = runner.invoke(
        app, ["nlp", "entities", "Return SKU-991 please", "--patterns", str(config), "--json"]
    )
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)[0]["summary"] == {"sku": ["SKU-991"]}
    config.write_text("patterns:\n  - {label: prodcut, pattern: x}\n")
    bad = runner.invoke(app, ["nlp", "entities", "x", "--patterns", str(config)])
    assert bad.exit_code == 1
    assert "has label 'prodcut'" in bad.stderr


def test_receipt_linked_and_unlinked(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(receipt_service, "_engine", lambda _name: FakeOcr())
    image = tmp_path / "r.png"
    Image.fromarray(np.full((20, 20, 3), 255, dtype=np.uint8)).save(image)
    plain = runner.invoke(app, ["nlp", "receipt", str(image)])
    assert plain.exit_code == 0, plain.stderr
    assert "CORNER CAFE LTD" in plain.stdout and "Not stored" in plain.stdout
    linked = runner.invoke(app, ["nlp", "receipt", str(image), "--customer-email", "a@b.co"])
    assert linked.exit_code == 0, linked.stderr
    assert "Stored as an 'Order Completed' event" in linked.stdout
    missing = runner.invoke(app, ["nlp", "receipt", str(tmp_path / "none.png")])
    assert missing.exit_code == 1
    assert "none.png does not exist" in missing.stderr


def test_transcribe_to_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Fake:
        name = "fake"

        def transcribe(self, audio: object) -> Transcript:
            return Transcript("please cancel my order", "fake", 2.0, 0.1)

    monkeypatch.setattr(speech_service, "make_transcriber", lambda _r, _m: Fake())
    clip = tmp_path / "call.wav"
    clip.write_bytes(b"x")
    out = tmp_path / "t.csv"
    done = runner.invoke(app, ["nlp", "transcribe", str(clip), "--out", str(out)])
    assert done.exit_code == 0, done.stderr
    assert "please cancel my order" in done.stdout
    assert "please cancel my order" in out.read_text()
    bad = runner.invoke(app, ["nlp", "transcribe", str(tmp_path / "nothing")])
    assert bad.exit_code == 1
    assert "nothing does not exist" in bad.stderr


@pytest.mark.slow
def test_receipt_end_to_end_in_a_subprocess(home: Path, tmp_path: Path) -> None:
    image = draw_receipt(tmp_path / "receipt.png")
    found = ok_json(home, "nlp", "receipt", str(image), "--customer-email", "ann@example.com")
    assert found["receipt"]["company"] == "CORNER CAFE LTD"
    assert found["receipt"]["total_value"] == 3.2
    assert found["receipt"]["date_iso"] == "2024-05-03"
    assert found["stored"] == 1
    assert found["event"]["context"]["externalIds"][0]["id"] == "ann@example.com"
