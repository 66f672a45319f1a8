"""Dashboard access: signed session cookies, role checks and CSRF tokens.

The browser holds only a random session id, signed with the workspace's secret (itsdangerous)
in an HttpOnly, SameSite=Lax cookie; the session itself (user, expiry, CSRF token) is kept
server-side by :class:`vantage.services.users.UserStore`. Every POST, form or htmx, must carry
the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from vantage.core.settings import Settings
from vantage.services.users import Role, Session, UserStore

SESSION_COOKIE = "vantage_session"
LOGIN_CSRF_COOKIE = "vantage_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class LoginRequiredError(Exception):
    """No valid session: the browser is sent to the login page."""


class PageForbiddenError(Exception):
    """The user's role is too low for the page."""

    def __init__(self, needed: Role, session: Session) -> None:
        super().__init__(needed)
        self.needed = needed
        self.session = session


class CsrfError(Exception):
    """A POST without the session's CSRF token."""


@dataclass
class WebState:
    """What the dashboard of one app works with (kept on ``app.state.web``).

    Attributes:
        settings: The app's settings.
        users: Users, sessions and tokens.
        signer: Signs session cookies with the workspace's secret.
        cache: Results worth keeping between requests (forecast runs), by key.
    """

    settings: Settings
    users: UserStore
    signer: Any
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings) -> WebState:
        """The state for ``settings``' data directory."""
        from itsdangerous import URLSafeTimedSerializer

        users = UserStore(settings.home)
        signer = URLSafeTimedSerializer(users.signing_secret(), salt="vantage-session")
        return cls(settings, users, signer)


def web_state(request: Request) -> WebState:
    """The dashboard state of the app serving ``request``."""
    state: WebState = request.app.state.web
    return state


def session_of(request: Request) -> Session | None:
    """The live session of the request's cookie, or None."""
    from itsdangerous import BadSignature

    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    state = web_state(request)
    try:
        raw = state.signer.loads(cookie, max_age=state.users.session_ttl_s)
    except BadSignature:
        return None
    return state.users.session(str(raw))


def require(role: Role) -> Callable[[Request], Session]:
    """A dependency: the session, when its user holds ``role`` or higher.

    Raises (from the dependency):
        LoginRequiredError: No valid session.
        PageForbiddenError: The role is too low.
    """

    def check(request: Request) -> Session:
        session = session_of(request)
        if session is None:
            raise LoginRequiredError
        if not session.principal.allows(role):
            raise PageForbiddenError(role, session)
        return session

    return check


def require_post(role: Role) -> Callable[[Request], Awaitable[Session]]:
    """Like :func:`require`, for POSTs: the CSRF token must match the session's too.

    Raises (from the dependency):
        CsrfError: The token is missing or wrong.
    """
    allowed = require(role)

    async def check(request: Request) -> Session:
        session = allowed(request)
        given = request.headers.get(CSRF_HEADER)
        if given is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
        if not given or not secrets.compare_digest(given, session.csrf_token):
            raise CsrfError
        return session

    return check


def login_csrf(request: Request) -> str:
    """The login form's CSRF token (double-submit: also set as a cookie by the login page)."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)


def check_login_csrf(request: Request, given: str) -> bool:
    """Whether the login form's token matches its cookie."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return bool(expected) and secrets.compare_digest(given, expected)
