"""Documents and speech API (admin token): entities, receipts (upload), transcripts (upload)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from vantage.api.deps import AdminDep, RuntimeDep
from vantage.api.errors import ApiError, from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.core.errors import VantageError

router = APIRouter(
    prefix="/v1/nlp",
    tags=["nlp"],
    dependencies=[AdminDep],
    responses={
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        413: {"model": ErrorBody, "description": "The upload is too large."},
        422: {"model": ErrorBody, "description": "Invalid input (text, image or audio)."},
    },
)
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_AUDIO_BYTES = 25 * 1024 * 1024


class PatternIn(BaseModel):
    """One user pattern: a phrase or a list of spaCy token patterns."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=64, description="Entity type of a match.")
    pattern: (
        Annotated[str, Field(min_length=1)] | Annotated[list[dict[str, Any]], Field(min_length=1)]
    ) = Field(description="Phrase or token patterns (not empty).")


class EntitiesCreate(BaseModel):
    """Texts to analyse, with optional custom types and patterns."""

    model_config = ConfigDict(extra="forbid")

    texts: list[Annotated[str, Field(max_length=20_000)]] = Field(min_length=1, max_length=100)
    types: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=50, description="Custom entity types."
    )
    patterns: list[PatternIn] = Field(default_factory=list, max_length=500)


class EntityPublic(BaseModel):
    """One entity."""

    text: str
    type: str = Field(description="person, organisation, place, product, event, date, money.")
    label: str = Field(description="Raw model or pattern label.")
    start: int
    end: int
    source: str = Field(description="model or pattern.")


class TextEntitiesPublic(BaseModel):
    """Entities of one text."""

    text: str
    entities: list[EntityPublic]
    summary: dict[str, list[str]] = Field(description="Distinct values per type.")


class EntitiesPublic(BaseModel):
    """Entities of every text, in request order."""

    results: list[TextEntitiesPublic]


class LineItemPublic(BaseModel):
    """One receipt line."""

    name: str
    amount: float
    quantity: int | None = None


class ReceiptFieldsPublic(BaseModel):
    """Key fields of a receipt (None when not found)."""

    company: str | None
    address: str | None
    date: str | None
    date_iso: str | None
    total: str | None
    total_value: float | None
    items: list[LineItemPublic]


class ReceiptPublic(BaseModel):
    """A read receipt and, when linked to a customer, the stored purchase event."""

    receipt: ReceiptFieldsPublic
    event: dict[str, Any] | None = Field(description="The Order Completed message, if linked.")
    stored: int
    duplicates: int
    rejected: list[str]


class TranscriptPublic(BaseModel):
    """The transcript of one recording."""

    text: str
    recogniser: str
    duration_s: float
    seconds: float
    segments: list[dict[str, Any]]


def _fail(exc: VantageError) -> ApiError:
    from vantage.solutions.nlp.documents import ModelNotAvailableError
    from vantage.solutions.nlp.speech import RecogniserNotAvailableError

    if isinstance(exc, ModelNotAvailableError | RecogniserNotAvailableError):
        return from_vantage_error(exc, 503, "model_not_available")
    return from_vantage_error(exc, 422, "invalid_input")


async def _read(upload: UploadFile, limit: int, what: str) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(
            413,
            "payload_too_large",
            f"The {what} is over {limit // (1024 * 1024)} MB.",
            f"Send a smaller {what} (compress or trim it).",
        )
    if not data:
        raise ApiError(422, "invalid_input", f"The uploaded {what} is empty.", f"Send a {what}.")
    return data


@router.post("/entities", summary="Named entities in texts")
def entities(body: EntitiesCreate) -> EntitiesPublic:
    """People, organisations, places, products, events, dates and money, plus custom types."""
    from vantage.services import nlp_documents as service
    from vantage.solutions.nlp.documents import EntityExtractor, summarise

    try:
        if body.patterns or body.types:
            extractor = EntityExtractor(
                patterns=[p.model_dump() for p in body.patterns], types=body.types
            ).fit()
            found = extractor.transform(body.texts)
            results = [
                {"text": t, "entities": [e.to_dict() for e in f], "summary": summarise(f)}
                for t, f in zip(body.texts, found, strict=True)
            ]
        else:
            results = service.extract_entities(body.texts)
    except VantageError as exc:
        raise _fail(exc) from exc
    except ValueError as exc:  # spaCy refuses a token pattern it cannot compile
        raise ApiError(
            422,
            "invalid_input",
            f"A pattern cannot be used: {str(exc).splitlines()[0]}",
            'Give phrases, or spaCy token patterns as documented (e.g. [{"LOWER": "gift"}]).',
        ) from exc
    return EntitiesPublic.model_validate({"results": results})


@router.post("/receipt", summary="Read a receipt; store it as a purchase when linked")
async def receipt(
    runtime: RuntimeDep,
    image: Annotated[UploadFile, File(description="Scan or photo (JPEG, PNG, ...).")],
    customer_email: Annotated[str | None, Form(max_length=320)] = None,
    customer_phone: Annotated[str | None, Form(max_length=40)] = None,
    customer_user_id: Annotated[str | None, Form(max_length=256)] = None,
) -> ReceiptPublic:
    """OCR + key fields; with a customer identifier, an Order Completed event is stored."""
    from starlette.concurrency import run_in_threadpool

    from vantage.services import nlp_documents as service
    from vantage.services.context import ServiceContext

    data = await _read(image, MAX_IMAGE_BYTES, "image")
    try:
        result = await run_in_threadpool(
            service.ingest_receipt,
            ServiceContext(runtime.settings),
            data,
            email=customer_email,
            phone=customer_phone,
            user_id=customer_user_id,
        )
    except VantageError as exc:
        raise _fail(exc) from exc
    return ReceiptPublic.model_validate(result.to_dict())


@router.post("/transcribe", summary="Transcribe a recording")
async def transcribe(
    audio: Annotated[UploadFile, File(description="WAV, MP3, FLAC, OGG or M4A recording.")],
    recogniser: Annotated[
        Literal["whisper", "pocketsphinx"], Form(description="whisper or pocketsphinx.")
    ] = "whisper",
) -> TranscriptPublic:
    """Speech to text with Whisper tiny.en (default) or PocketSphinx."""
    from starlette.concurrency import run_in_threadpool

    from vantage.services import nlp_documents_speech as service

    data = await _read(audio, MAX_AUDIO_BYTES, "recording")
    try:
        found = await run_in_threadpool(service.transcribe_bytes, data, recogniser=recogniser)
    except VantageError as exc:
        raise _fail(exc) from exc
    return TranscriptPublic.model_validate(found.to_dict())
