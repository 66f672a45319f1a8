"""Generative AI: summarise a text, describe a product, preview a personalised message.

Each form posts to an htmx fragment backed by :mod:`vantage.services.genai` and
:mod:`vantage.services.genai_content`. Without a configured language model the offline methods
answer (extractive summaries, template copy); asking for the model explicitly then shows the
service's "no backend" message and how to configure one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vantage.core.errors import VantageError
from vantage.services.context import ServiceContext
from vantage.services.users import Session
from vantage.web.auth import require, require_post, web_state
from vantage.web.render import page
from vantage.web.views import fragment_error

router = APIRouter(prefix="/ui", include_in_schema=False)
Analyst = Annotated[Session, Depends(require("analyst"))]
AnalystPost = Annotated[Session, Depends(require_post("analyst"))]
CHANNELS = ("email", "sms", "push", "web")
GOALS = ("recommend", "win back", "nudge to buy", "thank")
_FIXES = {
    "text": "Paste the text to summarise (at most 50,000 characters).",
    "sentences": "Leave it empty or give a whole number from 1 to 50.",
    "name": "Give the product's name.",
    "customer_id": "Give a customer id (search for one on the Customers page).",
    "channels": f"Tick at least one of {', '.join(CHANNELS)}.",
}


class SummaryForm(BaseModel):
    """The summary form."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(min_length=1, max_length=50_000)
    sentences: int | None = Field(default=None, ge=1, le=50)
    method: Literal["auto", "extractive", "abstractive"] = "auto"


class DescriptionForm(BaseModel):
    """The product-description form (attributes as ``name: value`` lines)."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    category: str = Field(default="", max_length=100)
    attributes: str = Field(default="", max_length=5_000)
    tone: Literal["neutral", "friendly", "premium", "playful"] = "neutral"
    length: Literal["short", "medium", "long"] = "medium"
    method: Literal["auto", "template", "llm"] = "auto"


class MessageForm(BaseModel):
    """The message-preview form."""

    model_config = ConfigDict(extra="ignore")

    customer_id: str = Field(min_length=1, max_length=200)
    channels: list[Literal["email", "sms", "push", "web"]] = Field(min_length=1, max_length=4)
    goal: Literal["recommend", "win back", "nudge to buy", "thank"] | None = None
    method: Literal["auto", "template", "llm"] = "auto"

    @field_validator("goal", mode="before")
    @classmethod
    def _empty_goal(cls, value: Any) -> Any:
        return value or None


class FormError(VantageError):
    """A generative-AI form field is invalid."""


async def _read(request: Request, model: type[BaseModel], lists: tuple[str, ...] = ()) -> Any:
    """The form as ``model``, with empty fields left out.

    Raises:
        FormError: Naming the first invalid field and its fix.
    """
    form = await request.form()
    data: dict[str, Any] = {}
    for key in form:
        values = [v.strip() for v in form.getlist(key) if isinstance(v, str)]
        if key in lists:
            data[key] = [v for v in values if v]
        elif values and values[0]:
            data[key] = values[0]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "form"
        raise FormError(
            f"Invalid {field}: {error['msg'].lower()}.", _FIXES.get(field, "Correct the field.")
        ) from None


def parse_attributes(text: str) -> dict[str, str | int | float]:
    """``name: value`` lines as attributes (numbers as numbers).

    Raises:
        FormError: A non-empty line without ``:``, naming its number.
    """
    out: dict[str, str | int | float] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip() or not value.strip():
            raise FormError(
                f"Invalid attributes: line {number} {line.strip()[:60]!r} is not 'name: value'.",
                "Write one attribute per line, e.g. 'colour: navy'.",
            )
        raw = value.strip()
        parsed: str | int | float = raw
        for cast in (int, float):
            try:
                parsed = cast(raw)
                break
            except ValueError:
                continue
        out[key.strip()] = parsed
    return out


@router.get("/genai")
def genai_page(request: Request, session: Analyst) -> HTMLResponse:
    """The three generative-AI tools and which language model (if any) is configured."""
    from vantage.services import genai

    settings = web_state(request).settings
    return page(
        request,
        "genai.html",
        session,
        status_info=genai.backend_status(settings),
        no_backend_fix=genai.NO_BACKEND_FIX,
        channels=CHANNELS,
        goals=GOALS,
    )


@router.post("/genai/summary")
async def summary(request: Request, session: AnalystPost) -> HTMLResponse:
    """Summarise the pasted text (an htmx fragment)."""
    from vantage.services import genai

    try:
        form = await _read(request, SummaryForm)
        result = genai.summarize(
            web_state(request).settings, form.text, sentences=form.sentences, method=form.method
        )
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(request, "partials/genai_summary.html", session, result=result)


@router.post("/genai/description")
async def description(request: Request, session: AnalystPost) -> HTMLResponse:
    """A product description from its attributes, with its quality measures (htmx)."""
    from vantage.services import genai_content
    from vantage.solutions.genai.describe import ProductInput

    try:
        form = await _read(request, DescriptionForm)
        product = ProductInput(
            name=form.name, category=form.category, attributes=parse_attributes(form.attributes)
        )
        [result] = genai_content.describe(
            web_state(request).settings,
            [product],
            tone=form.tone,
            length=form.length,
            method=form.method,
        )
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(request, "partials/genai_description.html", session, result=result)


@router.post("/genai/message")
async def message(request: Request, session: AnalystPost) -> HTMLResponse:
    """A personalised message per consented channel for a stored customer (htmx preview)."""
    from vantage.services import genai_content

    settings = web_state(request).settings
    try:
        form = await _read(request, MessageForm, lists=("channels",))
        profile = genai_content.profile_from_store(ServiceContext(settings), form.customer_id)
        result = genai_content.message(
            settings, profile, list(form.channels), goal=form.goal, method=form.method
        )
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(request, "partials/genai_message.html", session, result=result)
