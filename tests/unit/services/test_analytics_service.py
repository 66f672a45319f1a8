"""Training and scoring the analytics solutions on a workspace; predictions in the warehouse."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from vantage.core.settings import Settings
from vantage.services import analytics
from vantage.services.models import ModelNotFoundError, list_models, read_predictions
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features.sample import load_sample_shop


@pytest.fixture
def shop(home: Path) -> Settings:
    settings = Settings(home=home)
    with open_warehouse(settings) as store:
        load_sample_shop(store, 120, seed=4)
    return settings


@pytest.mark.slow
def test_train_then_score_writes_predictions_onto_profiles(shop: Settings) -> None:
    card = analytics.train(shop, "clv", track=True)
    assert card["name"] == "clv_90d" and card["run_id"]
    assert {"naive", "bgnbd", "lightgbm"} <= set(card["metrics"])
    assert (Path(card["path"]) / "card.md").read_text().startswith("# Model card: clv_90d")
    assert any((shop.home / "mlflow").rglob("heldout_metrics.png"))
    prop = analytics.train(shop, "propensity", track=False)
    assert prop["run_id"] is None and "roc_auc" in prop["metrics"]["lightgbm"]
    assert [c["name"] for c in list_models(shop)] == ["propensity_30d", "clv_90d"]
    assert analytics.score(shop, "clv") == {"clv_90d": 120, "churn_risk": 120}
    written = analytics.score(shop, "propensity")
    assert written["propensity_30d"] == 144
    with open_warehouse(shop) as store:
        rows = read_predictions(store, "c1")
    assert [r["model"] for r in rows] == ["churn_risk", "clv_90d", "propensity_30d"]
    assert 0 <= rows[0]["score"] <= 1 and rows[1]["score"] >= 0
    again = analytics.score(shop, "propensity")
    assert again == written  # replaced, not appended
    why = analytics.top_factors(shop, "c1", k=2)
    assert len(why["factors"]) == 2 and why["version"] == prop["version"]
    assert why["score"] == pytest.approx(rows[2]["score"])
    with pytest.raises(analytics.AnalyticsError, match="No customer 'c404'"):
        analytics.top_factors(shop, "c404")


def test_errors_say_what_to_do(home: Path) -> None:
    settings = Settings(home=home)
    with pytest.raises(analytics.AnalyticsError, match="Unknown solution 'magic'"):
        analytics.train(settings, "magic")
    with pytest.raises(ModelNotFoundError, match=r"No trained model 'clv_90d'.*vantage train"):
        analytics.score(settings, "clv")
    with pytest.raises(analytics.AnalyticsError, match=r"holds no .Order Completed. events"):
        analytics.train(settings, "clv", track=False)


def test_too_few_buyers_for_clv(home: Path) -> None:
    settings = Settings(home=home)
    with open_warehouse(settings) as store:
        load_sample_shop(store, 10, seed=1)
    with pytest.raises(analytics.AnalyticsError, match="CLV needs at least 20"):
        analytics.train(settings, "clv", track=False)


def test_demo_step_prints_a_leaderboard(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cards = {
        "clv": {
            "name": "clv_90d",
            "metric_names": ["mae_spend"],
            "metrics": {"naive": {"mae_spend": 30.0}, "lightgbm": {"mae_spend": 20.0}},
        },
        "propensity": {
            "name": "propensity_30d",
            "metric_names": ["roc_auc"],
            "metrics": {"logistic": {"roc_auc": 0.7}, "lightgbm": {"roc_auc": 0.8}},
        },
    }
    scored: list[str] = []
    monkeypatch.setattr(analytics, "train", lambda settings, solution: cards[solution])
    monkeypatch.setattr(analytics, "score", lambda settings, solution: scored.append(solution))
    run = SimpleNamespace(ctx=SimpleNamespace(settings=Settings(home=home)), facts={})
    line = analytics.demo_models_step(run)
    assert line == (
        "clv_90d mae_spend: lightgbm 20, naive 30; "
        "propensity_30d roc_auc: lightgbm 0.8, logistic 0.7"
    )
    assert scored == ["clv", "propensity"]
    assert run.facts["models"]["clv_90d"]["models"] == {"lightgbm": 20.0, "naive": 30.0}
