"""Errors carry the message and the fix."""

from __future__ import annotations

import pytest

from vantage.core.errors import ConfigError, DatasetError, StoreError, VantageError


def test_message_and_fix() -> None:
    error = ConfigError("Port 70000 is invalid.", "Use 1-65535.")
    assert (error.message, error.fix) == ("Port 70000 is invalid.", "Use 1-65535.")
    assert str(error) == "Port 70000 is invalid. Fix: Use 1-65535."
    assert str(VantageError("No fix known.")) == "No fix known."


@pytest.mark.parametrize("cls", [ConfigError, StoreError, DatasetError])
def test_subclasses_are_vantage_errors(cls: type[VantageError]) -> None:
    with pytest.raises(VantageError, match=r"broken\. Fix: repair"):
        raise cls("broken.", "repair")
