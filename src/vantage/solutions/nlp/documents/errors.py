"""Errors of the documents package: each names the input and the fix."""

from __future__ import annotations

from vantage.core.errors import VantageError


class DocumentError(VantageError):
    """A document (text, image, pattern file) could not be processed."""


class ModelNotAvailableError(DocumentError):
    """A model or an engine named by the user is not installed."""


class PatternConfigError(DocumentError):
    """A custom-entity configuration file is invalid."""


class ImageError(DocumentError):
    """An image could not be read."""
