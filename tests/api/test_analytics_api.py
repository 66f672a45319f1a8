"""Models API: list, card with metrics, a customer's predictions, admin only."""

from __future__ import annotations

import pandas as pd
from fastapi.testclient import TestClient

from vantage.core.settings import Settings
from vantage.services.models import save_model, write_predictions
from vantage.services.warehouse import open_warehouse


def _train(settings: Settings) -> None:
    card = {
        "name": "propensity_30d",
        "version": "v1",
        "solution": "propensity",
        "trained_at": "2025-01-01T00:00:00+00:00",
        "as_of": "2024-12-31T00:00:00+00:00",
        "metric_names": ["roc_auc", "brier"],
        "metrics": {
            "lightgbm": {"roc_auc": 0.8, "brier": 0.1},
            "recency_rule": {"brier": float("nan")},
        },
        "baseline": "logistic regression",
    }
    save_model(settings, card, {"toy": True}, track=False)
    with open_warehouse(settings) as store:
        frame = pd.DataFrame({"customer_id": ["c1"], "score": [0.42]})
        write_predictions(store, frame, model="propensity_30d", version="v1")


def test_list_card_and_predictions(
    client: TestClient, settings: Settings, admin: dict[str, str]
) -> None:
    _train(settings)
    listed = client.get("/v1/models", headers=admin)
    assert listed.status_code == 200, listed.text
    assert [m["name"] for m in listed.json()] == ["propensity_30d"]
    card = client.get("/v1/models/propensity_30d", headers=admin).json()
    assert card["metrics"]["lightgbm"]["roc_auc"] == 0.8
    assert card["metrics"]["recency_rule"]["brier"] is None
    assert card["baseline"] == "logistic regression" and card["markdown"].startswith("# Model card")
    preds = client.get("/v1/models/predictions/c1", headers=admin).json()
    assert preds["predictions"][0]["score"] == 0.42
    empty = client.get("/v1/models/predictions/nobody", headers=admin).json()
    assert empty == {"customer_id": "nobody", "predictions": []}


def test_unknown_model_and_missing_token(client: TestClient, admin: dict[str, str]) -> None:
    missing = client.get("/v1/models/clv_90d", headers=admin)
    assert missing.status_code == 404 and "No trained model 'clv_90d'" in missing.json()["message"]
    assert client.get("/v1/models").status_code == 401
    why = client.get("/v1/models/propensity_30d/factors/c1", headers=admin)
    assert why.status_code == 404 and "vantage train" in why.json()["fix"]
    assert client.get("/v1/models/Bad-Name", headers=admin).status_code == 422
