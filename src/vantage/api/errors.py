"""HTTP errors as JSON that names the problem and the fix.

Every error body is ``{"code": ..., "message": ..., "fix": ...}``. ``code`` and ``message`` are
what Segment's and RudderStack's clients read from an error response.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from vantage.core.errors import VantageError


class ApiError(Exception):
    """An error answered with a JSON body.

    Args:
        status: HTTP status code.
        code: Short machine-readable code (``invalid_json``, ``payload_too_large``, ...).
        message: What went wrong, naming the field or limit.
        fix: What the caller should do.
        headers: Extra response headers (``Retry-After``, ``WWW-Authenticate``).
        extra: Extra body fields (``field``, counts).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fix: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fix = fix
        self.headers = headers
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        """The JSON body of the response."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fix:
            body["fix"] = self.fix
        body.update(self.extra)
        return body


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """A JSON response serialised with orjson."""
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


def from_vantage_error(exc: VantageError, status: int, code: str) -> ApiError:
    """Wrap a :class:`VantageError` (message + fix) as an HTTP error."""
    return ApiError(status, code, exc.message, exc.fix)


def _note(request: Request, code: str) -> None:
    log = request.scope.get("vantage.log")
    if log is not None:
        log["error"] = code


async def _api_error(request: Request, exc: Exception) -> Response:
    exc = cast(ApiError, exc)
    _note(request, exc.code)
    return json_response(exc.body(), exc.status, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    exc = cast(StarletteHTTPException, exc)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    _note(request, code)
    return json_response(
        {"code": code, "message": str(exc.detail)}, exc.status_code, exc.headers or None
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    exc = cast(RequestValidationError, exc)
    errors = exc.errors()
    parts = []
    for err in errors[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "(body)"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    _note(request, "invalid_request")
    body = {
        "code": "invalid_request",
        "message": "; ".join(parts) or "The request is invalid.",
        "fix": "Correct the named fields; the OpenAPI document at /openapi.json shows the format.",
        "detail": _details(errors),
    }
    return json_response(body, 422)


def _details(errors: Sequence[Any]) -> Any:
    try:
        return orjson.loads(orjson.dumps(errors, default=str))
    except TypeError:  # orjson refuses integers beyond 64 bits: leave out the echoed inputs
        trimmed = [{k: v for k, v in e.items() if k not in ("input", "ctx")} for e in errors]
        return orjson.loads(orjson.dumps(trimmed, default=str))


async def _unexpected(request: Request, exc: Exception) -> Response:
    _note(request, "internal_error")
    return json_response(
        {
            "code": "internal_error",
            "message": f"Unexpected server error ({type(exc).__name__}); nothing was acknowledged.",
            "fix": "Retry the request; if it keeps failing, check the server log.",
        },
        500,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error as ``{"code", "message", "fix"}`` JSON."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
