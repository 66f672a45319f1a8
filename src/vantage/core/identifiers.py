"""Identifier normalisation: one canonical text per (type, value) pair.

E-mails are trimmed and lower-cased, phones become E.164, and junk values that clients send when
they have no real id (``null``, ``0``, ``anonymous``, all zeros, ...) are refused, so they can never
join unrelated people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

BLOCKED_VALUES = frozenset(
    {
        "",
        "null",
        "none",
        "nil",
        "undefined",
        "nan",
        "0",
        "-1",
        "anonymous",
        "guest",
        "unknown",
        "n/a",
        "na",
        "[object object]",
        "test@test.com",
        "test@example.com",
        "noemail@noemail.com",
        "email@email.com",
    }
)
_ALL_ZERO_OR_DASH = re.compile(r"^[0\-\s.:]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID_TYPE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
# NUL and other control characters or lone surrogates are never part of a real identifier and
# break text handling downstream (SQL literals, UTF-8 files).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Identifier:
    """A normalised identifier: ``type`` (``email``, ``phone``, ``user_id``, ...) and ``value``."""

    type: str
    value: str


def is_blocked(value: str) -> bool:
    """Whether a raw identifier value is junk that must never identify anybody.

    Args:
        value: The raw value.

    Returns:
        True for values such as ``null``, ``0``, ``anonymous`` or all-zero device ids.
    """
    text = value.strip().lower()
    return text in BLOCKED_VALUES or bool(_ALL_ZERO_OR_DASH.match(text))


def normalise_email(value: str) -> str | None:
    """Trim and lower-case an e-mail address; None when it is not one or is blocked."""
    text = value.strip().lower()
    if not _EMAIL.match(text) or is_blocked(text):
        return None
    return text


def normalise_phone(value: str, default_region: str = "GB") -> str | None:
    """Format a phone number as E.164; None when it cannot be a valid number.

    Args:
        value: The raw number, in any common notation.
        default_region: Region assumed for numbers without a country code.
    """
    try:
        parsed = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise(id_type: str, value: object, default_region: str = "GB") -> Identifier | None:
    """Normalise one identifier, or return None when the value is junk.

    Args:
        id_type: The identifier type; ``email`` and ``phone`` get special treatment, other types
            are trimmed text.
        value: The raw value (numbers are accepted and turned into text).
        default_region: Region for phone numbers without a country code.
    """
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    kind = id_type.strip().lower()
    if is_blocked(text) or _UNPRINTABLE.search(text) or not _ID_TYPE.match(kind):
        return None
    if kind == "email":
        normalised = normalise_email(text)
    elif kind == "phone":
        normalised = normalise_phone(text, default_region)
    else:
        normalised = text
    return Identifier(kind, normalised) if normalised else None
