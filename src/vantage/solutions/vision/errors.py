"""Errors of the vision module."""

from __future__ import annotations

from vantage.core.errors import VantageError


class VisionError(VantageError):
    """A video, a model, a zone file or a setting of the vision pipeline is unusable."""
