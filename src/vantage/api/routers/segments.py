"""Segments API (admin token): create, list, preview, members (paged, CSV), history."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from vantage.api.deps import ReadDep, RuntimeDep
from vantage.api.errors import from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.core.errors import VantageError
from vantage.services.context import ServiceContext

router = APIRouter(
    tags=["segments"],
    dependencies=[ReadDep],
    responses={
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        422: {"model": ErrorBody, "description": "Invalid definition; the message names the path."},
    },
)
NamePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,62}$", description="Segment name.")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No segment of that name."}
}


class SegmentCreate(BaseModel):
    """A segment definition (the same fields as a YAML file; see docs/segments.md)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Lower-case letters, digits, underscores.", max_length=63)
    description: str = Field("", max_length=2_000)
    where: dict[str, Any] = Field(
        description='The condition tree, e.g. {"trait": "orders_30d", "op": ">=", "value": 2}.'
    )
    realtime: bool = Field(False, description="Keep membership current as events arrive.")


class SegmentSummaryPublic(BaseModel):
    """A saved segment in a list."""

    name: str
    description: str
    realtime: bool
    size: int = Field(description="Current members.")
    updated_at: str


class SegmentPublic(SegmentSummaryPublic):
    """A saved segment with its definition."""

    definition: dict[str, Any]
    created_at: str
    entered: int | None = Field(None, description="Members who entered on this save.")
    exited: int | None = Field(None, description="Members who left on this save.")
    realtime_blockers: list[str] | None = Field(
        None, description="Why it cannot be kept in real time (empty: it can)."
    )


class PreviewPublic(BaseModel):
    """Size and sample of a definition, nothing saved."""

    name: str
    size: int
    sample: list[str]


class MemberPublic(BaseModel):
    """A current member."""

    customer_id: str
    since: str


class MembersPublic(BaseModel):
    """One page of a segment's members, sorted by customer id."""

    segment: str
    page: int
    page_size: int
    total: int
    members: list[MemberPublic]


class ChangePublic(BaseModel):
    """A customer entered or left the segment."""

    customer_id: str
    event: str = Field(description="Segment Entered or Segment Exited.")
    entered: bool
    at: str
    source: str = Field(description="batch or realtime.")
    properties: dict[str, Any]


class CustomerSegmentsPublic(BaseModel):
    """The segments a customer is in."""

    customer_id: str
    segments: list[str]


def _spec(body: SegmentCreate) -> Any:
    from vantage.segments.spec import load_spec

    try:
        return load_spec(body.model_dump())
    except VantageError as exc:
        raise from_vantage_error(exc, 422, "invalid_segment") from exc


def _fail(exc: VantageError) -> Exception:
    from vantage.services.segments import SegmentNotFoundError

    if isinstance(exc, SegmentNotFoundError):
        return from_vantage_error(exc, 404, "segment_not_found")
    if "already exists" in exc.message:
        return from_vantage_error(exc, 409, "segment_exists")
    return from_vantage_error(exc, 422, "invalid_segment")


@router.post(
    "/v1/segments",
    status_code=201,
    summary="Create a segment",
    response_model=SegmentPublic,
    responses={409: {"model": ErrorBody, "description": "The name is taken."}},
)
def create(
    body: SegmentCreate,
    runtime: RuntimeDep,
    replace: Annotated[bool, Query(description="Overwrite a segment of the same name.")] = False,
) -> SegmentPublic:
    """Check, save and evaluate a segment definition."""
    from vantage.services import segments

    try:
        saved = segments.create_segment(
            ServiceContext(runtime.settings), _spec(body), replace=replace
        )
    except VantageError as exc:
        raise _fail(exc) from exc
    return SegmentPublic.model_validate(saved)


@router.get("/v1/segments", summary="List segments", response_model=list[SegmentSummaryPublic])
def list_all(runtime: RuntimeDep) -> list[SegmentSummaryPublic]:
    """Every saved segment with its current size."""
    from vantage.services import segments

    found = segments.list_segments(ServiceContext(runtime.settings))
    return [SegmentSummaryPublic.model_validate(s) for s in found]


@router.post("/v1/segments/preview", summary="Preview a segment", response_model=PreviewPublic)
def preview(
    body: SegmentCreate,
    runtime: RuntimeDep,
    sample: Annotated[int, Query(ge=0, le=100, description="Members to return.")] = 10,
) -> PreviewPublic:
    """How many customers a definition matches and a few of them, without saving it."""
    from vantage.services import segments

    spec = _spec(body)
    try:
        found = segments.preview(ServiceContext(runtime.settings), spec, sample=sample)
    except VantageError as exc:
        raise _fail(exc) from exc
    return PreviewPublic(name=spec.name, size=found.size, sample=found.sample)


@router.get(
    "/v1/segments/{name}",
    summary="One segment",
    response_model=SegmentPublic,
    responses=_NOT_FOUND,
)
def get_one(name: NamePath, runtime: RuntimeDep) -> SegmentPublic:
    """A saved segment's definition and size."""
    from vantage.services import segments

    try:
        return SegmentPublic.model_validate(
            segments.get_segment(ServiceContext(runtime.settings), name)
        )
    except VantageError as exc:
        raise _fail(exc) from exc


@router.get(
    "/v1/segments/{name}/members",
    summary="A page of members",
    response_model=MembersPublic,
    responses=_NOT_FOUND,
)
def list_members(
    name: NamePath,
    runtime: RuntimeDep,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> MembersPublic:
    """Current members sorted by customer id, ``page_size`` at a time."""
    from vantage.services import segments

    try:
        found = segments.members(
            ServiceContext(runtime.settings), name, page=page, page_size=page_size
        )
    except VantageError as exc:
        raise _fail(exc) from exc
    return MembersPublic.model_validate(found)


@router.get(
    "/v1/segments/{name}/export",
    summary="Every member as CSV",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "customer_id,since per member."},
        **_NOT_FOUND,
    },
)
def export(name: NamePath, runtime: RuntimeDep) -> Response:
    """All current members as a CSV file (``customer_id,since``), sorted by customer id."""
    from vantage.services import segments

    buffer = io.StringIO()
    try:
        segments.write_members(ServiceContext(runtime.settings), name, buffer)
    except VantageError as exc:
        raise _fail(exc) from exc
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get(
    "/v1/segments/{name}/history",
    summary="Entries and exits",
    response_model=list[ChangePublic],
    responses=_NOT_FOUND,
)
def history(
    name: NamePath,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1_000,
) -> list[ChangePublic]:
    """The segment's ``Segment Entered`` / ``Segment Exited`` events, newest first."""
    from vantage.services import segments

    try:
        found = segments.membership_history(ServiceContext(runtime.settings), name, limit=limit)
    except VantageError as exc:
        raise _fail(exc) from exc
    return [ChangePublic.model_validate(c) for c in found]


@router.get(
    "/v1/profiles/{customer_id}/segments",
    summary="Segments of one customer",
    response_model=CustomerSegmentsPublic,
)
def of_customer(
    customer_id: Annotated[str, Path(min_length=1, max_length=200)], runtime: RuntimeDep
) -> CustomerSegmentsPublic:
    """The segments the customer is currently a member of."""
    from vantage.services import segments

    found = segments.segments_of(ServiceContext(runtime.settings), customer_id)
    return CustomerSegmentsPublic(customer_id=customer_id, segments=found)
