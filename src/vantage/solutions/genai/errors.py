"""Errors of the generative-AI package; each says what went wrong and what to do."""

from __future__ import annotations

from vantage.core.errors import VantageError


class GenAIError(VantageError):
    """Base class of the generative-AI errors."""


class NoBackendError(GenAIError):
    """No language-model backend is configured."""


class BackendError(GenAIError):
    """A backend failed for good (bad request, wrong credentials, unusable answer)."""


class TransientBackendError(BackendError):
    """A backend failed in a way worth retrying (timeout, connection reset, 429, 5xx)."""


class PromptError(GenAIError):
    """A prompt template is invalid or was rendered with missing variables."""


class GuardrailError(GenAIError):
    """An output broke a guardrail (banned term, length) or an input may not be sent."""


class ConsentError(GenAIError):
    """A message was asked for a customer who did not consent to that channel."""
