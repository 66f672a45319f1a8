"""Reading a tracking request: write key, size-limited (maybe gzip'd) body, JSON.

Kept free of pydantic on purpose: this is the hot path of the collection API.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any

import orjson
from starlette.datastructures import Headers
from starlette.requests import Request

from vantage.api.errors import ApiError

_GZIP_WBITS = 16 + zlib.MAX_WBITS


def write_key_from_headers(headers: Headers) -> str | None:
    """The write key from ``Authorization: Basic`` (the user part) or ``X-Write-Key``.

    Args:
        headers: Request headers.

    Returns:
        The key, or None when neither header carries one.

    Raises:
        ApiError: 401 when the Authorization header is malformed.
    """
    auth = headers.get("authorization")
    if auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise unauthorized("The Authorization header is not valid Basic auth.") from exc
            key = decoded.partition(":")[0]
            if key:
                return key
    header = headers.get("x-write-key")
    return header or None


def unauthorized(message: str) -> ApiError:
    """A 401 that tells the caller how to send the write key."""
    return ApiError(
        401,
        "unauthorized",
        message,
        "Send the source's write key as the HTTP Basic user with an empty password "
        "(Authorization: Basic base64(WRITE_KEY + ':')), or in an X-Write-Key header; "
        "`vantage sources keys` shows the keys.",
        headers={"WWW-Authenticate": 'Basic realm="vantage"'},
    )


def too_large(what: str, size: int | None, limit: int, setting: str, fix: str) -> ApiError:
    """A 413 naming the limit, the setting that raises it and the fix."""
    actual = f" is {size:,} bytes," if size is not None else ""
    return ApiError(
        413,
        "payload_too_large",
        f"The {what}{actual} over the {limit:,}-byte limit ({setting}).",
        fix,
    )


async def read_body(request: Request, limit: int, what: str, setting: str, fix: str) -> bytes:
    """Read the request body, gunzip it when needed, and enforce ``limit`` (after gunzip).

    Args:
        request: The request.
        limit: Largest body accepted, in bytes, after decompression.
        what: What the body is, for messages (``batch``, ``event``).
        setting: The setting that holds the limit, for messages.
        fix: What to do about an oversized body.

    Returns:
        The raw JSON bytes.

    Raises:
        ApiError: 413 when over the limit, 400 for a corrupt gzip stream, 415 for an encoding
            other than gzip.
    """
    headers = request.headers
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(what, int(declared), limit, setting, fix)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(what, None, limit, setting, fix)
        chunks.append(chunk)
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    encoding = headers.get("content-encoding", "").strip().lower()
    if not encoding or encoding == "identity":
        return body
    if encoding not in ("gzip", "x-gzip"):
        raise ApiError(
            415,
            "unsupported_encoding",
            f"Content-Encoding {encoding!r} is not supported.",
            "Send the body as plain JSON or gzip-compressed with Content-Encoding: gzip.",
        )
    return gunzip(body, limit, what, setting, fix)


def gunzip(body: bytes, limit: int, what: str, setting: str, fix: str) -> bytes:
    """Decompress a gzip body without ever holding more than ``limit`` bytes of output."""
    inflater = zlib.decompressobj(_GZIP_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise bad_gzip(str(exc)) from exc
    if len(out) > limit:
        raise too_large(f"{what} (after gzip decompression)", None, limit, setting, fix)
    if not inflater.eof:
        raise bad_gzip("the compressed stream is truncated")
    return out


def bad_gzip(detail: str) -> ApiError:
    """A 400 for a body that claims gzip but is not."""
    return ApiError(
        400,
        "invalid_gzip",
        f"The body is sent with Content-Encoding: gzip but cannot be decompressed: {detail}.",
        "Compress the whole JSON body with gzip, or drop the Content-Encoding header.",
    )


def parse_json(body: bytes) -> Any:
    """Decode JSON with orjson.

    Raises:
        ApiError: 400 naming where the JSON is broken.
    """
    if not body:
        raise ApiError(
            400,
            "invalid_json",
            "The request body is empty.",
            "Send a JSON object, e.g. "
            '{"userId": "u1", "event": "Order Completed", "properties": {}}.',
        )
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ApiError(
            400,
            "invalid_json",
            f"The body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno} "
            f"(character {exc.pos}).",
            "Send a UTF-8 JSON object with Content-Type: application/json.",
        ) from exc
