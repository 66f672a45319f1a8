"""Generative AI for the platform: the configured backend, summaries and meeting minutes.

The backend comes from the ``[genai]`` settings (``VANTAGE_GENAI__*``). Every feature works
without one (extractive summaries, rule-based minutes, template copy); with one, the model
writes and the offline method remains the fallback. External backends never receive personal
data unless ``allow_pii_external`` is set (see :mod:`vantage.solutions.genai.guardrails`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Literal

from vantage.core.settings import Settings
from vantage.solutions.genai.backends import (
    GGUFBackend,
    LLMBackend,
    OpenAICompatibleBackend,
    Pricing,
    ResponseCache,
    RetryPolicy,
    TransformersBackend,
)
from vantage.solutions.genai.errors import GenAIError, NoBackendError
from vantage.solutions.genai.guardrails import GuardedBackend

Method = Literal["auto", "extractive", "abstractive"]
ENCODERS = ("tfidf", "minilm")
NO_BACKEND_FIX = (
    "Set VANTAGE_GENAI__BACKEND=gguf for the offline Gemma 3 270M model, or "
    "VANTAGE_GENAI__BACKEND=openai with VANTAGE_GENAI__BASE_URL and VANTAGE_GENAI__MODEL (or "
    "[genai] backend/base_url/model in vantage.toml)."
)
_BACKENDS: dict[tuple[Any, ...], LLMBackend] = {}


def genai_dir(settings: Settings) -> Path:
    """``<VANTAGE_HOME>/genai``: the response cache and local model copies."""
    return Path(settings.home) / "genai"


def _build(settings: Settings) -> LLMBackend:
    config = settings.genai
    common: dict[str, Any] = {
        "cache": (
            ResponseCache(genai_dir(settings) / "cache.sqlite", config.cache_ttl_s)
            if config.cache
            else None
        ),
        "retry": RetryPolicy(attempts=config.retries, backoff_s=config.backoff_s),
        "pricing": Pricing(config.price_prompt_per_1k, config.price_completion_per_1k),
    }
    if config.backend == "openai":
        if not config.base_url or not config.model:
            missing = "base_url" if not config.base_url else "model"
            raise NoBackendError(
                f"The openai backend needs [genai] {missing}.",
                f"Set VANTAGE_GENAI__{missing.upper()} (or {missing} under [genai] in "
                "vantage.toml).",
            )
        key = config.api_key.get_secret_value() if config.api_key else None
        return OpenAICompatibleBackend(
            config.model,
            base_url=config.base_url,
            api_key=key,
            timeout_s=config.timeout_s,
            **common,
        )
    if config.backend == "transformers":
        if not config.model:
            raise NoBackendError(
                "The transformers backend needs [genai] model.",
                "Set VANTAGE_GENAI__MODEL to a Hugging Face model name or a local folder.",
            )
        return TransformersBackend(config.model, device=config.device, **common)
    return GGUFBackend(
        config.model or "gemma3-270m",
        cache_dir=genai_dir(settings) / "models",
        device=config.device,
        **common,
    )


def get_backend(settings: Settings, *, names: Iterable[str] = ()) -> LLMBackend:
    """The configured language model, wrapped with the PII guard.

    Args:
        settings: Settings; ``settings.genai`` says which backend.
        names: Person names to redact (besides those found by NER) for external backends.

    Returns:
        A backend (reused across calls, so local models load once per process).

    Raises:
        NoBackendError: ``[genai] backend`` is ``none`` or lacks a required setting.
    """
    config = settings.genai
    if config.backend == "none":
        raise NoBackendError("No generative-AI backend is configured.", NO_BACKEND_FIX)
    key = (str(Path(settings.home).resolve()), config.model_dump_json())
    if key not in _BACKENDS:
        _BACKENDS[key] = _build(settings)
    return GuardedBackend(_BACKENDS[key], allow_pii=config.allow_pii_external, names=names)


def has_backend(settings: Settings) -> bool:
    """Whether a backend is configured (``[genai] backend`` other than ``none``)."""
    return settings.genai.backend != "none"


def writes_freely(settings: Settings) -> bool:
    """Whether ``auto`` should let the model write summaries and minutes.

    True for HTTP and transformers models. The offline GGUF default (Gemma 3 270M, a base
    model) follows few-shot patterns but is poor at zero-shot summaries, so ``auto`` keeps the
    extractive and rule-based methods with it; ask for the model explicitly to use it anyway.
    """
    return settings.genai.backend in ("openai", "transformers")


def backend_status(settings: Settings) -> dict[str, Any]:
    """The configured backend and its running token and cost totals (nothing is loaded)."""
    config = settings.genai
    key = (str(Path(settings.home).resolve()), config.model_dump_json())
    used = _BACKENDS.get(key)
    return {
        "backend": config.backend,
        "model": config.model,
        "base_url": config.base_url,
        "allow_pii_external": config.allow_pii_external,
        "usage": used.accounting.as_dict() if used else None,
    }


def _embedder(encoder: str) -> Any:
    if encoder not in ENCODERS:
        raise GenAIError(f"Unknown encoder {encoder!r}.", f"Use one of: {', '.join(ENCODERS)}.")
    if encoder == "tfidf":
        return None
    from vantage.solutions.nlp.text.transformer import embed

    return lambda texts: embed(texts, encoder)


def summarize(
    settings: Settings,
    text: str,
    *,
    sentences: int | None = None,
    ratio: float = 0.3,
    method: Method = "auto",
    encoder: str = "tfidf",
) -> dict[str, Any]:
    """Summarise a text.

    Args:
        settings: Settings (the backend for abstractive summaries).
        text: The text.
        sentences: Sentences wanted (default: ``ratio`` of the text's).
        ratio: Share of sentences when ``sentences`` is not given.
        method: ``extractive`` (offline), ``abstractive`` (needs a backend) or ``auto``
            (abstractive with an HTTP or transformers backend, see :func:`writes_freely`).
        encoder: Sentence vectors of the extractive method: ``tfidf`` (default; the better
            one on BBC News Summary) or ``minilm`` (all-MiniLM-L6-v2 embeddings).

    Raises:
        NoBackendError: ``abstractive`` without a backend.
        GenAIError: Empty text or invalid length.
    """
    from vantage.solutions.genai.sentences import split_sentences
    from vantage.solutions.genai.summarize import (
        ExtractiveSummarizer,
        abstractive_summary,
        sentence_count,
    )

    if method == "abstractive" or (method == "auto" and writes_freely(settings)):
        found = split_sentences(text)
        if not found:
            raise GenAIError("text is empty.", "Pass the text to summarise.")
        k = sentence_count(len(found), sentences, ratio)
        summary = abstractive_summary(get_backend(settings), text, k)
    else:
        summarizer = ExtractiveSummarizer(embed=_embedder(encoder))
        summary = summarizer.summarize(text, sentences=sentences, ratio=ratio)
    return summary.as_dict()


def minutes(
    settings: Settings,
    transcript: str | None = None,
    *,
    audio: bytes | None = None,
    meeting_date: date | None = None,
    method: Literal["auto", "rules", "llm"] = "auto",
) -> dict[str, Any]:
    """Meeting minutes from a transcript or an audio recording (transcribed with Whisper).

    Raises:
        GenAIError: Neither transcript nor audio, or an unusable model answer with ``llm``.
        NoBackendError: ``llm`` without a backend.
    """
    from vantage.solutions.genai.minutes import llm_minutes, rule_minutes

    if transcript is None and audio is None:
        raise GenAIError("Neither transcript nor audio was given.", "Pass one of them.")
    if transcript is None:
        from vantage.services.nlp_documents_speech import transcribe_bytes

        assert audio is not None
        transcript = transcribe_bytes(audio).text
    warnings: list[str] = []
    if method == "llm" or (method == "auto" and writes_freely(settings)):
        try:
            return llm_minutes(get_backend(settings), transcript, meeting_date).as_dict()
        except GenAIError as exc:
            if method == "llm":
                raise
            warnings.append(f"{exc.message} Rule-based minutes instead.")
    summarizer = _extractive_text(settings)
    out = rule_minutes(transcript, meeting_date, summarize=summarizer).as_dict()
    return {**out, "warnings": warnings} if warnings else out


def _extractive_text(settings: Settings) -> Any:
    from vantage.solutions.genai.summarize import ExtractiveSummarizer

    summarizer = ExtractiveSummarizer(position_weight=0.2)
    return lambda text: summarizer.summarize(text, ratio=0.25).text


def generate_images(
    settings: Settings, prompt: str, *, n: int = 1, size: str = "512x512", out_dir: Path
) -> list[Path]:
    """Text to image through the configured backend; the PNG files written to ``out_dir``.

    Raises:
        NoBackendError: No backend is configured.
        BackendError: The backend cannot draw (only OpenAI-compatible servers with an images
            endpoint can), or answered with URLs only.
    """
    from vantage.solutions.genai.errors import BackendError

    images = get_backend(settings).generate_images(prompt, n=n, size=size)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, image in enumerate(images, start=1):
        if image.data is None:
            raise BackendError(
                f"The server returned image {i} as a URL ({image.url}), not as data.",
                "Download it from the URL, or use a server that supports b64_json.",
            )
        path = out_dir / f"image-{i}.png"
        path.write_bytes(image.data)
        paths.append(path)
    return paths
