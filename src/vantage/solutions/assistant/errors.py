"""The assistant's error type."""

from __future__ import annotations

from vantage.core.errors import VantageError


class AssistantError(VantageError):
    """The assistant got training data, settings or input it cannot use."""
