"""Marketing API (admin token): attribution results, the MMM summary, budget optimisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator

from vantage.api.deps import ReadDep, RuntimeDep
from vantage.api.errors import from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.core.errors import VantageError
from vantage.services.context import ServiceContext

router = APIRouter(
    prefix="/v1/marketing",
    tags=["marketing"],
    dependencies=[ReadDep],
    responses={
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        404: {"model": ErrorBody, "description": "Nothing computed yet for this workspace."},
    },
)
T = TypeVar("T")


class ChannelCreditPublic(BaseModel):
    """Conversions one channel earned under each model (model name -> conversions)."""

    channel: str
    credit: dict[str, float]


class AttributionPublic(BaseModel):
    """The last attribution run of the workspace."""

    computed_at: str
    journeys: int
    converting_journeys: int
    conversions_total: int
    lookback_days: float | None
    identity_resolved: bool
    models: list[str]
    channels: list[ChannelCreditPublic]


class IntervalPublic(BaseModel):
    """A posterior mean and its 94% interval for one channel."""

    channel: str
    mean: float
    lo: float
    hi: float


class MMMPublic(BaseModel):
    """The fitted marketing-mix model's contributions and ROI."""

    computed_at: str
    method: str
    draws: int
    max_rhat: float | None = None
    warnings: list[str] = Field(default_factory=list)
    weeks: int
    contributions: list[IntervalPublic]
    roi: list[IntervalPublic]


class Bound(BaseModel):
    """Weekly spend bounds of one channel."""

    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Bound:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self


class OptimiseCreate(BaseModel):
    """A budget question: weekly budget, bounds per channel, horizon."""

    budget: float | None = Field(
        default=None, gt=0, le=1e12, description="Weekly budget (default: recent weekly spend)."
    )
    bounds: dict[str, Bound] = Field(default_factory=dict)
    weeks: int = Field(default=13, ge=1, le=104)


class AllocationPublic(BaseModel):
    """Current and recommended weekly spend of one channel."""

    channel: str
    current: float
    recommended: float


class BudgetPlanPublic(BaseModel):
    """The recommended split, expected sales (mean, lo, hi) and uplift over ``weeks``."""

    weeks: int
    channels: list[AllocationPublic]
    current_sales: tuple[float, float, float]
    recommended_sales: tuple[float, float, float]
    uplift: tuple[float, float, float]
    probability_of_uplift: float


def _guard(work: Callable[[], T]) -> T:
    from vantage.services.marketing import MarketingResultMissingError

    try:
        return work()
    except MarketingResultMissingError as exc:
        raise from_vantage_error(exc, 404, "not_computed") from exc
    except VantageError as exc:
        raise from_vantage_error(exc, 422, "invalid_request") from exc


@router.get("/attribution", summary="Conversions credited per channel by each model")
def attribution(runtime: RuntimeDep) -> AttributionPublic:
    """The last result of ``vantage attribution`` on this workspace."""
    from vantage.services import marketing

    data = _guard(lambda: marketing.load_attribution(ServiceContext(runtime.settings)))
    channels = [
        ChannelCreditPublic(
            channel=row["channel"], credit={m: row[m] for m in data["models"] if m in row}
        )
        for row in data["channels"]
    ]
    return AttributionPublic(**{**data, "channels": channels})


@router.get("/mmm", summary="Channel contributions and ROI with 94% intervals")
def mmm_summary(runtime: RuntimeDep) -> MMMPublic:
    """The last fit of ``vantage mmm fit`` on this workspace."""
    from vantage.services import marketing

    _, _, summary = _guard(lambda: marketing.load_mmm(ServiceContext(runtime.settings)))
    return MMMPublic.model_validate(summary)


@router.post(
    "/optimise",
    summary="Split a weekly budget to maximise expected sales",
    responses={422: {"model": ErrorBody, "description": "Infeasible bounds or unknown channel."}},
)
def optimise(runtime: RuntimeDep, body: OptimiseCreate) -> BudgetPlanPublic:
    """Recommend weekly spend per channel within the bounds, with expected uplift."""
    from vantage.services import marketing

    plan = _guard(
        lambda: marketing.optimise(
            ServiceContext(runtime.settings),
            body.budget,
            {k: (b.low, b.high) for k, b in body.bounds.items()},
            weeks=body.weeks,
        )
    )
    return BudgetPlanPublic.model_validate(plan.as_dict())
