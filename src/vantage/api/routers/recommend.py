"""API routes for recommendations (admin token: recommendations reveal purchase history)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from vantage.api.deps import ReadDep, RuntimeDep
from vantage.api.errors import from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.services.context import ServiceContext

router = APIRouter(
    tags=["models"],
    dependencies=[ReadDep],
    responses={
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        404: {"model": ErrorBody, "description": "No such customer or product, or no orders."},
    },
)
IdPath = Annotated[str, Path(min_length=1, max_length=200)]
CountQuery = Annotated[int, Query(ge=1, le=100, description="How many products.")]


class ProductPublic(BaseModel):
    """A recommended product."""

    product_id: str
    score: float
    name: str | None = None
    category: str | None = None


class RecommendationsPublic(BaseModel):
    """Products for one customer, best first."""

    customer_id: str
    model: str = Field(description="The recommender that ranked them.")
    version: str
    strategy: str = Field(description="'personal', or popular products for a new customer.")
    items: list[ProductPublic]


class AlsoBoughtPublic(BaseModel):
    """Products bought by the customers who bought one product, best first."""

    product_id: str
    model: str
    version: str
    items: list[ProductPublic]


@router.get(
    "/v1/profiles/{customer_id}/recommendations",
    summary="Products to recommend to one customer",
    response_model=RecommendationsPublic,
)
def customer_recommendations(
    customer_id: IdPath, runtime: RuntimeDep, n: CountQuery = 10
) -> RecommendationsPublic:
    """The customer's top products (trained on first use; ``vantage recommend --train``)."""
    from vantage.services import recommend

    try:
        found = recommend.recommend_for(ServiceContext(runtime.settings), customer_id, n)
    except recommend.RecommendError as exc:
        raise from_vantage_error(exc, 404, "not_found") from exc
    return RecommendationsPublic.model_validate(found)


@router.get(
    "/v1/products/{product_id}/also-bought",
    summary="Products also bought with one product",
    response_model=AlsoBoughtPublic,
)
def also_bought(product_id: IdPath, runtime: RuntimeDep, n: CountQuery = 10) -> AlsoBoughtPublic:
    """Item-item co-occurrence: what the buyers of this product (id or SKU) also bought."""
    from vantage.services import recommend

    try:
        found = recommend.also_bought(ServiceContext(runtime.settings), product_id, n)
    except recommend.RecommendError as exc:
        raise from_vantage_error(exc, 404, "not_found") from exc
    return AlsoBoughtPublic.model_validate(found)
