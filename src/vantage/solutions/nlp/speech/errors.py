"""Errors of the speech package: each names the input and the fix."""

from __future__ import annotations

from vantage.core.errors import VantageError


class SpeechError(VantageError):
    """A recording could not be transcribed."""


class AudioError(SpeechError):
    """An audio file is missing or cannot be decoded."""


class RecogniserNotAvailableError(SpeechError):
    """A speech recogniser or its model is not installed."""
