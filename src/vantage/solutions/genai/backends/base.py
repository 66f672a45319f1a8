"""The one interface every language-model backend implements, and what they share.

:class:`LLMBackend` owns the parts that do not depend on where the model runs: the response
cache (keyed by backend, model, messages and options), retries with exponential backoff on
transient failures, and token and cost accounting. A backend only implements
:meth:`LLMBackend._complete` and :meth:`LLMBackend._stream` (and, when it can draw,
:meth:`LLMBackend._images`).
"""

from __future__ import annotations

import hashlib
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vantage.solutions.genai.backends.cache import ResponseCache
from vantage.solutions.genai.errors import BackendError, TransientBackendError

Role = Literal["system", "user", "assistant"]
OPTIONS = ("max_tokens", "temperature", "top_p", "stop", "seed")


class Message(BaseModel):
    """One chat message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    content: str = Field(max_length=200_000)


@dataclass(frozen=True)
class Usage:
    """Tokens of one call (or a running total)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Completion:
    """The answer of one call.

    Attributes:
        text: The generated text.
        model: The model that answered.
        backend: The backend kind (``openai``, ``transformers``, ``gguf``).
        usage: Tokens used.
        cost: Cost in the configured currency (0 for local models).
        finish_reason: ``stop``, ``length`` or what the backend said.
        cached: Whether the answer came from the response cache (no tokens spent).
        seconds: Time the call took.
    """

    text: str
    model: str
    backend: str
    usage: Usage = Usage()
    cost: float = 0.0
    finish_reason: str = "stop"
    cached: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        out = asdict(self)
        out["usage"]["total_tokens"] = self.usage.total_tokens
        return out


@dataclass(frozen=True)
class GeneratedImage:
    """One generated image: PNG bytes (decoded from base64) or a URL."""

    data: bytes | None = None
    url: str | None = None
    revised_prompt: str | None = None


@dataclass
class Accounting:
    """Running totals of one backend object: calls, cache hits, tokens, cost, retries."""

    calls: int = 0
    cache_hits: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, completion: Completion) -> None:
        """Count one answer."""
        with self._lock:
            self.calls += 1
            if completion.cached:
                self.cache_hits += 1
                return
            self.prompt_tokens += completion.usage.prompt_tokens
            self.completion_tokens += completion.usage.completion_tokens
            self.cost += completion.cost

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "calls": self.calls,
            "cache_hits": self.cache_hits,
            "retries": self.retries,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "cost": round(self.cost, 6),
        }


@dataclass(frozen=True)
class Pricing:
    """Price per 1,000 prompt and completion tokens (0 for local models)."""

    prompt_per_1k: float = 0.0
    completion_per_1k: float = 0.0

    def cost(self, usage: Usage) -> float:
        """Cost of ``usage``."""
        return (
            usage.prompt_tokens * self.prompt_per_1k
            + usage.completion_tokens * self.completion_per_1k
        ) / 1000.0


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of transient failures with exponential backoff.

    Attributes:
        attempts: Tries in all (1 means no retry).
        backoff_s: Wait before the first retry; doubles each time.
        max_backoff_s: Longest single wait.
    """

    attempts: int = 3
    backoff_s: float = 0.5
    max_backoff_s: float = 8.0

    def delays(self) -> Iterator[float]:
        """The waits between tries."""
        delay = self.backoff_s
        for _ in range(max(self.attempts - 1, 0)):
            yield min(delay, self.max_backoff_s)
            delay *= 2


def as_messages(messages: Iterable[Message | Mapping[str, Any]] | str) -> list[Message]:
    """Validate chat messages; a plain string becomes one user message.

    Raises:
        BackendError: A message lacks ``role`` or ``content``, or the list is empty.
    """
    if isinstance(messages, str):
        return [Message(role="user", content=messages)]
    out: list[Message] = []
    for i, item in enumerate(messages):
        try:
            out.append(item if isinstance(item, Message) else Message.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise BackendError(
                f"messages[{i}].{where}: {first['msg']}.",
                "Give each message a role (system, user or assistant) and a content string.",
            ) from exc
    if not out:
        raise BackendError("messages is empty.", "Send at least one user message.")
    return out


def clean_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the generation options every backend understands, dropping ``None`` values.

    Raises:
        BackendError: An option is unknown.
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise BackendError(
            f"Unknown generation option {unknown[0]!r}.", f"Use any of: {', '.join(OPTIONS)}."
        )
    return {k: v for k, v in options.items() if v is not None}


class LLMBackend(ABC):
    """A language model behind one interface: ``complete``, ``stream`` and ``generate_images``.

    Args:
        model: Model name or path.
        cache: Response cache; ``None`` disables caching.
        retry: Retry policy for transient failures.
        pricing: Token prices for cost accounting.
        sleep: Function used to wait between retries (tests pass a recorder).
    """

    kind = "base"

    def __init__(
        self,
        model: str,
        *,
        cache: ResponseCache | None = None,
        retry: RetryPolicy | None = None,
        pricing: Pricing | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.cache = cache
        self.retry = retry or RetryPolicy()
        self.pricing = pricing or Pricing()
        self.accounting = Accounting()
        self._sleep = sleep

    def cache_key(self, messages: list[Message], options: Mapping[str, Any]) -> str:
        """The cache key of a call: backend kind, model, messages and options."""
        payload = {
            "backend": self.kind,
            "model": self.model,
            "messages": [m.model_dump() for m in messages],
            "options": dict(options),
        }
        return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()

    def complete(
        self, messages: Iterable[Message | Mapping[str, Any]] | str, **options: Any
    ) -> Completion:
        """Generate an answer to ``messages``.

        Args:
            messages: Chat messages (or one user prompt as a string).
            **options: ``max_tokens``, ``temperature``, ``top_p``, ``stop``, ``seed``.

        Returns:
            The completion, from the cache when the same call was answered before.

        Raises:
            BackendError: The call failed (after retries, for transient failures).
        """
        msgs, opts = as_messages(messages), clean_options(options)
        key = self.cache_key(msgs, opts) if self.cache is not None else ""
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            completion = replace(_completion_from_dict(hit), cached=True, seconds=0.0)
            self.accounting.add(completion)
            return completion
        started = time.perf_counter()
        completion = self._with_retries(lambda: self._complete(msgs, opts))
        completion = replace(
            completion,
            cost=self.pricing.cost(completion.usage),
            seconds=time.perf_counter() - started,
        )
        if self.cache is not None:
            self.cache.put(key, completion.as_dict())
        self.accounting.add(completion)
        return completion

    def stream(
        self, messages: Iterable[Message | Mapping[str, Any]] | str, **options: Any
    ) -> Iterator[str]:
        """Generate an answer piece by piece, yielding text as it arrives.

        Only opening the stream is retried; a stream that breaks midway raises.
        """
        msgs, opts = as_messages(messages), clean_options(options)
        pieces = self._with_retries(lambda: self._stream(msgs, opts))
        yield from pieces

    def generate_images(self, prompt: str, *, n: int = 1, size: str = "512x512") -> list[Any]:
        """Text to image.

        Raises:
            BackendError: This backend cannot generate images.
        """
        return self._with_retries(lambda: self._images(prompt, n, size))

    def _images(self, prompt: str, n: int, size: str) -> list[GeneratedImage]:
        raise BackendError(
            f"The {self.kind} backend cannot generate images.",
            "Configure an OpenAI-compatible backend whose server has an images endpoint.",
        )

    def _with_retries(self, call: Callable[[], Any]) -> Any:
        delays = self.retry.delays()
        while True:
            try:
                return call()
            except TransientBackendError:
                delay = next(delays, None)
                if delay is None:
                    raise
                self.accounting.retries += 1
                self._sleep(delay)

    @abstractmethod
    def _complete(self, messages: list[Message], options: dict[str, Any]) -> Completion:
        """One uncached, unretried call."""

    @abstractmethod
    def _stream(self, messages: list[Message], options: dict[str, Any]) -> Iterator[str]:
        """Open a stream; the iterator yields text pieces."""


def _completion_from_dict(data: dict[str, Any]) -> Completion:
    usage = data.get("usage") or {}
    return Completion(
        text=str(data["text"]),
        model=str(data["model"]),
        backend=str(data["backend"]),
        usage=Usage(int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))),
        cost=float(data.get("cost", 0.0)),
        finish_reason=str(data.get("finish_reason", "stop")),
    )
