"""Train and score the customer analytics solutions on a workspace's warehouse.

``train`` evaluates on the most recent held-out window (against the named baseline), refits on
everything up to the as-of time, saves the model with its card and logs the run to MLflow.
``score`` loads the latest trained model, computes features as of now and writes the
predictions to the warehouse ``predictions`` table, where profiles read them.

Solutions: ``clv`` (90-day spend, written as models ``clv_90d`` and ``churn_risk``) and
``propensity`` (purchase in the next 30 days, model ``propensity_30d``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import pandas as pd

from vantage.core.errors import VantageError
from vantage.core.settings import Settings
from vantage.services.models import load_model, new_version, save_model, write_predictions
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features.warehouse import ORDER_EVENT
from vantage.store.warehouse import Store

SOLUTIONS = ("clv", "propensity")
CLV_HORIZON = 90
PROPENSITY_HORIZON = 30
Progress = Callable[[str], None]


class AnalyticsError(VantageError):
    """A solution cannot be trained or scored on this workspace."""


def _check(solution: str) -> None:
    if solution not in SOLUTIONS:
        raise AnalyticsError(
            f"Unknown solution {solution!r}.", f"Choose one of: {', '.join(SOLUTIONS)}."
        )


def data_end(store: Store) -> datetime:
    """The time of the latest order (the default as-of time).

    Orders, not all events: imported records can carry future dates (a CRM export's renewal
    date, say), which would put the label window after the data ends. Timestamps after now are
    ignored for the same reason.

    Raises:
        AnalyticsError: The warehouse holds no orders or no identity map.
    """
    if not store.has_table("identity_map"):
        raise AnalyticsError(
            "The warehouse has no identity map, so events have no customer.",
            "Run `vantage identity rebuild` (or `vantage demo`) first.",
        )
    events = store.table("events")
    orders = events.filter(
        (events.type == "track")
        & (events.event == ORDER_EVENT)
        & (events.timestamp <= ibis.literal(datetime.now(UTC), type="timestamp('UTC')"))
    )
    latest = store.scalar(orders.timestamp.max())
    if latest is None:
        raise AnalyticsError(
            f"The warehouse holds no {ORDER_EVENT!r} events to learn from.",
            "Send or import events and run `vantage sync`, or run `vantage demo`.",
        )
    return pd.Timestamp(latest).to_pydatetime().astimezone(UTC)


def _clv_train(store: Store, as_of: datetime, note: Progress) -> tuple[Any, dict[str, Any]]:
    from vantage.solutions.clv import CLVSolution, DegenerateFitWarning
    from vantage.solutions.features import transactions

    tx = transactions(store, as_of=as_of)
    if tx["customer_id"].nunique() < 20:
        raise AnalyticsError(
            f"Only {tx['customer_id'].nunique()} customers have orders; CLV needs at least 20.",
            "Train on a workspace with more order history.",
        )
    cutoff = as_of - timedelta(days=CLV_HORIZON)
    note(f"evaluating on the {CLV_HORIZON} days before {as_of:%Y-%m-%d}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateFitWarning)
        held = CLVSolution(horizon_days=CLV_HORIZON).fit(tx, cutoff=cutoff)
        table = held.evaluate(tx, end=as_of)
        note("refitting on all data")
        final = CLVSolution(horizon_days=CLV_HORIZON).fit(tx, cutoff=as_of)
    best = str(table["mae_spend"].drop("naive").idxmin())
    final.best_ = best  # type: ignore[attr-defined]
    card = {
        "name": "clv_90d",
        "solution": "clv",
        "description": "Expected spend per customer over the next 90 days; churn risk is "
        "1 - BG/NBD probability alive.",
        "estimator": f"CLVSolution (best on holdout: {best})",
        "baseline": "naive: calibration purchase rate x horizon x mean repeat spend",
        "rows": int(tx["customer_id"].nunique()),
        "evaluation": f"fit up to {cutoff:%Y-%m-%d}, scored on ({cutoff:%Y-%m-%d}, "
        f"{as_of:%Y-%m-%d}]",
        "metric_names": ["mae_spend", "mae_transactions", "rmse_spend", "corr_transactions"],
        "metrics": table.to_dict(orient="index"),
        "params": {"horizon_days": CLV_HORIZON, "models": ",".join(final.models), "best": best},
        "warnings": held.warnings_ + final.warnings_,
        "limitations": ["Non-contractual purchase model: customers without orders get no CLV."],
    }
    return final, card


def _propensity_train(store: Store, as_of: datetime, note: Progress) -> tuple[Any, dict[str, Any]]:
    from vantage.solutions.propensity import PropensityModel, purchase_dataset, time_split

    test_as_of = as_of - timedelta(days=PROPENSITY_HORIZON)
    note(f"time split: train before, test as of {test_as_of:%Y-%m-%d}")
    try:
        result = time_split(store, test_as_of=test_as_of, horizon_days=PROPENSITY_HORIZON)
        x, y = purchase_dataset(store, as_of=test_as_of, horizon_days=PROPENSITY_HORIZON)
        note("refitting on the latest window")
        model = PropensityModel().fit(x, y)
    except VantageError as exc:
        raise AnalyticsError(exc.message, exc.fix) from exc
    card = {
        "name": "propensity_30d",
        "solution": "propensity",
        "description": "Probability that a customer places an order in the next 30 days "
        "(isotonic-calibrated LightGBM on the shared features), with SHAP top factors.",
        "estimator": "PropensityModel (LightGBM + isotonic calibration)",
        "baseline": "logistic regression on the same features; recency rule",
        "rows": len(x),
        "evaluation": f"trained as of {result['train_as_of'][:10]}, tested as of "
        f"{result['test_as_of'][:10]} ({result['test_rows']} customers)",
        "metric_names": ["roc_auc", "pr_auc", "brier", "base_rate"],
        "metrics": result["models"],
        "params": {"horizon_days": PROPENSITY_HORIZON, "features": len(x.columns)},
        "warnings": [],
        "limitations": ["Scores customers seen at least once; labels are Order Completed events."],
    }
    return model, card


def train(
    settings: Settings,
    solution: str,
    *,
    as_of: datetime | None = None,
    track: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Evaluate, fit and save one solution; return its model card.

    Args:
        settings: Settings of the workspace.
        solution: ``clv`` or ``propensity``.
        as_of: Use data up to this time (default: the latest event).
        track: Log the run to MLflow.
        progress: Called with a short note as steps start.

    Raises:
        AnalyticsError: Unknown solution, or too little data.
    """
    _check(solution)
    note = progress or (lambda _: None)
    with open_warehouse(settings) as store:
        end = as_of or data_end(store)
        fit = _clv_train if solution == "clv" else _propensity_train
        model, card = fit(store, end, note)
    now = datetime.now(UTC)
    card.update(version=new_version(now), trained_at=now.isoformat(), as_of=end.isoformat())
    note("saving the model and logging the run")
    return save_model(settings, card, model, track=track)


def _clv_scores(model: Any, store: Store, as_of: datetime) -> dict[str, pd.DataFrame]:
    from vantage.solutions.features import transactions

    long = model.predict_at(transactions(store, as_of=as_of), cutoff=as_of)
    best = long[long.model == getattr(model, "best_", "lightgbm")]
    out = {"clv_90d": best.rename(columns={"spend": "score"})[["customer_id", "score"]]}
    alive = long[long.model == "bgnbd"]
    if not alive.empty:
        out["churn_risk"] = alive.assign(score=1.0 - alive.p_alive)[["customer_id", "score"]]
    return out


def score(settings: Settings, solution: str, *, as_of: datetime | None = None) -> dict[str, int]:
    """Score every customer with the latest trained model and write the predictions.

    Returns:
        Rows written per prediction model name.

    Raises:
        AnalyticsError: Unknown solution.
        ModelNotFoundError: The solution was never trained.
    """
    _check(solution)
    name = "clv_90d" if solution == "clv" else "propensity_30d"
    model, card = load_model(settings, name)
    with open_warehouse(settings) as store:
        end = as_of or data_end(store)
        if solution == "clv":
            frames = _clv_scores(model, store, end)
        else:
            from vantage.solutions.propensity import purchase_dataset

            x, _ = purchase_dataset(store, as_of=end, horizon_days=0)
            x = x.reindex(columns=model.feature_names_, fill_value=0.0)
            p = model.predict_proba(x)[:, 1]
            frames = {name: pd.DataFrame({"customer_id": x.index, "score": p})}
        return {
            key: write_predictions(store, frame, model=key, version=card["version"])
            for key, frame in frames.items()
        }


def leaderboard(card: dict[str, Any]) -> list[tuple[str, float]]:
    """(model, headline metric) of a card, best first (lowest MAE or highest ROC-AUC)."""
    metric = card["metric_names"][0]
    rows = [
        (model, float(values[metric]))
        for model, values in card.get("metrics", {}).items()
        if values.get(metric) is not None and values[metric] == values[metric]
    ]
    return sorted(rows, key=lambda r: r[1], reverse=metric.startswith("roc"))


def demo_models_step(run: Any) -> str:
    """A ``vantage demo`` step: train and score every solution, return a short leaderboard.

    Wire it with ``DemoPipeline.add(DemoStep("models", demo_models_step))``; it reads
    ``run.ctx.settings`` and stores the leaderboards in ``run.facts["models"]``.
    """
    settings = run.ctx.settings
    boards: dict[str, Any] = {}
    parts = []
    for solution in SOLUTIONS:
        card = train(settings, solution)
        score(settings, solution)
        board = leaderboard(card)
        metric = card["metric_names"][0]
        boards[card["name"]] = {"metric": metric, "models": dict(board)}
        shown = ", ".join(f"{model} {value:.3g}" for model, value in board)
        parts.append(f"{card['name']} {metric}: {shown}")
    run.facts["models"] = boards
    return "; ".join(parts)


def top_factors(settings: Settings, customer_id: str, *, k: int = 3) -> dict[str, Any]:
    """Why the propensity model scores one customer as it does: the ``k`` strongest SHAP factors.

    Returns:
        ``{"customer_id", "model", "version", "score", "factors": [{feature, value, impact}]}``
        (impacts in log-odds; positive raises the score).

    Raises:
        ModelNotFoundError: The propensity model was never trained.
        AnalyticsError: The customer has no events.
    """
    from vantage.solutions.propensity import purchase_dataset

    model, card = load_model(settings, "propensity_30d")
    with open_warehouse(settings) as store:
        x, _ = purchase_dataset(store, as_of=data_end(store), horizon_days=0)
    if customer_id not in x.index:
        raise AnalyticsError(
            f"No customer {customer_id!r} with events in the warehouse.",
            "Check the customer_id (see `vantage profile`), or run `vantage sync`.",
        )
    row = x.loc[[customer_id]].reindex(columns=model.feature_names_, fill_value=0.0)
    return {
        "customer_id": customer_id,
        "model": card["name"],
        "version": card["version"],
        "score": float(model.predict_proba(row)[0, 1]),
        "factors": model.top_factors(row, k=k)[0],
    }
