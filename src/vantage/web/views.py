"""Helpers shared by the page modules: warehouse access, input validation, error pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter, ValidationError

from vantage.core.errors import VantageError
from vantage.services.users import Session
from vantage.services.warehouse import open_warehouse
from vantage.store.warehouse import Store
from vantage.web.auth import web_state
from vantage.web.render import page

T = TypeVar("T")
_DATE = TypeAdapter(date)


class InputError(VantageError):
    """A page was given a query value it cannot use."""


def parse_date(field: str, value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` query value, or None when empty.

    Raises:
        InputError: Naming the field and the expected format.
    """
    if not value:
        return None
    try:
        return _DATE.validate_python(value)
    except ValidationError:
        raise InputError(
            f"Invalid {field}: {value!r} is not a date.", f"Write {field} as YYYY-MM-DD."
        ) from None


def with_store(request: Request, work: Callable[[Store], T]) -> T:
    """Run ``work`` on the warehouse of the app's data directory."""
    with open_warehouse(web_state(request).settings, timeout_s=30) as store:
        return work(store)


def error_page(
    request: Request, session: Session, exc: VantageError, *, status: int = 422
) -> HTMLResponse:
    """The page shown for an error raised on purpose: its message and its fix."""
    return page(
        request,
        "message.html",
        session,
        status=status,
        heading="Cannot show this page",
        message=exc.message,
        fix=exc.fix,
    )


def fragment_error(exc: VantageError) -> str:
    """An htmx fragment for an error in a lazily loaded panel."""
    from markupsafe import escape

    fix = f" <span class='fix'>{escape(exc.fix)}</span>" if exc.fix else ""
    return f"<p class='muted'>{escape(exc.message)}{fix}</p>"


def plain(value: Any) -> Any:
    """Numbers rounded for display, everything else unchanged."""
    return round(value, 4) if isinstance(value, float) else value
