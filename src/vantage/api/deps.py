"""The objects one app instance works with, and the FastAPI dependencies that hand them out.

:class:`Runtime` is built by :func:`vantage.api.app.create_app` (never at import time) and kept on
``app.state.runtime``; its writer thread and background worker are started and stopped by the
app's lifespan.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vantage.api.body import unauthorized
from vantage.api.errors import ApiError
from vantage.collect.ingest import Ingestor
from vantage.collect.ratelimit import RateLimiter, retry_after_seconds
from vantage.collect.sources import Source, SourceRegistry
from vantage.collect.suppression import SuppressionList
from vantage.collect.tracking_plan import PlanCache, ViolationLog
from vantage.core.settings import Settings
from vantage.core.workspace import Workspace
from vantage.services.activation_runtime import ActivationRuntime
from vantage.services.live import LiveProfiles
from vantage.services.nlp_ingest import text_scorer
from vantage.services.realtime_bus import RealtimeBus, bus_for
from vantage.services.segments_realtime import RealtimeSegments
from vantage.services.users import Principal, Role, UserStore, admin_token_principal
from vantage.store.group_commit import GroupCommitWriter
from vantage.store.lake import EventLog

_MAX_CACHED_KEYS = 10_000


class SourceCache:
    """Sources by write key, trusted for ``ttl_s`` so the hot path rarely touches SQLite.

    Unknown keys are remembered for a shorter ``negative_ttl_s`` (a new source works at once if
    it was added through this app, within ``negative_ttl_s`` if added by another process).

    Args:
        registry: The source registry.
        ttl_s: How long a found source is trusted (a disable elsewhere applies after this).
        negative_ttl_s: How long an unknown key is remembered as unknown.
        clock: Monotonic clock in seconds.
    """

    def __init__(
        self,
        registry: SourceRegistry,
        ttl_s: float = 2.0,
        negative_ttl_s: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self.ttl_s = ttl_s
        self.negative_ttl_s = negative_ttl_s
        self.clock = clock
        self._entries: dict[str, tuple[float, Source | None]] = {}

    def get(self, write_key: str) -> Source | None:
        """The source owning ``write_key``, or None."""
        now = self.clock()
        entry = self._entries.get(write_key)
        if entry is not None and entry[0] > now:
            return entry[1]
        source = self.registry.by_write_key(write_key)
        if len(self._entries) >= _MAX_CACHED_KEYS:
            self._entries.clear()
        ttl = self.ttl_s if source is not None else self.negative_ttl_s
        self._entries[write_key] = (now + ttl, source)
        return source

    def invalidate(self) -> None:
        """Forget every cached key (after an admin change)."""
        self._entries.clear()


class Runtime:
    """Everything one app instance needs, built from settings.

    Args:
        settings: The settings of this app.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.workspace = Workspace.from_settings(settings)
        self.registry = SourceRegistry(settings.home)
        self.log = EventLog(settings.home)
        self.writer = GroupCommitWriter(self.log)
        self.plans = PlanCache(self.registry)
        self.violations = ViolationLog(settings.home)
        self.ingestor = Ingestor(
            settings.collect,
            checker_for=self.plans,
            on_violation=self.violations,
            suppression=SuppressionList(settings.home),
            enrich=text_scorer(settings),
        )
        self.sources = SourceCache(self.registry)
        self.limiter = RateLimiter(
            settings.collect.rate_per_source, settings.collect.burst_per_source
        )
        self.admin_token = self.workspace.admin_token(settings)
        self.users = UserStore(settings.home)
        self.live: LiveProfiles | None = LiveProfiles(settings) if settings.realtime else None
        self.bus = RealtimeBus() if self.live is None else bus_for(self.live)
        if self.live is not None:
            self.live.add_listener(RealtimeSegments(settings, self.live, self.bus))
        self.activation = (
            ActivationRuntime(settings, self.live, self.bus) if settings.activate.enabled else None
        )
        self.started = False

    def start(self) -> None:
        """Start the group-commit writer thread and the real-time profile tail."""
        self.writer.start()
        if self.live is not None:
            self.live.start()
        if self.activation is not None:
            self.activation.start()
        self.started = True

    def stop(self) -> None:
        """Write what is queued, stop the threads and flush buffered violations."""
        self.started = False
        if self.live is not None:
            self.live.stop()
        if self.activation is not None:
            self.activation.stop()
        self.writer.close()
        self.violations.flush()

    def authorise(self, write_key: str | None) -> Source:
        """The enabled source of a write key, after taking one token from its rate limit.

        Raises:
            ApiError: 401 for a missing or unknown key, 403 for a disabled source, 429 (with
                ``Retry-After``) when the source is over its rate.
        """
        if not write_key:
            raise unauthorized("No write key was sent.")
        source = self.sources.get(write_key)
        if source is None:
            raise unauthorized("The write key does not belong to any source.")
        if not source.enabled:
            raise ApiError(
                403,
                "source_disabled",
                f"Source {source.name!r} is disabled.",
                f"Enable it (PATCH /v1/admin/sources/{source.name} with "
                '{"enabled": true}) or send with another source\'s write key.',
            )
        wait = self.limiter.acquire(source.name)
        if wait > 0:
            retry = retry_after_seconds(wait)
            raise ApiError(
                429,
                "rate_limited",
                f"Source {source.name!r} is over its rate limit of "
                f"{self.settings.collect.rate_per_source:g} requests/s.",
                f"Retry after {retry} s (Retry-After), batch more events per request, or raise "
                "VANTAGE_COLLECT__RATE_PER_SOURCE.",
                headers={"Retry-After": str(retry)},
            )
        return source

    def changed(self, source: str | None = None) -> None:
        """Drop cached sources and plans after an admin change."""
        self.sources.invalidate()
        self.plans.invalidate(source)


def get_runtime(request: Request) -> Runtime:
    """The app's :class:`Runtime`."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="adminToken",
    description="The admin token (VANTAGE_ADMIN_TOKEN, or the one `vantage init` generated), "
    "or a user's API token (`vantage users token NAME`), which acts with that user's role.",
)


def principal_for(runtime: Runtime, token: str) -> Principal | None:
    """Who a bearer token acts as: the admin token is an admin, an API token its user's role."""
    if not token:
        return None
    if secrets.compare_digest(token.encode(), runtime.admin_token.encode()):
        return admin_token_principal()
    return runtime.users.token_principal(token)


def require_role(role: Role) -> Callable[..., Principal]:
    """A dependency admitting bearer tokens whose role is ``role`` or higher.

    Raises (from the dependency):
        ApiError: 401 without a valid token, 403 when the token's role is too low.
    """

    def check(
        runtime: RuntimeDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        given = credentials.credentials if credentials is not None else ""
        principal = principal_for(runtime, given)
        if principal is None:
            raise ApiError(
                401,
                "unauthorized",
                "Admin endpoints need a valid admin token."
                if role == "admin"
                else f"This endpoint needs a valid token (role {role} or higher).",
                "Send Authorization: Bearer <token>; the token is VANTAGE_ADMIN_TOKEN, the "
                "admin_token in <VANTAGE_HOME>/secrets.json written by `vantage init`, or one "
                "made by `vantage users token USER`.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not principal.allows(role):
            raise ApiError(
                403,
                "forbidden",
                f"This endpoint needs the {role} role; the token of {principal.username!r} has "
                f"the {principal.role} role.",
                f"Use a token of a user with the {role} role (`vantage users set-role`).",
            )
        return principal

    return check


READ_METHODS = frozenset({"GET", "HEAD"})


def read_access(lowest: Role = "analyst") -> Callable[..., Principal]:
    """A dependency: ``lowest`` and higher roles may read (GET, HEAD); other methods need admin.

    Args:
        lowest: The lowest role that may read: ``analyst`` for raw records, ``viewer`` where the
            route masks personal data for principals without ``see_pii``.

    Raises (from the dependency):
        ApiError: 401 without a valid token, 403 when the token's role is too low.
    """

    def check(
        request: Request,
        runtime: RuntimeDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        needed: Role = lowest if request.method in READ_METHODS else "admin"
        principal = principal_for(runtime, credentials.credentials if credentials else "")
        if needed == "admin" and principal is not None and principal.role != "admin":
            raise ApiError(
                403,
                "forbidden",
                f"{request.method} on this endpoint needs the admin role; the token of "
                f"{principal.username!r} has the {principal.role} role, which may only read "
                "(GET).",
                "Use an admin token for changes (`vantage users set-role USER admin`).",
            )
        return require_role(needed)(runtime, credentials)

    return check


require_admin = require_role("admin")
AdminDep = Depends(require_admin)
ReadDep = Depends(read_access("analyst"))
MaskedReadDep = Depends(read_access("viewer"))
AnalystDep = Depends(require_role("analyst"))
