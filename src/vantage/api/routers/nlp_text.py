"""Text models API (admin token): sentiment (with aspects) and classification of texts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from vantage.api.deps import AnalystDep, RuntimeDep
from vantage.api.errors import from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.core.errors import VantageError

router = APIRouter(
    prefix="/v1/nlp",
    tags=["nlp"],
    dependencies=[AnalystDep],
    responses={
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        404: {"model": ErrorBody, "description": "No saved model of that name."},
        422: {"model": ErrorBody, "description": "Invalid input."},
    },
)
ModelName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Texts = Annotated[
    list[Annotated[str, Field(max_length=20_000)]], Field(min_length=1, max_length=500)
]


class SentimentCreate(BaseModel):
    """Texts to score for sentiment."""

    model_config = ConfigDict(extra="forbid")

    texts: Texts
    model: ModelName | None = Field(
        default=None,
        description="Saved sentiment model; default the one named 'sentiment', else VADER.",
    )
    aspects: bool = Field(default=False, description="Also give the sentiment per aspect.")


class SentimentResultPublic(BaseModel):
    """Sentiment of one text."""

    text: str
    label: str = Field(description="negative, neutral or positive.")
    score: float = Field(description="P(positive) - P(negative), from -1 to +1.")
    probabilities: dict[str, float]
    aspects: dict[str, str] | None = Field(
        default=None, description="Aspect (delivery, price, ...) to its sentiment."
    )


class SentimentPublic(BaseModel):
    """Sentiment of every text, in request order."""

    model: str = Field(description="The model that scored them.")
    results: list[SentimentResultPublic]


class ClassifyCreate(BaseModel):
    """Texts to label with a saved classifier."""

    model_config = ConfigDict(extra="forbid")

    texts: Texts
    model: ModelName = Field(default="classify", description="Saved model name.")


class ClassifyResultPublic(BaseModel):
    """Label of one text."""

    text: str
    label: str
    probabilities: dict[str, float]


class ClassifyPublic(BaseModel):
    """Labels of every text, in request order."""

    model: str
    results: list[ClassifyResultPublic]


def _status(exc: VantageError) -> tuple[int, str]:
    if "No saved text model" in exc.message:
        return 404, "model_not_found"
    return 422, "invalid_text_request"


@router.post("/sentiment", summary="Sentiment of texts", response_model=SentimentPublic)
def sentiment(body: SentimentCreate, runtime: RuntimeDep) -> SentimentPublic:
    """Positive / neutral / negative per text, a score from -1 to +1, optionally per aspect."""
    from vantage.services import nlp_text as service

    try:
        out = service.score_sentiment(
            Path(runtime.settings.home), body.texts, model=body.model, aspects=body.aspects
        )
    except VantageError as exc:
        raise from_vantage_error(exc, *_status(exc)) from exc
    return SentimentPublic.model_validate(out)


@router.post("/classify", summary="Label texts with a saved model", response_model=ClassifyPublic)
def classify(body: ClassifyCreate, runtime: RuntimeDep) -> ClassifyPublic:
    """The most probable label of each text and every label's probability."""
    from vantage.services import nlp_text as service

    try:
        out = service.classify(Path(runtime.settings.home), body.texts, model=body.model)
    except VantageError as exc:
        raise from_vantage_error(exc, *_status(exc)) from exc
    return ClassifyPublic.model_validate(out)
