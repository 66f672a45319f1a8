"""Identifier normalisation and blocked junk values."""

from __future__ import annotations

import pytest

from vantage.core.identifiers import (
    Identifier,
    is_blocked,
    normalise,
    normalise_email,
    normalise_phone,
)


@pytest.mark.parametrize(
    "value",
    ["", "null", "NULL", " none ", "undefined", "0", "-1", "anonymous", "Guest", "[object Object]",
     "00000000-0000-0000-0000-000000000000", "0000", "---", "test@example.com"],
)  # fmt: skip
def test_blocked_values(value: str) -> None:
    assert is_blocked(value)


@pytest.mark.parametrize("value", ["u-123", "ann@example.com", "10", "a0"])
def test_real_values_are_not_blocked(value: str) -> None:
    assert not is_blocked(value)


def test_emails() -> None:
    assert normalise_email("  Ann.Lee@Example.COM ") == "ann.lee@example.com"
    assert normalise_email("not an email") is None
    assert normalise_email("test@test.com") is None


def test_phones() -> None:
    assert normalise_phone("020 7946 0958") == "+442079460958"
    assert normalise_phone("(415) 555-2671", default_region="US") == "+14155552671"
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"
    assert normalise_phone("12") is None
    assert normalise_phone("call me") is None


def test_normalise_by_type() -> None:
    assert normalise("Email", " Ann@Example.com") == Identifier("email", "ann@example.com")
    assert normalise("phone", "020 7946 0958") == Identifier("phone", "+442079460958")
    assert normalise("user_id", 12345) == Identifier("user_id", "12345")
    assert normalise("user_id", "  u-1 ") == Identifier("user_id", "u-1")
    assert normalise("email", "nonsense") is None
    assert normalise("user_id", "anonymous") is None
    assert normalise("user_id", None) is None
    assert normalise("user_id", True) is None


def test_control_characters_and_odd_types_are_never_identifiers() -> None:
    assert normalise("user_id", "ab\x00c") is None
    assert normalise("anonymous_id", "\ud800x") is None
    assert normalise("bad type!", "value") is None
    assert normalise("ga.client-id", "123.456") is not None
