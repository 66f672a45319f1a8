"""Models API (admin token): trained models, their cards and metrics, a customer's predictions."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from vantage.api.deps import ReadDep, RuntimeDep
from vantage.api.errors import from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.services import models as model_service
from vantage.services.warehouse import open_warehouse

router = APIRouter(
    prefix="/v1/models",
    tags=["models"],
    dependencies=[ReadDep],
    responses={401: {"model": ErrorBody, "description": "Missing or wrong admin token."}},
)
NAME = Path(pattern=r"^[a-z][a-z0-9_]{0,62}$", description="Model name, e.g. clv_90d.")


class ModelPublic(BaseModel):
    """One trained model version."""

    name: str
    version: str
    solution: str
    trained_at: str
    as_of: str
    run_id: str | None = None


class ModelCardPublic(ModelPublic):
    """A model card: what it predicts, how it was evaluated, against which baseline."""

    description: str = ""
    estimator: str = ""
    baseline: str = ""
    evaluation: str = ""
    rows: int | None = None
    metric_names: list[str] = []
    metrics: dict[str, dict[str, float | None]] = {}
    params: dict[str, Any] = {}
    warnings: list[str] = []
    limitations: list[str] = []
    tracking_uri: str | None = None
    markdown: str = ""


class PredictionPublic(BaseModel):
    """One model's latest score for a customer."""

    model: str
    version: str
    score: float
    lo: float | None = None
    hi: float | None = None
    computed_at: str


class CustomerPredictionsPublic(BaseModel):
    """Every model's latest prediction for one customer."""

    customer_id: str
    predictions: list[PredictionPublic]


def _clean(metrics: dict[str, dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    return {
        model: {
            k: (None if v is None or math.isnan(float(v)) else float(v)) for k, v in values.items()
        }
        for model, values in metrics.items()
    }


@router.get("", summary="Trained models, newest first")
def list_models(runtime: RuntimeDep) -> list[ModelPublic]:
    """Every trained model version with when and on what data it was trained."""
    return [ModelPublic.model_validate(c) for c in model_service.list_models(runtime.settings)]


@router.get(
    "/{name}",
    summary="A model's card and held-out metrics",
    responses={404: {"model": ErrorBody, "description": "No such model or version."}},
)
def get_model(
    runtime: RuntimeDep,
    name: Annotated[str, NAME],
    version: Annotated[
        str | None, Query(max_length=64, description="Version (default latest).")
    ] = None,
) -> ModelCardPublic:
    """The model card: estimator, baseline, held-out metrics of each model, caveats."""
    try:
        card = model_service.get_card(runtime.settings, name, version)
    except model_service.ModelNotFoundError as exc:
        raise from_vantage_error(exc, 404, "model_not_found") from exc
    return ModelCardPublic.model_validate(
        {
            **card,
            "metrics": _clean(card.get("metrics", {})),
            "markdown": model_service.card_markdown(card),
        }
    )


class FactorPublic(BaseModel):
    """One feature's push on a score (SHAP value, log-odds)."""

    feature: str
    value: float | str | None
    impact: float


class FactorsPublic(BaseModel):
    """A propensity score with the features that drive it most."""

    customer_id: str
    model: str
    version: str
    score: float
    factors: list[FactorPublic]


@router.get(
    "/propensity_30d/factors/{customer_id}",
    summary="Why a customer has their propensity score",
    responses={404: {"model": ErrorBody, "description": "No model or no such customer."}},
)
def propensity_factors(
    runtime: RuntimeDep,
    customer_id: Annotated[str, Path(max_length=200, description="The customer_id.")],
    k: Annotated[int, Query(ge=1, le=20, description="How many factors.")] = 3,
) -> FactorsPublic:
    """The propensity score of one customer and its ``k`` strongest SHAP factors."""
    from vantage.services import analytics

    try:
        found = analytics.top_factors(runtime.settings, customer_id, k=k)
    except model_service.ModelNotFoundError as exc:
        raise from_vantage_error(exc, 404, "model_not_found") from exc
    except analytics.AnalyticsError as exc:
        raise from_vantage_error(exc, 404, "customer_not_found") from exc
    return FactorsPublic.model_validate(found)


@router.get("/predictions/{customer_id}", summary="A customer's predictions")
def customer_predictions(
    runtime: RuntimeDep,
    customer_id: Annotated[str, Path(max_length=200, description="The customer_id.")],
) -> CustomerPredictionsPublic:
    """The latest score of every model for one customer (empty when never scored)."""
    with open_warehouse(runtime.settings, timeout_s=30) as store:
        rows = model_service.read_predictions(store, customer_id)
    return CustomerPredictionsPublic(
        customer_id=customer_id, predictions=[PredictionPublic.model_validate(r) for r in rows]
    )
