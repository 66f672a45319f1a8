"""Any OpenAI-compatible HTTP endpoint: OpenAI, Azure, Vertex AI, vLLM, llama.cpp, Ollama.

Speaks ``POST {base_url}/chat/completions`` (plain and server-sent-event streaming) and
``POST {base_url}/images/generations`` with :mod:`httpx`. Timeouts, connection errors, 429 and
5xx answers are transient (retried with backoff by :class:`LLMBackend`); other 4xx are not.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import orjson

from vantage.solutions.genai.backends.base import (
    Completion,
    GeneratedImage,
    LLMBackend,
    Message,
    Usage,
)
from vantage.solutions.genai.errors import BackendError, TransientBackendError

TRANSIENT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class OpenAICompatibleBackend(LLMBackend):
    """A chat model behind an OpenAI-compatible HTTP API.

    Args:
        model: Model name the server knows.
        base_url: API root, e.g. ``https://api.openai.com/v1`` or ``http://127.0.0.1:8080/v1``.
        api_key: Bearer token (``None`` for local servers that need none).
        timeout_s: Timeout of each request (connect, read, write).
        **kwargs: Cache, retry, pricing and sleep, as :class:`LLMBackend`.
    """

    kind = "openai"

    def __init__(
        self,
        model: str,
        *,
        base_url: str,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(model, **kwargs)
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=httpx.Timeout(timeout_s)
        )

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _body(self, messages: list[Message], options: dict[str, Any]) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": [m.model_dump() for m in messages],
            **options,
        }

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._client.post(path, json=body)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise TransientBackendError(
                f"{self.base_url}{path} did not answer: {exc.__class__.__name__}.",
                "Check that the server runs, or raise the [genai] timeout_s setting.",
            ) from exc
        _check(response, self.base_url + path)
        try:
            data: dict[str, Any] = response.json()
        except ValueError as exc:
            raise BackendError(
                f"{self.base_url}{path} answered with something that is not JSON.",
                "Point [genai] base_url at the API root of an OpenAI-compatible server.",
            ) from exc
        return data

    def _complete(self, messages: list[Message], options: dict[str, Any]) -> Completion:
        data = self._post("/chat/completions", self._body(messages, options))
        try:
            choice = data["choices"][0]
            text = choice["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise BackendError(
                "The chat-completions answer has no choices[0].message.content.",
                "Check that the server speaks the OpenAI chat-completions protocol.",
            ) from exc
        return Completion(
            text=text,
            model=str(data.get("model") or self.model),
            backend=self.kind,
            usage=_usage(data.get("usage")),
            finish_reason=str(choice.get("finish_reason") or "stop"),
        )

    def _stream(self, messages: list[Message], options: dict[str, Any]) -> Iterator[str]:
        body = {**self._body(messages, options), "stream": True}
        request = self._client.build_request("POST", "/chat/completions", json=body)
        try:
            response = self._client.send(request, stream=True)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise TransientBackendError(
                f"{self.base_url}/chat/completions did not answer: {exc.__class__.__name__}.",
                "Check that the server runs, or raise the [genai] timeout_s setting.",
            ) from exc
        if response.status_code >= 400:
            response.read()
            response.close()
            _check(response, self.base_url + "/chat/completions")
        return _sse_pieces(response)

    def _images(self, prompt: str, n: int, size: str) -> list[GeneratedImage]:
        data = self._post(
            "/images/generations",
            {
                "model": self.model,
                "prompt": prompt,
                "n": n,
                "size": size,
                "response_format": "b64_json",
            },
        )
        images = []
        for item in data.get("data") or []:
            raw = item.get("b64_json")
            images.append(
                GeneratedImage(
                    data=base64.b64decode(raw) if raw else None,
                    url=item.get("url"),
                    revised_prompt=item.get("revised_prompt"),
                )
            )
        if not images:
            raise BackendError(
                "The images answer holds no data[].", "Check the server's images endpoint."
            )
        return images


def _usage(raw: Any) -> Usage:
    if not isinstance(raw, dict):
        return Usage()
    return Usage(int(raw.get("prompt_tokens") or 0), int(raw.get("completion_tokens") or 0))


def _check(response: httpx.Response, url: str) -> None:
    if response.status_code < 400:
        return
    try:
        detail = response.json().get("error", {}).get("message") or response.text[:200]
    except (ValueError, AttributeError):
        detail = response.text[:200]
    if response.status_code in TRANSIENT_STATUS:
        raise TransientBackendError(
            f"{url} answered {response.status_code}: {detail}",
            "Retry later; the server is busy or rate-limiting.",
        )
    fix = (
        "Check the [genai] api_key setting (VANTAGE_GENAI__API_KEY)."
        if response.status_code in (401, 403)
        else "Check the [genai] model and base_url settings."
    )
    raise BackendError(f"{url} answered {response.status_code}: {detail}", fix)


def _sse_pieces(response: httpx.Response) -> Iterator[str]:
    """Text deltas of a chat-completions event stream, until ``data: [DONE]``."""
    try:
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            payload = line[5:].strip()
            if payload == "[DONE]":
                return
            event = orjson.loads(payload)
            for choice in event.get("choices") or []:
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    yield piece
    except httpx.TransportError as exc:
        raise BackendError(
            f"The stream broke: {exc.__class__.__name__}.", "Retry the request."
        ) from exc
    finally:
        response.close()
