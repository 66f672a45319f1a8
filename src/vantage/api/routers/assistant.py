"""Assistant API (admin token): customer-service messages, hand-offs, analyst questions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from vantage.api.deps import AdminDep, RuntimeDep
from vantage.api.errors import from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.core.errors import VantageError
from vantage.services.context import ServiceContext

router = APIRouter(
    tags=["assistant"],
    dependencies=[AdminDep],
    responses={
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        409: {"model": ErrorBody, "description": "No assistant trained yet."},
        422: {"model": ErrorBody, "description": "Invalid input."},
    },
)
SessionId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")]


class MessageCreate(BaseModel):
    """One customer message in a conversation."""

    model_config = ConfigDict(extra="forbid")

    session_id: SessionId = Field(description="The conversation; its state is kept.")
    text: str = Field(min_length=1, max_length=2000, description="What the customer wrote.")
    verified_user_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=256,
        description="A user id your application has authenticated (a signed-in customer). "
        "Without it, account questions ask for the e-mail and an order number first.",
    )


class MessagePublic(BaseModel):
    """The assistant's reply."""

    text: str
    intent: str
    confidence: float
    outcome: str = Field(description="answered, asked, cancelled, fallback, handoff or refused.")
    handoff: bool
    slots: dict[str, Any]
    sources: list[str] = Field(description="FAQ passages quoted (file.md#heading).")
    data: dict[str, Any]


class HandoffPublic(BaseModel):
    """A conversation waiting for a person."""

    id: str
    session_id: str
    customer_id: str | None
    summary: str
    transcript: list[dict[str, Any]]
    status: str
    created_at: str


class QuestionCreate(BaseModel):
    """A question for the analyst's assistant."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=500)
    run: bool = Field(
        default=True, description="False returns only the plan (what would run), not the answer."
    )


class AnswerPublic(BaseModel):
    """The plan read from a question and, when run, its answer as a table."""

    question: str
    kind: str = Field(description="segment (a definition, previewed) or query (a measure).")
    explanation: str
    shown: str = Field(description="The segment definition (YAML) or query (JSON) that runs.")
    segment: dict[str, Any] | None
    query: dict[str, Any] | None
    answer: str
    result: dict[str, Any] | None = None


def _status(exc: VantageError) -> tuple[int, str]:
    from vantage.services.assistant import AssistantNotTrainedError

    if isinstance(exc, AssistantNotTrainedError):
        return 409, "assistant_not_trained"
    return 422, "invalid_assistant_request"


@router.post(
    "/v1/assistant/messages", summary="Send a customer message", response_model=MessagePublic
)
def message(body: MessageCreate, runtime: RuntimeDep) -> MessagePublic:
    """Answer one message of a conversation (intent, slots, action or FAQ answer, hand-off).

    The message is recorded as a ``Support Chat Message`` event on the customer's profile.
    """
    from vantage.services import assistant as service

    try:
        reply = service.respond(
            ServiceContext(runtime.settings),
            body.session_id,
            body.text,
            verified_user_id=body.verified_user_id,
        )
    except VantageError as exc:
        raise from_vantage_error(exc, *_status(exc)) from exc
    return MessagePublic.model_validate(reply.to_dict())


@router.get(
    "/v1/assistant/handoffs",
    summary="Conversations handed to a person",
    response_model=list[HandoffPublic],
)
def handoffs(runtime: RuntimeDep) -> list[HandoffPublic]:
    """Open hand-offs, oldest first, with an extractive summary and the transcript."""
    from vantage.services import assistant as service

    return [HandoffPublic.model_validate(h.as_dict()) for h in service.handoffs(runtime.settings)]


@router.post(
    "/v1/analyst/questions", summary="Ask the analyst's assistant", response_model=AnswerPublic
)
def question(body: QuestionCreate, runtime: RuntimeDep) -> AnswerPublic:
    """Read a question into a segment definition or a read-only query, and answer it.

    Never writes: segments are previewed, not saved. ``run: false`` returns the plan only.
    """
    from vantage.services import assistant_analyst as analyst

    try:
        shown = analyst.plan(body.question, runtime.settings)
        result = analyst.run(ServiceContext(runtime.settings), shown) if body.run else None
    except VantageError as exc:
        raise from_vantage_error(exc, 422, "question_not_understood") from exc
    return AnswerPublic.model_validate({**shown.as_dict(), "result": result})
