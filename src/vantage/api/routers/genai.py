"""Generative-AI API (admin token): summaries, meeting minutes, product descriptions, messages.

Every endpoint works without a configured model (extractive summaries, rule-based minutes,
template copy); ``method`` asks for the model explicitly, which is 409 when none is configured.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from vantage.api.deps import AdminDep, RuntimeDep
from vantage.api.errors import from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.core.errors import VantageError
from vantage.solutions.genai.describe import ProductInput
from vantage.solutions.genai.errors import NoBackendError
from vantage.solutions.genai.messages import CustomerProfile

router = APIRouter(
    prefix="/v1/genai",
    tags=["genai"],
    dependencies=[AdminDep],
    responses={
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        409: {"model": ErrorBody, "description": "The method needs a model; none configured."},
        422: {"model": ErrorBody, "description": "Invalid input."},
    },
)
ContentMethod = Literal["auto", "template", "llm"]
ChannelName = Literal["email", "sms", "push", "web"]


def _email_only() -> list[ChannelName]:
    return ["email"]


class SummaryCreate(BaseModel):
    """A text to summarise."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=50_000)
    sentences: int | None = Field(default=None, ge=1, le=50, description="Sentences to keep.")
    ratio: float = Field(default=0.3, gt=0, le=1, description="Share kept without sentences.")
    method: Literal["auto", "extractive", "abstractive"] = "auto"


class SummaryPublic(BaseModel):
    """A summary."""

    summary: str
    sentences: list[str]
    method: str
    indices: list[int] = Field(description="Positions of extracted sentences in the text.")


class MinutesCreate(BaseModel):
    """A meeting transcript."""

    model_config = ConfigDict(extra="forbid")

    transcript: str = Field(min_length=1, max_length=100_000, description="'Name: words' lines.")
    meeting_date: date | None = Field(default=None, description="Relative dates count from it.")
    method: Literal["auto", "rules", "llm"] = "auto"


class ActionItemPublic(BaseModel):
    """An action item."""

    task: str
    owner: str | None
    due: date | None
    due_text: str | None = None
    said_by: str | None = None


class MinutesPublic(BaseModel):
    """Meeting minutes."""

    summary: str
    decisions: list[str]
    action_items: list[ActionItemPublic]
    attendees: list[str]
    method: str
    warnings: list[str] = Field(default_factory=list)


class DescriptionsCreate(BaseModel):
    """Products to describe."""

    model_config = ConfigDict(extra="forbid")

    products: list[ProductInput] = Field(min_length=1, max_length=100)
    tone: Literal["neutral", "friendly", "premium", "playful"] = "neutral"
    length: Literal["short", "medium", "long"] = "medium"
    method: ContentMethod = "auto"


class DescriptionPublic(BaseModel):
    """A description and its quality measures."""

    product_id: str | None
    text: str
    method: str
    coverage: float = Field(description="Share of the given attributes mentioned.")
    invented: list[str] = Field(description="Numbers or attribute words not in the input.")
    invented_share: float
    readability: float = Field(description="Flesch reading ease.")
    problems: list[str] = Field(description="Guardrail problems (banned terms, length).")


class DescriptionsPublic(BaseModel):
    """Descriptions in request order."""

    results: list[DescriptionPublic]


class MessagesCreate(BaseModel):
    """Who to write to (a stored customer or an inline profile) and on which channels."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str | None = Field(default=None, min_length=1, max_length=200)
    profile: CustomerProfile | None = None
    channels: list[ChannelName] = Field(default_factory=_email_only, min_length=1, max_length=4)
    goal: Literal["recommend", "win back", "nudge to buy", "thank"] | None = None
    method: ContentMethod = "auto"

    @model_validator(mode="after")
    def _one_customer(self) -> MessagesCreate:
        if (self.customer_id is None) == (self.profile is None):
            raise ValueError("give exactly one of customer_id (a stored customer) or profile")
        return self


class MessagePublic(BaseModel):
    """A message on one channel."""

    customer_id: str
    channel: str
    subject: str | None
    text: str
    goal: str
    method: str
    invented: list[str]
    problems: list[str]
    warnings: list[str]


class SkippedPublic(BaseModel):
    """A channel without consent."""

    channel: str
    reason: str


class MessagesPublic(BaseModel):
    """Messages for the consented channels; the others skipped with the reason."""

    customer_id: str
    messages: list[MessagePublic]
    skipped: list[SkippedPublic]


def _error(exc: VantageError) -> Exception:
    if isinstance(exc, NoBackendError):
        return from_vantage_error(exc, 409, "no_genai_backend")
    if type(exc).__name__ == "ProfileNotFoundError":
        return from_vantage_error(exc, 404, "customer_not_found")
    return from_vantage_error(exc, 422, "invalid_genai_request")


@router.post("/summaries", summary="Summarise a text", response_model=SummaryPublic)
def summaries(body: SummaryCreate, runtime: RuntimeDep) -> Any:
    """Extractive summary (TextRank + position prior + MMR), or abstractive with a model."""
    from vantage.services import genai as service

    try:
        return service.summarize(
            runtime.settings,
            body.text,
            sentences=body.sentences,
            ratio=body.ratio,
            method=body.method,
        )
    except VantageError as exc:
        raise _error(exc) from exc


@router.post("/minutes", summary="Meeting minutes", response_model=MinutesPublic)
def minutes(body: MinutesCreate, runtime: RuntimeDep) -> Any:
    """Summary, decisions and action items (owner, due date) from a transcript."""
    from vantage.services import genai as service

    try:
        return service.minutes(
            runtime.settings, body.transcript, meeting_date=body.meeting_date, method=body.method
        )
    except VantageError as exc:
        raise _error(exc) from exc


@router.post("/descriptions", summary="Product descriptions", response_model=DescriptionsPublic)
def descriptions(body: DescriptionsCreate, runtime: RuntimeDep) -> Any:
    """Copy per product in a tone and length, with coverage, invented facts and readability."""
    from vantage.services import genai_content as service

    try:
        results = service.describe(
            runtime.settings,
            body.products,
            tone=body.tone,
            length=body.length,
            method=body.method,
        )
    except VantageError as exc:
        raise _error(exc) from exc
    return {"results": results}


@router.post("/messages", summary="Personalised messages", response_model=MessagesPublic)
def messages(body: MessagesCreate, runtime: RuntimeDep) -> Any:
    """A message per consented channel from the customer's profile; others are skipped."""
    from vantage.services import genai_content as service
    from vantage.services.context import ServiceContext

    try:
        profile = body.profile
        if profile is None:
            assert body.customer_id is not None
            profile = service.profile_from_store(
                ServiceContext(settings=runtime.settings), body.customer_id
            )
        return service.message(
            runtime.settings, profile, list(body.channels), goal=body.goal, method=body.method
        )
    except VantageError as exc:
        raise _error(exc) from exc
