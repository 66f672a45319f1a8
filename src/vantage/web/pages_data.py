"""Text insights, Vision, Data (analysts) and Settings (admins: sources, consent, users)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vantage.core.errors import VantageError
from vantage.services import dashboard_insights as insights
from vantage.services.context import ServiceContext
from vantage.services.users import Session
from vantage.web.auth import require, require_post, web_state
from vantage.web.render import bar_figure, line_figure, page
from vantage.web.views import error_page, with_store

router = APIRouter(prefix="/ui", include_in_schema=False)
Viewer = Annotated[Session, Depends(require("viewer"))]
Analyst = Annotated[Session, Depends(require("analyst"))]
Admin = Annotated[Session, Depends(require("admin"))]
AdminPost = Annotated[Session, Depends(require_post("admin"))]


def _series(
    rows: list[dict[str, Any]], key: str, x: str, y: str
) -> dict[str, tuple[list[Any], list[float]]]:
    out: dict[str, tuple[list[Any], list[float]]] = {}
    for row in rows:
        xs, ys = out.setdefault(str(row[key]), ([], []))
        xs.append(row[x])
        ys.append(row[y])
    return out


@router.get("/text")
def text(request: Request, session: Viewer) -> HTMLResponse:
    """Sentiment over time, topics and their growth, entities and example texts.

    The insights are computed once per version of the scored texts (:func:`text_version`) and
    kept in memory, so later visits only pay for the version check.
    """
    data = with_store(request, lambda store: _cached_text(request, store))
    figures = {}
    if data.get("available"):
        figures["weekly"] = line_figure(
            _series(data["weekly"], "sentiment", "week", "texts"),
            title="Texts per week by sentiment",
        )
        means = data["mean_by_week"]
        figures["mean"] = line_figure(
            {"mean score": ([r["week"] for r in means], [r["sentiment_score"] for r in means])},
            title="Mean sentiment score per week",
        )
        top = data["topics"][:12]
        figures["topics"] = bar_figure(
            [t["topic"] for t in top], [t["texts"] for t in top], title="Texts per topic"
        )
    return page(request, "text.html", session, data=data, figures=figures, charts=bool(figures))


def _cached_text(request: Request, store: Any) -> dict[str, Any]:
    cache = web_state(request).cache
    key = ("text", *insights.text_version(store))
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        found = insights.text_insights(store)
        for stale in [k for k in list(cache) if k[0] == "text" and k != key]:
            cache.pop(stale, None)
        cache[key] = found
    return found


@router.get("/vision")
def vision(request: Request, session: Viewer) -> HTMLResponse:
    """Counts per zone over time, queues (zones named queue*) and door counts per store."""
    data = with_store(request, insights.vision_insights)
    figures = {}
    if data["zones"]:
        figures["zones"] = line_figure(
            _series(data["zones"], "zone", "time", "mean_occupancy"), title="People per zone"
        )
    if data["queues"]:
        figures["queues"] = line_figure(
            _series(data["queues"], "zone", "time", "max_occupancy"), title="Queue length (max)"
        )
    if data["doors"]:
        figures["doors"] = line_figure(
            _series(data["doors"], "store", "day", "visitors"), title="Visitors per store per day"
        )
    return page(request, "vision.html", session, data=data, figures=figures, charts=bool(figures))


@router.get("/data")
def data(request: Request, session: Analyst) -> HTMLResponse:
    """Sources, ingestion rate, failed events with reasons, violations and quality checks."""
    ctx = ServiceContext(web_state(request).settings)
    admin = session.principal.role == "admin"
    health = with_store(request, lambda store: insights.data_health(ctx, store, with_keys=admin))
    figure = line_figure(
        _series(health["ingestion"], "source", "hour", "events"), title="Events received per hour"
    )
    return page(request, "data.html", session, health=health, figure=figure, charts=True)


@router.get("/settings")
def settings_page(request: Request, session: Admin) -> HTMLResponse:
    """Sources, consent purposes and users (admins only)."""
    from vantage.profiles.consent import ConsentConfig

    state = web_state(request)
    ctx = ServiceContext(state.settings)
    return page(
        request,
        "settings.html",
        session,
        sources=[s.public() for s in ctx.sources.list()],
        consent=ConsentConfig(),
        users=state.users.list_users(),
    )


@router.post("/settings/users")
def add_user(
    request: Request,
    session: AdminPost,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    role: Annotated[str, Form(max_length=20)] = "viewer",
) -> Response:
    """Create a user (admins only)."""
    try:
        web_state(request).users.add(username.strip(), password, role)
    except VantageError as exc:
        return error_page(request, session, exc)
    return RedirectResponse("/ui/settings", status_code=303)


@router.post("/settings/users/{username}/role")
def set_role(
    request: Request, session: AdminPost, username: str, role: Annotated[str, Form(max_length=20)]
) -> Response:
    """Change a user's role (admins only)."""
    try:
        web_state(request).users.set_role(username, role)
    except VantageError as exc:
        return error_page(request, session, exc)
    return RedirectResponse("/ui/settings", status_code=303)
