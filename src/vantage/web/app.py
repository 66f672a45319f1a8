"""Adds the dashboard to the API app: pages under ``/ui``, assets, login and logout.

``install_web(app, settings)`` is called by :func:`vantage.api.app.create_app`, so the dashboard
is served at the API's address by ``vantage serve``. Nothing happens at import time.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from vantage.core.settings import Settings
from vantage.web import (
    pages_assistant,
    pages_data,
    pages_genai,
    pages_main,
    pages_models,
    pages_segments,
)
from vantage.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfError,
    LoginRequiredError,
    PageForbiddenError,
    WebState,
    check_login_csrf,
    login_csrf,
    session_of,
    web_state,
)
from vantage.web.render import STATIC, page

router = APIRouter(include_in_schema=False)
ASSET_MAX_AGE = 7 * 24 * 3600


def _safe_next(target: str) -> str:
    """Only local dashboard paths may be redirected to after login (no open redirect)."""
    return target if target.startswith("/ui") and not target.startswith("//") else "/ui/"


@router.get("/")
def root() -> RedirectResponse:
    """The dashboard lives under /ui."""
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui/login")
def login_page(request: Request, next: str = "/ui/") -> HTMLResponse:
    """The login form (sets the form's CSRF cookie)."""
    token = login_csrf(request)
    response = page(request, "login.html", None, login_token=token, next=_safe_next(next))
    _set_login_cookie(request, response, token)
    return response


def _set_login_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/ui",
    )


@router.post("/ui/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/ui/",
) -> Response:
    """Check the password and start a session (a signed, HttpOnly, SameSite=Lax cookie)."""
    state = web_state(request)
    token = login_csrf(request)
    error = None
    if not check_login_csrf(request, csrf_token):
        error = "The login form expired. Log in again."
    else:
        user = state.users.authenticate(username.strip(), password)
        if user is None:
            error = "Wrong user name or password."
    if error is not None:
        response: Response = page(
            request,
            "login.html",
            None,
            status=400 if "expired" in error else 401,
            error=error,
            username=username,
            login_token=token,
            next=_safe_next(next),
        )
        _set_login_cookie(request, response, token)
        return response
    raw, _ = state.users.create_session(username.strip())
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        state.signer.dumps(raw),
        max_age=state.users.session_ttl_s,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/ui")
    return response


@router.post("/ui/logout")
async def logout(request: Request) -> Response:
    """End the session (the CSRF token must match, so other sites cannot log users out)."""
    from vantage.web.auth import require_post

    session = session_of(request)
    if session is not None:
        await require_post("viewer")(request)
        cookie = request.cookies.get(SESSION_COOKIE, "")
        state = web_state(request)
        state.users.end_session(str(state.signer.loads(cookie)))
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/ui/assets/plotly.min.js")
def plotly_js() -> FileResponse:
    """Plotly's bundle, served from the installed ``plotly`` package (never from a CDN)."""
    path = Path(str(files("plotly") / "package_data" / "plotly.min.js"))
    return FileResponse(
        path,
        media_type="text/javascript",
        headers={"Cache-Control": f"public, max-age={ASSET_MAX_AGE}"},
    )


def _login_required(request: Request, _exc: Exception) -> Response:
    target = "/ui/login?next=" + quote(
        request.url.path + (f"?{request.url.query}" if request.url.query else "")
    )
    if request.headers.get("HX-Request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageForbiddenError)
    return page(request, "forbidden.html", exc.session, status=403, needed=exc.needed)


def _csrf_failed(request: Request, _exc: Exception) -> Response:
    session = session_of(request)
    return page(
        request,
        "message.html",
        session,
        status=403,
        heading="Request refused",
        message="The form's security token is missing or stale (CSRF check).",
        fix="Reload the page and try again.",
    )


def install_web(app: FastAPI, settings: Settings) -> None:
    """Serve the dashboard from ``app``: pages, static files and the error pages it needs.

    Args:
        app: The API app.
        settings: Its settings (the data directory holds users and sessions).
    """
    app.state.web = WebState.build(settings)
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.add_exception_handler(PageForbiddenError, _forbidden)
    app.add_exception_handler(CsrfError, _csrf_failed)
    app.include_router(router)
    for module in (
        pages_main,
        pages_segments,
        pages_models,
        pages_data,
        pages_assistant,
        pages_genai,
    ):
        app.include_router(module.router)
    app.mount("/ui/static", StaticFiles(directory=str(STATIC)), name="ui-static")
