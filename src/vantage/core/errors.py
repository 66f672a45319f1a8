"""Errors that say what went wrong and how to fix it."""

from __future__ import annotations


class VantageError(Exception):
    """Base class of every error Vantage raises on purpose.

    Args:
        message: What went wrong, naming the offending field or file.
        fix: What the user should do about it.
    """

    def __init__(self, message: str, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{message} Fix: {fix}" if fix else message)


class ConfigError(VantageError):
    """Settings or a configuration file are invalid."""


class NotInitialisedError(VantageError):
    """The data directory has not been initialised with ``vantage init``."""


class StoreError(VantageError):
    """The lake or the warehouse refused an operation."""


class DatasetError(VantageError):
    """A public data set is missing, corrupt or unknown."""
