"""Rendering pages: the Jinja2 environment, the navigation per role and chart figures."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from vantage.services.users import ROLE_RANK, Role, Session, show

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

# (path, label, lowest role that may open it)
NAV: tuple[tuple[str, str, Role], ...] = (
    ("/ui/", "Overview", "viewer"),
    ("/ui/customers", "Customers", "viewer"),
    ("/ui/segments", "Segments", "viewer"),
    ("/ui/models", "Models", "viewer"),
    ("/ui/forecasts", "Forecasts", "viewer"),
    ("/ui/text", "Text insights", "viewer"),
    ("/ui/vision", "Vision", "viewer"),
    ("/ui/assistant", "Assistant", "analyst"),
    ("/ui/genai", "Generative AI", "analyst"),
    ("/ui/data", "Data", "analyst"),
    ("/ui/settings", "Settings", "admin"),
)


@cache
def templates() -> Jinja2Templates:
    """The dashboard's templates (autoescaped HTML)."""
    return Jinja2Templates(directory=str(TEMPLATES))


def nav_for(role: Role) -> list[tuple[str, str]]:
    """The pages a role may open, in menu order."""
    return [(path, label) for path, label, needed in NAV if ROLE_RANK[role] >= ROLE_RANK[needed]]


def conversation_of(session: Session) -> str:
    """The default assistant conversation of a login session (the same on every page)."""
    return hashlib.sha256(session.csrf_token.encode()).hexdigest()[:16]


def page(
    request: Request,
    name: str,
    session: Session | None,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render template ``name`` with the user, the menu, the CSRF token and ``context``."""
    principal = session.principal if session is not None else None
    base: dict[str, Any] = {
        "user": principal,
        "csrf_token": session.csrf_token if session is not None else "",
        "nav": nav_for(principal.role) if principal is not None else [],
        "active": request.url.path,
        "show": (lambda t, v: show(principal, t, str(v))) if principal else (lambda t, v: v),
        "widget": principal is not None and principal.allows("analyst"),
        "conversation": conversation_of(session) if session is not None else "",
    }
    response: HTMLResponse = templates().TemplateResponse(
        request, name, {**base, **context}, status_code=status
    )
    return response


def line_figure(
    series: dict[str, tuple[list[Any], list[float]]], *, title: str = "", y_title: str = ""
) -> dict[str, Any]:
    """A Plotly line chart (as a plain figure dict) with one trace per named series."""
    return {
        "data": [
            {"type": "scatter", "mode": "lines", "name": name, "x": x, "y": y}
            for name, (x, y) in series.items()
        ],
        "layout": {"title": {"text": title}, "yaxis": {"title": {"text": y_title}}},
    }


def bar_figure(
    labels: list[Any], values: list[float], *, title: str = "", horizontal: bool = False
) -> dict[str, Any]:
    """A Plotly bar chart as a plain figure dict."""
    trace: dict[str, Any] = {"type": "bar", "x": values, "y": labels, "orientation": "h"}
    if not horizontal:
        trace = {"type": "bar", "x": labels, "y": values}
    return {"data": [trace], "layout": {"title": {"text": title}}}
