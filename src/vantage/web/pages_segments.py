"""Segments: a visual builder with a live size preview, members, history, export, activation.

The builder's rows become a condition tree of the segment language (:mod:`vantage.segments`);
the preview evaluates it without saving anything.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import escape

from vantage.core.errors import VantageError
from vantage.segments.spec import validate_spec
from vantage.services import activation, segments
from vantage.services.context import ServiceContext
from vantage.services.users import Session
from vantage.web.auth import require, require_post, web_state
from vantage.web.render import line_figure, page
from vantage.web.views import error_page, fragment_error

router = APIRouter(prefix="/ui", include_in_schema=False)
Viewer = Annotated[Session, Depends(require("viewer"))]
Analyst = Annotated[Session, Depends(require("analyst"))]
ViewerPost = Annotated[Session, Depends(require_post("viewer"))]
AnalystPost = Annotated[Session, Depends(require_post("analyst"))]
ROWS = 4
KINDS = ("trait", "prediction", "consent", "event")
OPS = ("=", "!=", ">", ">=", "<", "<=", "in", "not_in", "contains", "exists")


def _ctx(request: Request) -> ServiceContext:
    return ServiceContext(web_state(request).settings)


def _value(text: str, op: str) -> Any:
    """A typed value from the form: numbers as numbers, ``in`` lists split on commas."""
    if op in ("in", "not_in"):
        return [_value(part.strip(), "=") for part in text.split(",") if part.strip()]
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            continue
    return {"true": True, "false": False}.get(text.lower(), text)


def condition(row: dict[str, str]) -> dict[str, Any] | None:
    """One builder row as a node of the segment language (None for an empty row)."""
    kind, name = row.get("kind", ""), row.get("name", "").strip()
    op, value = row.get("op", "="), row.get("value", "").strip()
    if not name or kind not in KINDS:
        return None
    if kind == "consent":
        return {"consent": name}
    if kind == "event":
        node: dict[str, Any] = {
            "event": name,
            "count": {"op": op, "value": _value(value or "1", op)},
        }
        if row.get("within", "").strip():
            node["within"] = row["within"].strip()
        return node
    if op == "exists":
        return {kind: name, "op": "exists"}
    return {kind: name, "op": op, "value": _value(value, op)}


def spec_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The segment definition (as a dict) that the builder form describes."""
    rows = [
        {k: form.get(f"{k}_{i}", "") for k in ("kind", "name", "op", "value", "within")}
        for i in range(ROWS)
    ]
    nodes = [n for n in (condition(r) for r in rows) if n is not None]
    combine = "any" if form.get("combine") == "any" else "all"
    return {
        "name": form.get("name", "").strip() or "preview",
        "description": form.get("description", "").strip(),
        "where": {combine: nodes},
    }


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: v for k, v in data.items() if isinstance(v, str)}


@router.get("/segments")
def segment_list(request: Request, session: Viewer) -> HTMLResponse:
    """Saved segments with their sizes, and the builder."""
    return page(
        request,
        "segments.html",
        session,
        saved=segments.list_segments(_ctx(request)),
        rows=range(ROWS),
        kinds=KINDS,
        ops=OPS,
    )


@router.post("/segments/preview")
async def segment_preview(request: Request, session: ViewerPost) -> HTMLResponse:
    """The live size of the definition being built (an htmx fragment; saves nothing)."""
    definition = spec_from_form(await _form(request))
    if not definition["where"][next(iter(definition["where"]))]:
        return HTMLResponse(
            "<p class='muted' id='preview-size'>Add a condition to see the size.</p>"
        )
    try:
        found = segments.preview(_ctx(request), validate_spec(definition))
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(request, "partials/segment_preview.html", session, preview=found, spec=definition)


@router.post("/segments")
async def segment_create(request: Request, session: AnalystPost) -> Response:
    """Save and evaluate the segment the builder describes (analysts and admins)."""
    form = await _form(request)
    try:
        spec = validate_spec(spec_from_form(form))
        segments.create_segment(_ctx(request), spec, replace=form.get("replace") == "on")
    except VantageError as exc:
        return error_page(request, session, exc)
    return RedirectResponse(f"/ui/segments/{spec.name}", status_code=303)


@router.get("/segments/{name}")
def segment_detail(request: Request, session: Viewer, name: str) -> HTMLResponse:
    """A segment's definition, first members, membership over time and activation."""
    ctx = _ctx(request)
    try:
        info = segments.get_segment(ctx, name)
        first = segments.members(ctx, name, page=1, page_size=50)
        history = segments.membership_history(ctx, name)
    except VantageError as exc:
        return error_page(request, session, exc, status=404)
    entered: Counter[str] = Counter(h["at"][:10] for h in history if h["entered"])
    exited: Counter[str] = Counter(h["at"][:10] for h in history if not h["entered"])
    days = sorted(set(entered) | set(exited))
    figure = line_figure(
        {
            "entered": (days, [entered[d] for d in days]),
            "exited": (days, [exited[d] for d in days]),
        },
        title="Membership changes per day",
    )
    return page(
        request,
        "segment.html",
        session,
        info=info,
        members=first,
        figure=figure,
        destinations=activation.list_destinations(ctx),
        charts=True,
    )


@router.get("/segments/{name}/export.csv")
def segment_export(request: Request, _session: Analyst, name: str) -> Response:
    """Every current member as CSV (``customer_id, since``)."""
    ctx = _ctx(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["customer_id", "since"])
    page_no = 1
    try:
        while True:
            chunk = segments.members(ctx, name, page=page_no, page_size=10_000)
            writer.writerows((m["customer_id"], m["since"]) for m in chunk["members"])
            if page_no * 10_000 >= chunk["total"]:
                break
            page_no += 1
    except VantageError as exc:
        return Response(exc.message, status_code=404)
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.post("/segments/{name}/activate")
async def segment_activate(request: Request, session: AnalystPost, name: str) -> HTMLResponse:
    """Export the segment's members to a file or ads destination (consent applied)."""
    ctx = _ctx(request)
    form = await _form(request)
    try:
        everyone: list[str] = []
        page_no = 1
        while True:
            chunk = segments.members(ctx, name, page=page_no, page_size=10_000)
            everyone += [m["customer_id"] for m in chunk["members"]]
            if len(everyone) >= chunk["total"] or not chunk["members"]:
                break
            page_no += 1
        done = activation.export_audience(ctx, form.get("destination", ""), everyone)
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return HTMLResponse(
        f"<p id='activation-result'>Exported {int(done['exported'])} customers to "
        f"{escape(str(done['destination']))}; {int(done['blocked'])} left out without consent.</p>"
    )
