"""A small local webhook receiver (a real HTTP server on 127.0.0.1 in a thread).

Used by ``vantage demo``, the trigger benchmark and the tests to watch deliveries arrive, and
handy for trying a destination out. It checks each request's signature when given the secret,
and can answer slowly or fail on purpose to show retries and isolation.

Example:
    >>> with WebhookReceiver() as receiver:
    ...     url = receiver.url
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import orjson

from vantage.activate.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify_signature


@dataclass(frozen=True)
class Received:
    """One request the receiver accepted.

    Attributes:
        body: The parsed JSON body.
        headers: The request headers (lower-case names).
        at: When it arrived (``time.time()``).
        verified: Whether the signature checked out (None without a secret).
    """

    body: Any
    headers: dict[str, str]
    at: float
    verified: bool | None


class WebhookReceiver:
    """Accept POSTs on ``http://127.0.0.1:<port>/hook`` and keep what arrived.

    Args:
        secret: Check ``X-Vantage-Signature`` with this secret (kept as ``verified``).
        delay_s: Wait this long before answering each request (a slow endpoint).
        fail_first: Answer this many requests with ``fail_status`` before succeeding.
        fail_status: The status of failed answers.
        port: Port to bind (0: any free port).
    """

    def __init__(
        self,
        secret: str | None = None,
        *,
        delay_s: float = 0.0,
        fail_first: int = 0,
        fail_status: int = 503,
        port: int = 0,
    ) -> None:
        self.secret = secret
        self.delay_s = delay_s
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.received: list[Received] = []
        self.requests = 0
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The URL to give a webhook destination."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                with receiver._lock:
                    receiver.requests += 1
                    failing = receiver.requests <= receiver.fail_first
                if failing:
                    self.send_response(receiver.fail_status)
                    self.end_headers()
                    return
                receiver._accept(body, {k.lower(): v for k, v in self.headers.items()})
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler

    def _accept(self, body: bytes, headers: dict[str, str]) -> None:
        verified = None
        if self.secret is not None:
            verified = verify_signature(self.secret, headers.get(SIGNATURE_HEADER.lower()), body)
        item = Received(orjson.loads(body), headers, time.time(), verified)
        with self._arrived:
            self.received.append(item)
            self._arrived.notify_all()

    def delivery_ids(self) -> list[str]:
        """The ``X-Vantage-Delivery`` ids received, in order."""
        with self._lock:
            return [r.headers.get(DELIVERY_HEADER.lower(), "") for r in self.received]

    def wait_for(self, count: int, timeout_s: float = 10.0) -> bool:
        """Wait until ``count`` requests were accepted; False on timeout."""
        deadline = time.monotonic() + timeout_s
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._arrived.wait(left)
        return True

    def start(self) -> WebhookReceiver:
        """Start serving in a daemon thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="vantage-webhook-receiver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
