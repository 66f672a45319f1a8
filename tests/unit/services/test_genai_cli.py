"""``vantage genai ...`` commands (CLI over the genai services)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vantage.cli.main import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from solutions.genai.fake_openai import fake_openai_server

runner = CliRunner()
ARTICLE = (
    "Acme Foods reported record profits of 40 million pounds on Tuesday. Shares rose 12%. "
    "The firm will open a factory in Leeds. Analysts expected less."
)


def test_summarize_reads_stdin(home: Path) -> None:
    done = runner.invoke(
        app, ["genai", "summarize", "-n", "1", "--encoder", "tfidf", "--json"], input=ARTICLE
    )
    assert done.exit_code == 0, done.output
    out = json.loads(done.output)
    assert out["method"] == "extractive" and len(out["sentences"]) == 1


def test_minutes_from_a_file(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "meeting.txt"
    path.write_text("Ann: We decided to hire. Ben: I will post the job ad by Friday.\n")
    done = runner.invoke(app, ["genai", "minutes", str(path), "--date", "2026-03-02"])
    assert done.exit_code == 0, done.output
    assert "post the job ad" in done.output and "2026-03-06" in done.output


def test_describe_one_product_and_the_demo_catalogue(home: Path) -> None:
    one = runner.invoke(
        app, ["genai", "describe", "Yoga Mat", "-a", "colour=purple", "-a", "price=25", "--json"]
    )
    assert one.exit_code == 0, one.output
    assert json.loads(one.output)[0]["coverage"] == 1.0
    batch = runner.invoke(
        app, ["genai", "describe", "--catalogue", "demo", "--limit", "3", "--json"]
    )
    assert batch.exit_code == 0, batch.output
    assert len(json.loads(batch.output)) == 3
    bad = runner.invoke(app, ["genai", "describe", "Mug", "-a", "colour"])
    assert bad.exit_code != 0 and "not key=value" in bad.output


def test_eval_without_backend_explains_the_setting(home: Path) -> None:
    done = runner.invoke(app, ["genai", "eval", "describe", "--compare", "v1", "v2"])
    assert done.exit_code == 1
    assert "No generative-AI backend is configured" in done.output
    assert "VANTAGE_GENAI__BACKEND" in done.output


def test_eval_and_image_with_an_http_backend(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_openai_server() as fake:
        monkeypatch.setenv("VANTAGE_GENAI__BACKEND", "openai")
        monkeypatch.setenv("VANTAGE_GENAI__BASE_URL", fake.url)
        monkeypatch.setenv("VANTAGE_GENAI__MODEL", "fake")
        done = runner.invoke(app, ["genai", "eval", "summarize", "--compare", "v1", "v2"])
        assert done.exit_code == 0, done.output
        assert "summarize@v1" in done.output and "rouge1" in done.output
        image = runner.invoke(app, ["genai", "image", "a red shoe", "--out", str(home / "img")])
        assert image.exit_code == 0, image.output
        assert (home / "img" / "image-1.png").read_bytes().startswith(b"\x89PNG")


def test_prompts_lists_versions(home: Path) -> None:
    done = runner.invoke(app, ["genai", "prompts", "--json"])
    assert json.loads(done.output)["describe"] == ["v1", "v2"]
