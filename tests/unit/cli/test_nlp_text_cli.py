"""``vantage nlp train|sentiment|classify|models|trends``, run as the real console script."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from vantage.cli.main import app

from .cli_process import ok_json

GOOD = ["I love it, great quality", "Wonderful service, thank you", "Brilliant, fast delivery"]
BAD = ["Awful, it broke at once", "Terrible service and rude staff", "Horrible, never again"]


def _csv(tmp_path: Path) -> Path:
    rows = [(f"{t} {i}", "positive") for i in range(4) for t in GOOD]
    rows += [(f"{t} {i}", "negative") for i in range(4) for t in BAD]
    path = tmp_path / "labelled.csv"
    pd.DataFrame(rows, columns=["body", "mood"]).to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_train_classify_and_models_end_to_end(home: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path)
    trained = ok_json(
        home,
        "nlp",
        "train",
        "--task",
        "classify",
        "--data",
        str(path),
        "--text",
        "body",
        "--label",
        "mood",
        "--name",
        "mood",
    )
    assert trained["card"]["version"] == 1 and trained["model"]["approach"] == "tfidf"
    runner = CliRunner()
    labelled = runner.invoke(app, ["nlp", "classify", "--model", "mood", "Terrible, awful"])
    assert labelled.exit_code == 0 and "negative" in labelled.output
    models = runner.invoke(app, ["nlp", "models", "--json"])
    assert json.loads(models.output)[0]["name"] == "mood"


def test_sentiment_table_and_json(home: Path) -> None:
    done = CliRunner().invoke(
        app, ["nlp", "sentiment", "Great value", "Delivery was late, awful", "--aspects", "--json"]
    )
    out = json.loads(done.output)
    assert [r["label"] for r in out["results"]] == ["positive", "negative"]
    assert out["results"][1]["aspects"] == {"delivery": "negative"}
    result = CliRunner().invoke(app, ["nlp", "sentiment", "I love it"])
    assert result.exit_code == 0 and "positive" in result.output


def test_friendly_errors(home: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path)
    done = CliRunner().invoke(
        app, ["nlp", "train", "--data", str(path), "--text", "text", "--label", "mood"]
    )
    assert done.exit_code == 1
    assert "has no column 'text' (given as --text)" in done.output
    assert "Use one of its columns: body, mood" in done.output
    result = CliRunner().invoke(app, ["nlp", "classify", "--model", "nope", "hello"])
    assert result.exit_code == 1 and "No saved text model named 'nope'" in result.output
    result = CliRunner().invoke(app, ["nlp", "score"])
    assert result.exit_code == 1 and "No text events" in result.output


def test_trends_from_csv(home: Path, tmp_path: Path) -> None:
    texts = [f"parcel delivery late courier {i}" for i in range(6)]
    texts += [f"refund return still waiting {i}" for i in range(6)]
    pd.DataFrame({"text": texts}).to_csv(tmp_path / "t.csv", index=False)
    result = CliRunner().invoke(
        app,
        [
            "nlp",
            "trends",
            "--data",
            str(tmp_path / "t.csv"),
            "--topics",
            "2",
            "--embedding",
            "tfidf",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"n_texts": 6' in result.output
