"""Model cards, the model list, tracking URIs and the predictions table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from vantage.core.settings import Settings
from vantage.services import models
from vantage.services.warehouse import open_warehouse


def _card(version: str) -> dict[str, object]:
    return {
        "name": "toy",
        "version": version,
        "solution": "clv",
        "trained_at": "2025-01-01T00:00:00+00:00",
        "as_of": "2025-01-01T00:00:00+00:00",
        "metric_names": ["mae"],
        "metrics": {"naive": {"mae": 2.0}, "lightgbm": {"mae": 1.5}},
        "params": {"horizon_days": 90},
        "warnings": ["fit degenerated"],
    }


def test_tracking_uri_defaults_to_home_and_follows_the_setting(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(home=home)
    monkeypatch.delenv(models.MLFLOW_URI_ENV, raising=False)
    assert models.tracking_uri(settings) == (home.resolve() / "mlflow").as_uri()
    monkeypatch.setenv(models.MLFLOW_URI_ENV, "http://mlflow.internal:5000")
    assert models.tracking_uri(settings) == "http://mlflow.internal:5000"


def test_cards_are_saved_listed_and_rendered(home: Path) -> None:
    settings = Settings(home=home)
    models.save_model(settings, _card("v1"), {"weights": [1]}, track=False)
    models.save_model(settings, _card("v2"), {"weights": [2]}, track=False)
    assert [c["version"] for c in models.list_models(settings)] == ["v2", "v1"]
    model, card = models.load_model(settings, "toy")
    assert model == {"weights": [2]} and card["version"] == "v2"
    assert models.get_card(settings, "toy", "v1")["version"] == "v1"
    text = models.card_markdown(card)
    assert "| lightgbm | 1.5 |" in text and "fit degenerated" in text
    with pytest.raises(models.ModelNotFoundError, match="No trained model 'toy' version 'v9'"):
        models.get_card(settings, "toy", "v9")


def test_mlflow_run_logs_params_metrics_and_artifacts(home: Path) -> None:
    settings = Settings(home=home)
    card = models.save_model(settings, _card("v1"), {"w": 1}, track=True)
    runs = list((home / "mlflow").rglob("meta.yaml"))
    assert card["run_id"] and any(card["run_id"] in str(p) for p in runs)
    metric_files = {p.name for p in (home / "mlflow").rglob("metrics/*")}
    assert {"naive.mae", "lightgbm.mae"} <= metric_files
    assert any((home / "mlflow").rglob("model.joblib"))


def test_predictions_replace_per_model(home: Path) -> None:
    settings = Settings(home=home)
    frame = pd.DataFrame({"customer_id": ["c1", "c2"], "score": [0.2, 0.9], "lo": [0.1, 0.8]})
    with open_warehouse(settings) as store:
        assert models.write_predictions(store, frame, model="m", version="v1") == 2
        assert models.write_predictions(store, frame.head(1), model="m", version="v2") == 1
        models.write_predictions(store, frame, model="other", version="v1")
        rows = models.read_predictions(store, "c1")
    assert [(r["model"], r["version"], r["lo"], r["hi"]) for r in rows] == [
        ("m", "v2", 0.1, None),
        ("other", "v1", 0.1, None),
    ]
    assert datetime.fromisoformat(rows[0]["computed_at"]) <= datetime.now(UTC)
