"""Overview, Customers (search) and the customer 360 view, with its htmx panels."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from vantage.core.errors import VantageError
from vantage.services import dashboard
from vantage.services import profiles as profile_service
from vantage.services.context import ServiceContext
from vantage.services.users import Session
from vantage.web.auth import require, require_post, web_state
from vantage.web.render import bar_figure, line_figure, page
from vantage.web.views import error_page, fragment_error, parse_date, with_store

router = APIRouter(prefix="/ui", include_in_schema=False)
Viewer = Annotated[Session, Depends(require("viewer"))]
AdminPost = Annotated[Session, Depends(require_post("admin"))]
TIMELINE_PAGE = 25


def _overview_figures(data: dict[str, Any]) -> dict[str, Any]:
    by_source: dict[str, tuple[list[Any], list[float]]] = {}
    for row in data["events_per_day"]:
        xs, ys = by_source.setdefault(row["source"], ([], []))
        xs.append(row["day"])
        ys.append(row["events"])
    revenue = data["revenue_per_day"]
    return {
        "events": line_figure(by_source, title="Events per day by source", y_title="events"),
        "revenue": bar_figure(
            [r["day"] for r in revenue], [r["revenue"] for r in revenue], title="Revenue per day"
        ),
    }


@router.get("/")
def overview(
    request: Request, session: Viewer, start: str | None = None, end: str | None = None
) -> HTMLResponse:
    """Customers, identified share, events per day by source, revenue and data freshness."""
    try:
        first, last = parse_date("start", start), parse_date("end", end)
        cache = web_state(request).cache
        data = with_store(
            request, lambda store: dashboard.overview(store, first, last, cache=cache)
        )
    except VantageError as exc:
        return error_page(request, session, exc)
    return page(
        request, "overview.html", session, data=data, figures=_overview_figures(data), charts=True
    )


def _group_hits(hits: list[dict[str, str]]) -> list[dict[str, Any]]:
    grouped: dict[str, list[tuple[str, str]]] = {}
    for hit in hits:
        grouped.setdefault(hit["customer_id"], []).append((hit["id_type"], hit["id_value"]))
    return [{"customer_id": c, "matches": m} for c, m in grouped.items()]


@router.get("/customers")
def customers(request: Request, session: Viewer, q: str = "") -> HTMLResponse:
    """Search customers by any identifier (e-mail, phone, user id, card, customer id, ...)."""
    query = q.strip()[:200]
    hits = (
        with_store(request, lambda store: dashboard.search_customers(store, query)) if query else []
    )
    return page(request, "customers.html", session, q=query, results=_group_hits(hits))


@router.get("/customers/{customer_id}")
def customer(request: Request, session: Viewer, customer_id: str) -> HTMLResponse:
    """The customer 360: identifiers and why they were merged, consent history, segments.

    The profile (traits, consent, predictions), next best action, recommendations and the event
    timeline load into the page right after it (htmx), so the page itself shows at once.
    """

    def work(store: Any) -> dict[str, Any]:
        return {
            "identifiers": dashboard.customer_identifiers(store, customer_id),
            "consent_history": dashboard.consent_history(store, customer_id),
            "segments": dashboard.customer_segments(store, customer_id),
        }

    try:
        data = with_store(request, work)
    except profile_service.ProfileNotFoundError as exc:
        return error_page(request, session, exc, status=404)
    return page(request, "customer.html", session, customer_id=customer_id, **data)


@router.get("/customers/{customer_id}/profile")
def customer_profile(request: Request, session: Viewer, customer_id: str) -> HTMLResponse:
    """Traits and their sources, current consent and predictions (an htmx fragment)."""
    try:
        data = with_store(request, lambda store: profile_service.profile(store, customer_id))
    except profile_service.ProfileNotFoundError as exc:
        return HTMLResponse(fragment_error(exc), status_code=404)
    return page(request, "partials/profile.html", session, profile=data)


@router.get("/customers/{customer_id}/timeline")
def timeline(
    request: Request, session: Viewer, customer_id: str, before_seq: int | None = None
) -> HTMLResponse:
    """A page of the customer's events, newest first (an htmx fragment)."""
    try:
        data = with_store(
            request,
            lambda store: profile_service.timeline(
                store, customer_id, limit=TIMELINE_PAGE, before_seq=before_seq
            ),
        )
    except profile_service.ProfileNotFoundError as exc:
        return HTMLResponse(fragment_error(exc), status_code=404)
    return page(request, "partials/timeline.html", session, customer_id=customer_id, timeline=data)


@router.get("/customers/{customer_id}/recommendations")
def recommendations(request: Request, session: Viewer, customer_id: str) -> HTMLResponse:
    """Recommended products (an htmx fragment; only when a recommender has been trained)."""
    from vantage.services import models as model_service
    from vantage.services import recommend as recommend_service

    settings = web_state(request).settings
    if not any(
        c["name"] == recommend_service.MODEL_NAME for c in model_service.list_models(settings)
    ):
        return HTMLResponse(
            "<p class='muted'>No recommender trained yet. "
            "<span class='fix'>Train one with `vantage recommend train`.</span></p>"
        )
    try:
        data = recommend_service.recommend_for(ServiceContext(settings), customer_id, n=5)
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(request, "partials/recommendations.html", session, rec=data)


@router.get("/customers/{customer_id}/factors")
def factors(request: Request, session: Viewer, customer_id: str) -> HTMLResponse:
    """The propensity score's top factors for this customer (an htmx fragment)."""
    from vantage.services import analytics

    try:
        data = analytics.top_factors(web_state(request).settings, customer_id)
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(request, "partials/factors.html", session, factors=data)


@router.get("/customers/{customer_id}/nba")
def next_best_action(request: Request, session: Viewer, customer_id: str) -> HTMLResponse:
    """The customer's next best action, as a preview that is not logged (an htmx fragment)."""
    from vantage.services.activation_nba import next_best_action as decide

    try:
        data = decide(ServiceContext(web_state(request).settings), customer_id, log=False)
    except VantageError as exc:
        return HTMLResponse(fragment_error(exc))
    return page(request, "partials/nba.html", session, nba=data)


@router.post("/customers/{customer_id}/unmerge")
def unmerge(
    request: Request,
    session: AdminPost,
    customer_id: str,
    identifier: Annotated[str, Form(max_length=600)],
) -> Response:
    """Take an identifier out of this customer (admins; through the identity split service)."""
    from vantage.services import identity as identity_service

    note = f"unmerged in the dashboard by {session.principal.username}"
    try:
        identity_service.split(
            ServiceContext(web_state(request).settings), customer_id, identifier, note
        )
    except VantageError as exc:
        return error_page(request, session, exc)
    return Response(status_code=303, headers={"Location": f"/ui/customers/{customer_id}"})
