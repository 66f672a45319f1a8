"""A real local HTTP server speaking the OpenAI chat-completions and images protocol.

Started by the tests on a free loopback port (``http.server`` in a thread). It records every
request body, answers with queued replies (or a deterministic echo of the last user message),
streams as server-sent events, can fail the next requests with chosen status codes, and checks
the bearer token when one is set.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@dataclass
class FakeOpenAI:
    """State of the fake server, shared with the test."""

    url: str = ""
    api_key: str | None = None
    replies: list[str] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def reply_for(self, body: dict[str, Any]) -> str:
        if self.replies:
            return self.replies.pop(0)
        users = [m["content"] for m in body.get("messages", []) if m.get("role") == "user"]
        return "echo: " + " ".join((users[-1] if users else "").split()[:12])

    def sent_text(self) -> str:
        """Every message content the server received, joined (for PII checks)."""
        return "\n".join(
            m.get("content", "") for body in self.requests for m in body.get("messages", [])
        ) + "\n".join(str(body.get("prompt", "")) for body in self.requests)


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            state.requests.append(body)
            state.paths.append(self.path)
            if state.api_key and self.headers.get("Authorization") != f"Bearer {state.api_key}":
                self._json(401, {"error": {"message": "Incorrect API key provided."}})
                return
            if state.failures:
                status = state.failures.pop(0)
                self._json(status, {"error": {"message": f"injected failure {status}"}})
                return
            if self.path.endswith("/images/generations"):
                item = {"b64_json": base64.b64encode(PNG_1X1).decode()}
                self._json(200, {"created": 0, "data": [item] * int(body.get("n", 1))})
                return
            if not self.path.endswith("/chat/completions"):
                self._json(404, {"error": {"message": "not found"}})
                return
            text = state.reply_for(body)
            prompt_tokens = sum(len(m["content"].split()) for m in body["messages"])
            usage = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(text.split()),
                "total_tokens": prompt_tokens + len(text.split()),
            }
            if body.get("stream"):
                self._stream(body, text)
                return
            self._json(
                200,
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                },
            )

        def _stream(self, body: dict[str, Any], text: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            words = text.split(" ")
            for i, word in enumerate(words):
                piece = word if i == 0 else " " + word
                chunk = {
                    "object": "chat.completion.chunk",
                    "model": body["model"],
                    "choices": [{"index": 0, "delta": {"content": piece}}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler


@contextmanager
def fake_openai_server(api_key: str | None = None) -> Iterator[FakeOpenAI]:
    """Run the fake server for the duration of the ``with`` block; ``state.url`` ends in /v1."""
    state = FakeOpenAI(api_key=api_key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
