"""Structured JSON logs: one line per request, never a write key or a token.

The request line carries method, path, status, source name, event counts and duration. Handlers
add fields by writing into ``request.scope["vantage.log"]`` (a dict the middleware creates).
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import orjson
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOG_KEY = "vantage.log"
_configured = False


def configure_logging(level: str = "info") -> None:
    """Send structlog and the standard library's loggers (uvicorn's) to stdout as JSON lines.

    uvicorn's own access log is silenced: :class:`RequestLogMiddleware` writes one richer line
    per request.

    Args:
        level: Lowest level written (``debug``, ``info``, ``warning``, ...).
    """
    global _configured
    numeric = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(serializer=orjson.dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.BytesLoggerFactory(),
        cache_logger_on_first_use=False,
    )
    if _configured:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    for name in ("uvicorn", "uvicorn.error", "vantage"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(numeric)
        logger.propagate = False
    access = logging.getLogger("uvicorn.access")
    access.handlers = []
    access.propagate = False
    _configured = True


class RequestLogMiddleware:
    """Pure ASGI middleware writing one JSON line per HTTP request.

    Args:
        app: The wrapped ASGI app.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.logger = structlog.get_logger("vantage.api")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request and log it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        fields: dict[str, Any] = {}
        scope[LOG_KEY] = fields
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            self.logger.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                **fields,
            )
