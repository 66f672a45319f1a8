"""Forecasting API (admin token): compare models on a small long-format series, forecast."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from vantage.api.deps import AnalystDep
from vantage.api.errors import from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.core.errors import VantageError

router = APIRouter(
    prefix="/v1/forecast",
    tags=["forecast"],
    dependencies=[AnalystDep],
    responses={
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        422: {"model": ErrorBody, "description": "The series or the options are invalid."},
    },
)

ModelName = Literal[
    "naive", "drift", "seasonal_naive", "ets", "arima", "theta", "mstl", "lightgbm", "lstm", "mean"
]
Freq = Literal["D", "B", "W", "W-MON", "W-SUN", "MS", "M", "ME", "QS", "h"]
MAX_POINTS = 5_000


class Point(BaseModel):
    """One observation of one series."""

    model_config = ConfigDict(extra="forbid")

    unique_id: str = Field("series", min_length=1, max_length=200)
    ds: date | datetime
    y: float = Field(allow_inf_nan=False, ge=-1e12, le=1e12)


def _default_models() -> list[ModelName]:
    return ["naive", "drift", "seasonal_naive", "ets", "theta"]


class ForecastCreate(BaseModel):
    """A long-format series (or several) and how to compare and forecast."""

    model_config = ConfigDict(extra="forbid")

    series: list[Point] = Field(min_length=3, max_length=MAX_POINTS)
    freq: Freq = "D"
    horizon: int = Field(7, ge=1, le=120, description="Steps ahead.")
    models: list[ModelName] = Field(
        default_factory=_default_models,
        max_length=10,
        description="Candidates (the random walk is always added).",
    )
    n_origins: int = Field(3, ge=1, le=10, description="Backtest origins per horizon.")
    fill: Literal["ffill", "zero", "interpolate"] | None = None

    @field_validator("models")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class ForecastPublic(BaseModel):
    """The leaderboard per horizon, the choices, and the chosen forecast with intervals."""

    leaderboard: list[dict[str, Any]]
    selection: dict[str, str]
    notes: dict[str, str]
    failures: dict[str, str]
    forecast: list[dict[str, Any]]


@router.post("", summary="Compare models and forecast a small series")
def create_forecast(body: ForecastCreate) -> ForecastPublic:
    """Backtest the candidates, choose one per horizon checkpoint, return the forecast."""
    import pandas as pd

    from vantage.services import forecast as service

    frame = pd.DataFrame([p.model_dump() for p in body.series])
    try:
        run = service.run_frame(
            frame,
            body.freq,
            body.horizon,
            models=list(body.models),
            n_origins=body.n_origins,
            fill=body.fill,
        )
    except VantageError as exc:
        raise from_vantage_error(exc, 422, "invalid_forecast") from exc
    summary = run.as_dict(rows=len(run.forecaster.forecast_))
    return ForecastPublic(
        leaderboard=summary["leaderboard"],
        selection=summary["selection"],
        notes=summary["notes"],
        failures=summary["failures"],
        forecast=summary["forecast"],
    )
