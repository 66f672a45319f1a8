"""Admin API (``Authorization: Bearer <admin token>``): sources, tracking plans, failed events.

Every route here answers 401 without a valid admin token.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Query
from starlette.responses import Response

from vantage.api.deps import AdminDep, Runtime, RuntimeDep
from vantage.api.errors import ApiError, from_vantage_error
from vantage.api.schemas import (
    ErrorBody,
    EventCount,
    FailedEvent,
    SourceCreate,
    SourcePublic,
    SourceUpdate,
    SourceWithKey,
    Violation,
)
from vantage.collect.sources import Source, SourceError
from vantage.collect.tracking_plan import TrackingPlan, TrackingPlanError
from vantage.store.records import from_micros

router = APIRouter(
    prefix="/v1/admin",
    tags=["admin"],
    dependencies=[AdminDep],
    responses={401: {"model": ErrorBody, "description": "Missing or wrong admin token."}},
)
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such source."}
}
Limit = Annotated[int, Query(ge=1, le=1000, description="Most rows returned.")]
SourceFilter = Annotated[str | None, Query(description="Only this source.")]


def _public(source: Source) -> SourcePublic:
    return SourcePublic(
        name=source.name,
        enabled=source.enabled,
        has_tracking_plan=source.tracking_plan is not None,
        created_at=from_micros(source.created_at_us),
    )


def _with_key(source: Source) -> SourceWithKey:
    return SourceWithKey(**_public(source).model_dump(), write_key=source.write_key)


def _existing(runtime: Runtime, name: str) -> Source:
    found = runtime.registry.find(name)
    if found is None:
        raise ApiError(
            404,
            "unknown_source",
            f"Unknown source {name!r}.",
            "List sources with GET /v1/admin/sources, or create it with POST /v1/admin/sources.",
        )
    return found


@router.get("/sources", response_model=list[SourcePublic], summary="List sources")
def list_sources(runtime: RuntimeDep) -> list[SourcePublic]:
    """All sources, by name, without their write keys."""
    return [_public(s) for s in runtime.registry.list()]


@router.post(
    "/sources",
    response_model=SourceWithKey,
    status_code=201,
    summary="Add a source",
    responses={
        400: {"model": ErrorBody, "description": "Invalid name."},
        409: {"model": ErrorBody, "description": "Name taken."},
    },
)
def add_source(runtime: RuntimeDep, body: SourceCreate) -> SourceWithKey:
    """Create a source with a fresh write key (returned once here, and by GET .../{name})."""
    if runtime.registry.find(body.name) is not None:
        raise ApiError(
            409,
            "source_exists",
            f"A source named {body.name!r} already exists.",
            f"Pick another name, or read its key with GET /v1/admin/sources/{body.name}.",
        )
    try:
        source = runtime.registry.add(body.name)
    except SourceError as exc:
        raise from_vantage_error(exc, 400, "invalid_source") from exc
    runtime.changed(source.name)
    return _with_key(source)


@router.get(
    "/sources/{name}", response_model=SourceWithKey, responses=_NOT_FOUND, summary="Get a source"
)
def get_source(runtime: RuntimeDep, name: str) -> SourceWithKey:
    """One source with its write key."""
    return _with_key(_existing(runtime, name))


@router.patch(
    "/sources/{name}",
    response_model=SourcePublic,
    responses=_NOT_FOUND,
    summary="Enable or disable a source",
)
def update_source(runtime: RuntimeDep, name: str, body: SourceUpdate) -> SourcePublic:
    """Enable or disable a source; a disabled source's events are refused with 403."""
    _existing(runtime, name)
    source = runtime.registry.set_enabled(name, body.enabled)
    runtime.changed(name)
    return _public(source)


@router.get(
    "/sources/{name}/tracking-plan",
    responses={404: {"model": ErrorBody, "description": "No such source, or no plan."}},
    summary="Get a source's tracking plan",
)
def get_plan(runtime: RuntimeDep, name: str) -> dict[str, Any]:
    """The tracking plan of a source."""
    source = _existing(runtime, name)
    if source.tracking_plan is None:
        raise ApiError(
            404,
            "no_tracking_plan",
            f"Source {name!r} has no tracking plan.",
            f"Set one with PUT /v1/admin/sources/{name}/tracking-plan.",
        )
    return source.tracking_plan


@router.put(
    "/sources/{name}/tracking-plan",
    responses={
        **_NOT_FOUND,
        400: {"model": ErrorBody, "description": "The plan is invalid; the message says where."},
    },
    summary="Set a source's tracking plan",
)
def set_plan(
    runtime: RuntimeDep,
    name: str,
    plan: Annotated[
        dict[str, Any],
        Body(
            description="events (name -> JSON Schema of properties), traits (JSON Schema), "
            "policy {unplanned: allow|block, violations: allow|drop_properties|block}.",
            examples=[
                {
                    "events": {
                        "Order Completed": {
                            "type": "object",
                            "properties": {"revenue": {"type": "number"}},
                            "required": ["revenue"],
                        }
                    },
                    "policy": {"unplanned": "allow", "violations": "drop_properties"},
                }
            ],
        ),
    ],
) -> dict[str, Any]:
    """Validate a tracking plan and attach it to a source (it applies within seconds)."""
    _existing(runtime, name)
    try:
        TrackingPlan.from_dict(plan)
    except TrackingPlanError as exc:
        raise from_vantage_error(exc, 400, "invalid_tracking_plan") from exc
    runtime.registry.set_tracking_plan(name, plan)
    runtime.changed(name)
    return plan


@router.delete(
    "/sources/{name}/tracking-plan",
    status_code=204,
    responses=_NOT_FOUND,
    summary="Remove a source's tracking plan",
)
def delete_plan(runtime: RuntimeDep, name: str) -> Response:
    """Detach the tracking plan; the source's events are no longer checked."""
    _existing(runtime, name)
    runtime.registry.set_tracking_plan(name, None)
    runtime.changed(name)
    return Response(status_code=204)


def _payload(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return bytes(raw).decode(errors="replace")


@router.get("/failed-events", response_model=list[FailedEvent], summary="List failed events")
def failed_events(
    runtime: RuntimeDep, limit: Limit = 50, source: SourceFilter = None
) -> list[FailedEvent]:
    """Events refused at the edge, newest first, with the field and the reason."""
    return [
        FailedEvent(
            id=row["id"],
            source=row["source"],
            field=row["field"],
            reason=row["reason"],
            received_at=from_micros(row["received_at_us"]),
            payload=_payload(row["payload"]),
        )
        for row in runtime.log.failed(limit, source)
    ]


@router.get("/violations", response_model=list[Violation], summary="List plan violations")
def violations(
    runtime: RuntimeDep, limit: Limit = 50, source: SourceFilter = None
) -> list[Violation]:
    """Tracking-plan violations, newest first."""
    return [
        Violation(
            id=row["id"],
            source=row["source"],
            message_id=row["message_id"],
            violation=row["violation"],
            recorded_at=from_micros(row["recorded_at_us"]),
        )
        for row in runtime.violations.list(limit, source)
    ]


@router.get("/events/count", response_model=EventCount, summary="Count events")
def event_count(runtime: RuntimeDep) -> EventCount:
    """Stored events (lake files plus log), refused events and plan violations."""
    return EventCount(
        stored=runtime.log.count(),
        failed=runtime.log.count_failed(),
        violations=runtime.violations.count(),
    )
