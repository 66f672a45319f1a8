"""Webhook output: signed JSON POSTs over httpx.

Each request carries ``X-Vantage-Signature: t=<unix seconds>,v1=<hex>`` where ``v1`` is
HMAC-SHA256 over ``"<t>.<raw body>"`` with the destination's secret (the scheme Stripe uses:
the timestamp inside the signature stops replays), ``X-Vantage-Delivery`` (a unique id, for
deduplication on the receiving side) and ``X-Vantage-Attempt``. Receivers check with
:func:`verify_signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import httpx

from vantage.activate.specs import WebhookDestinationSpec

SIGNATURE_HEADER = "X-Vantage-Signature"
DELIVERY_HEADER = "X-Vantage-Delivery"
ATTEMPT_HEADER = "X-Vantage-Attempt"
_RETRYABLE = frozenset({408, 409, 425, 429})


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify_signature(
    secret: str,
    header: str | None,
    body: bytes,
    *,
    tolerance_s: float = 300.0,
    now: float | None = None,
) -> bool:
    """Whether a request's signature header is valid and recent (for receivers and tests).

    Args:
        secret: The destination's signing secret.
        header: The ``X-Vantage-Signature`` value received.
        body: The raw request body.
        tolerance_s: Oldest acceptable signature, in seconds.
        now: The current time (default: the clock).
    """
    if not header:
        return False
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        stamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - stamp) > tolerance_s:
        return False
    expected = sign(secret, body, stamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


@dataclass(frozen=True)
class Attempt:
    """The result of one send attempt.

    Attributes:
        ok: Delivered (2xx).
        retryable: A later attempt may succeed (network error, timeout, 5xx, 408/409/425/429).
        status: The HTTP status, when a response came back.
        error: What went wrong, for the audit and the dead-letter store.
    """

    ok: bool
    retryable: bool
    status: int | None = None
    error: str | None = None


class WebhookSender:
    """POST signed JSON bodies to one webhook destination (one connection pool per sender).

    Args:
        spec: The destination.
        secret: Its signing secret.
        transport: An httpx transport (tests); default: real network.
    """

    def __init__(
        self,
        spec: WebhookDestinationSpec,
        secret: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.spec = spec
        self.secret = secret
        limits = httpx.Limits(max_connections=spec.concurrency, max_keepalive_connections=4)
        self.client = httpx.Client(timeout=spec.timeout_s, limits=limits, transport=transport)

    def send(self, body: bytes, delivery_id: str, attempt: int) -> Attempt:
        """One attempt to deliver ``body`` (a JSON document)."""
        headers = {
            **self.spec.headers,
            "Content-Type": "application/json",
            "User-Agent": "vantage-activate/1",
            SIGNATURE_HEADER: sign(self.secret, body, int(time.time())),
            DELIVERY_HEADER: delivery_id,
            ATTEMPT_HEADER: str(attempt),
        }
        try:
            response = self.client.post(self.spec.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Attempt(False, True, None, f"{type(exc).__name__}: {exc}"[:500])
        status = response.status_code
        if 200 <= status < 300:
            return Attempt(True, False, status)
        retryable = status >= 500 or status in _RETRYABLE
        return Attempt(False, retryable, status, f"HTTP {status}: {response.text[:300]}")

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()
