"""Segment's HTTP Tracking API: ``/v1/track | identify | page | screen | group | alias | batch``.

Also ``/v1/import`` (a historical batch: times taken as sent, no clock-skew correction) and
``/v1/event`` (one message whose ``type`` is in the body). Every call goes through the one write
path (:meth:`Ingestor.prepare` then the group-commit writer) and is answered only once its events
are durable on disk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from vantage.api.body import parse_json, read_body, write_key_from_headers
from vantage.api.deps import Runtime
from vantage.api.errors import ApiError, json_response
from vantage.api.logs import LOG_KEY
from vantage.api.schemas import BatchBody, ErrorBody, IngestResult, event_schema
from vantage.collect.ingest import Ingestor
from vantage.core.events import EVENT_TYPES
from vantage.store.records import AppendResult, Submission

router = APIRouter(prefix="/v1", tags=["tracking"])

_THREAD_THRESHOLD = 64
_BATCH_DEFAULTS = ("context", "integrations", "sentAt")
_EVENT_FIX = (
    "Keep each event under the limit: move large values (documents, images) to a file import, "
    "or raise VANTAGE_COLLECT__MAX_EVENT_BYTES."
)
_BATCH_FIX = (
    "Split the batch into smaller requests (set the client's upload size below the limit), "
    "or raise the setting."
)
_SPEC = "https://segment.com/docs/connections/spec/"


def _prepare(
    ingestor: Ingestor,
    source: str,
    messages: Sequence[Any],
    defaults: Mapping[str, Any] | None,
    correct_skew: bool,
) -> tuple[Submission, list[dict[str, Any]]]:
    """Run the write path's validation message by message, keeping each rejection's index."""
    now = ingestor.clock()
    submission = Submission()
    rejections: list[dict[str, Any]] = []
    for index, raw in enumerate(messages):
        if isinstance(raw, dict) and "writeKey" in raw:
            del raw["writeKey"]
        one = ingestor.prepare(
            source, (raw,), defaults=defaults, correct_skew=correct_skew, received_at=now
        )
        submission.records.extend(one.records)
        for rejected in one.rejected:
            submission.rejected.append(rejected)
            rejections.append({"index": index, "field": rejected.field, "reason": rejected.reason})
    return submission, rejections


async def _store(runtime: Runtime, submission: Submission) -> AppendResult:
    """Hand the submission to the group-commit writer and wait until it is durable."""
    if not submission.records and not submission.rejected:
        return AppendResult(0, 0, 0)
    try:
        result = await asyncio.wrap_future(runtime.writer.submit(submission))
    except Exception as exc:
        raise ApiError(
            503,
            "store_unavailable",
            f"The events could not be stored durably ({type(exc).__name__}: {exc}); "
            "nothing in this request was acknowledged.",
            "Retry later (duplicates are skipped by messageId); check the server log and the "
            "free disk space of VANTAGE_HOME.",
        ) from exc
    if runtime.violations.pending:
        await asyncio.to_thread(runtime.violations.flush)
    return result


def _note(request: Request, source: str, result: AppendResult) -> None:
    fields = request.scope.get(LOG_KEY)
    if fields is not None:
        fields.update(
            source=source,
            stored=result.stored,
            duplicates=result.duplicates,
            rejected=result.rejected,
        )


def _result(result: AppendResult, rejections: list[dict[str, Any]]) -> Response:
    return json_response(
        {
            "success": True,
            "stored": result.stored,
            "duplicates": result.duplicates,
            "rejected": result.rejected,
            "rejections": rejections,
        }
    )


def _body_key(data: dict[str, Any]) -> str | None:
    key = data.pop("writeKey", None)
    return key if isinstance(key, str) else None


async def ingest_one(request: Request, kind: str | None) -> Response:
    """Store one message (``kind`` None: the body's ``type`` says which call it is)."""
    runtime: Runtime = request.app.state.runtime
    header_key = write_key_from_headers(request.headers)
    source = runtime.authorise(header_key) if header_key else None
    body = await read_body(
        request,
        runtime.settings.collect.max_event_bytes,
        "event",
        "VANTAGE_COLLECT__MAX_EVENT_BYTES",
        _EVENT_FIX,
    )
    data = parse_json(body)
    if not isinstance(data, dict):
        raise ApiError(
            400,
            "invalid_event",
            f"The body must be one JSON object (a Segment message), not a {type(data).__name__}.",
            'Send one message per request, or many as {"batch": [...]} to /v1/batch.',
        )
    body_key = _body_key(data)
    if source is None:
        source = runtime.authorise(body_key)
    if kind is not None:
        data["type"] = kind
    elif data.get("type") not in EVENT_TYPES:
        raise ApiError(
            400,
            "invalid_event",
            f"type: {data.get('type')!r} is not a call type.",
            f"Set type to one of {', '.join(EVENT_TYPES)}, or post to /v1/<type>.",
            extra={"field": "type"},
        )
    submission, rejections = _prepare(runtime.ingestor, source.name, [data], None, True)
    result = await _store(runtime, submission)
    _note(request, source.name, result)
    if rejections:
        field = rejections[0]["field"]
        fix = (
            "Change the event to match the source's tracking plan, or relax the plan's policy."
            if field == "tracking_plan"
            else f"Correct {field} and send the event again ({_SPEC}{data['type']}/)."
        )
        raise ApiError(
            400,
            "invalid_event",
            rejections[0]["reason"],
            fix,
            extra={"field": field, "stored": 0, "rejected": 1},
        )
    return _result(result, rejections)


async def ingest_batch(request: Request, correct_skew: bool) -> Response:
    """Store a batch; invalid messages are refused one by one, never the whole batch."""
    runtime: Runtime = request.app.state.runtime
    limits = runtime.settings.collect
    header_key = write_key_from_headers(request.headers)
    source = runtime.authorise(header_key) if header_key else None
    body = await read_body(
        request, limits.max_batch_bytes, "batch", "VANTAGE_COLLECT__MAX_BATCH_BYTES", _BATCH_FIX
    )
    data = parse_json(body)
    if not isinstance(data, dict):
        raise ApiError(
            400,
            "invalid_batch",
            f"The body must be a JSON object, not a {type(data).__name__}.",
            'Send {"batch": [message, ...]}.',
        )
    body_key = _body_key(data)
    if source is None:
        source = runtime.authorise(body_key)
    messages = data.get("batch")
    if not isinstance(messages, list):
        raise ApiError(
            400,
            "invalid_batch",
            "batch: must be a JSON array of messages"
            + (" and is missing." if messages is None else f", not a {type(messages).__name__}."),
            'Send {"batch": [message, ...]}; each message has its own type.',
            extra={"field": "batch"},
        )
    if len(messages) > limits.max_batch_events:
        raise ApiError(
            413,
            "payload_too_large",
            f"The batch has {len(messages):,} events, over the {limits.max_batch_events:,}-event "
            "limit (VANTAGE_COLLECT__MAX_BATCH_EVENTS).",
            f"Send at most {limits.max_batch_events:,} events per request.",
        )
    defaults = {k: data[k] for k in _BATCH_DEFAULTS if k in data} or None
    args = (runtime.ingestor, source.name, messages, defaults, correct_skew)
    if len(messages) > _THREAD_THRESHOLD:
        submission, rejections = await asyncio.to_thread(_prepare, *args)
    else:
        submission, rejections = _prepare(*args)
    result = await _store(runtime, submission)
    _note(request, source.name, result)
    return _result(result, rejections)


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        400: "Bad JSON, bad gzip, or (single calls) an invalid event: the message names the field.",
        401: "Missing or unknown write key.",
        403: "The source is disabled.",
        413: "Over a size limit: the message names the limit and the setting.",
        415: "Content-Encoding other than gzip.",
        429: "The source is over its rate limit; see Retry-After.",
        503: "The events could not be stored durably; nothing was acknowledged.",
    }.items()
}
_ERRORS[200] = {"model": IngestResult, "description": "Stored durably (or skipped as duplicate)."}
_SECURITY: list[dict[str, list[str]]] = [{"writeKey": []}, {"writeKeyHeader": []}]


def _single_doc(kind: str | None) -> dict[str, Any]:
    schema = event_schema()
    if kind is not None:
        schema["required"] = [r for r in schema.get("required", []) if r != "type"]
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
        "security": _SECURITY,
    }


def _batch_doc() -> dict[str, Any]:
    schema = BatchBody.model_json_schema(by_alias=True)
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
        "security": _SECURITY,
    }


def _add_single(kind: str) -> None:
    async def endpoint(request: Request) -> Response:
        return await ingest_one(request, kind)

    endpoint.__name__ = f"{kind}_call"
    router.add_api_route(
        f"/{kind}",
        endpoint,
        methods=["POST"],
        summary=f"Send one {kind} call",
        description=f"Segment-spec {kind} call ({_SPEC}{kind}/). Answered once durable.",
        responses=_ERRORS,
        response_class=Response,
        openapi_extra=_single_doc(kind),
    )


for _kind in EVENT_TYPES:
    _add_single(_kind)


@router.post(
    "/event",
    summary="Send one call whose type is in the body",
    responses=_ERRORS,
    response_class=Response,
    openapi_extra=_single_doc(None),
)
async def any_call(request: Request) -> Response:
    """One Segment message; its ``type`` field says which call it is."""
    return await ingest_one(request, None)


@router.post(
    "/batch",
    summary="Send many calls at once",
    responses=_ERRORS,
    response_class=Response,
    openapi_extra=_batch_doc(),
)
async def batch(request: Request) -> Response:
    """A Segment batch: invalid messages are refused one by one, the valid ones are stored."""
    return await ingest_batch(request, correct_skew=True)


@router.post(
    "/import",
    summary="Import historical calls",
    responses=_ERRORS,
    response_class=Response,
    openapi_extra=_batch_doc(),
)
async def import_batch(request: Request) -> Response:
    """Like /v1/batch, but event times are taken as sent (no clock-skew correction)."""
    return await ingest_batch(request, correct_skew=False)
