"""Consent: purposes, consent changes from events and imports, and :func:`can_contact`.

A consent change is one decision (granted or denied) for one purpose by one identifier at one
time. Events carry them in Segment's ``context.consent.categoryPreferences`` (category name ->
bool) and RudderStack's ``context.consentManagement`` (``allowedConsentIds`` /
``deniedConsentIds``); :class:`ConsentConfig` maps those category names and ids onto purposes.
Imports give one column per purpose. :mod:`vantage.profiles.consent_ledger` keeps the history.

Later steps decide with :func:`can_contact`; a purpose nobody decided on falls back to the
configured default, which is False unless configured otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from pydantic import BaseModel, model_validator

from vantage.core.errors import ConfigError, VantageError
from vantage.core.identifiers import Identifier, normalise

DEFAULT_PURPOSES = (
    "analytics",
    "email_marketing",
    "sms_marketing",
    "personalisation",
    "advertising",
)
DEFAULT_CATEGORIES: dict[str, list[str]] = {
    "analytics": ["analytics"],
    "performance": ["analytics"],
    "statistics": ["analytics"],
    "measurement": ["analytics"],
    "advertising": ["advertising"],
    "marketing": ["advertising"],
    "targeting": ["advertising"],
    "personalisation": ["personalisation"],
    "personalization": ["personalisation"],
    "functional": ["personalisation"],
    "email": ["email_marketing"],
    "email_marketing": ["email_marketing"],
    "newsletter": ["email_marketing"],
    "sms": ["sms_marketing"],
    "sms_marketing": ["sms_marketing"],
    "c0002": ["analytics"],
    "c0003": ["personalisation"],
    "c0004": ["advertising"],
    "c0005": ["advertising"],
}
TRUE_WORDS = frozenset(
    {"true", "t", "yes", "y", "1", "opt-in", "opted_in", "granted", "subscribed"}
)
FALSE_WORDS = frozenset(
    {"false", "f", "no", "n", "0", "opt-out", "opted_out", "denied", "unsubscribed"}
)


class ConsentConfig(BaseModel):
    """Purposes, how consent categories map onto them, and defaults when nobody decided.

    Attributes:
        purposes: The purposes consent is tracked for.
        categories: Category name or consent-manager id (compared lower-cased) -> purposes.
            Categories not listed here are ignored (``necessary``, ``C0001``, ...).
        defaults: Purpose -> the answer of :func:`can_contact` when no decision is known;
            purposes not listed default to False.
    """

    purposes: tuple[str, ...] = DEFAULT_PURPOSES
    categories: dict[str, list[str]] = DEFAULT_CATEGORIES
    defaults: dict[str, bool] = {}

    @model_validator(mode="after")
    def _known_purposes(self) -> ConsentConfig:
        known = set(self.purposes)
        for name, targets in self.categories.items():
            unknown = [p for p in targets if p not in known]
            if unknown:
                raise ValueError(
                    f"consent category {name!r} maps to unknown purpose(s) {unknown}; "
                    f"purposes are {list(self.purposes)}"
                )
        unknown = [p for p in self.defaults if p not in known]
        if unknown:
            raise ValueError(f"consent defaults name unknown purpose(s) {unknown}")
        self.categories = {k.strip().lower(): v for k, v in self.categories.items()}
        return self

    def purposes_for(self, category: str) -> list[str]:
        """The purposes a category name or consent-manager id stands for (maybe none)."""
        return self.categories.get(str(category).strip().lower(), [])

    def default_for(self, purpose: str) -> bool:
        """What :func:`can_contact` answers for ``purpose`` when no decision is known."""
        self.check_purpose(purpose)
        return self.defaults.get(purpose, False)

    def check_purpose(self, purpose: str) -> None:
        """Raise ConfigError for a purpose that is not configured (catches typos)."""
        if purpose not in self.purposes:
            raise ConfigError(
                f"Unknown consent purpose {purpose!r} (configured: {', '.join(self.purposes)}).",
                "Use a configured purpose, or add it to [consent] purposes in vantage.toml.",
            )


@dataclass(frozen=True, slots=True)
class ConsentChange:
    """One consent decision by one identifier (a row of the ledger, before its ``seq``)."""

    id_type: str
    id_value: str
    purpose: str
    granted: bool
    ts: datetime
    source: str
    message_id: str | None = None


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _timestamp(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    if pd.isna(stamp):
        return None
    stamp = stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
    return stamp.to_pydatetime()


def message_identifiers(message: Mapping[str, Any], default_region: str = "GB") -> list[Identifier]:
    """The normalised identifiers of a Segment message.

    ``userId`` -> ``user_id``, ``anonymousId`` -> ``anonymous_id``, ``email`` and ``phone`` from
    ``traits`` or ``context.traits``, and every ``context.externalIds`` entry (its ``type``).
    Junk values are dropped (see :mod:`vantage.core.identifiers`).
    """
    traits = _get(message, "traits") or _get(message, "context", "traits") or {}
    raw: list[tuple[str, Any]] = [
        ("user_id", message.get("userId")),
        ("anonymous_id", message.get("anonymousId")),
        ("email", _get(traits, "email")),
        ("phone", _get(traits, "phone")),
    ]
    for external in _get(message, "context", "externalIds") or []:
        if isinstance(external, Mapping) and external.get("type"):
            raw.append((str(external["type"]), external.get("id")))
    found: list[Identifier] = []
    for id_type, value in raw:
        identifier = normalise(id_type, value, default_region)
        if identifier is not None and identifier not in found:
            found.append(identifier)
    return found


def message_decisions(message: Mapping[str, Any], config: ConsentConfig) -> dict[str, bool]:
    """Purpose -> granted from a message's consent fields (Segment and RudderStack).

    When two categories of one message map to the same purpose with different answers, the
    denial wins.
    """
    votes: list[tuple[str, bool]] = []
    prefs = _get(message, "context", "consent", "categoryPreferences")
    if isinstance(prefs, Mapping):
        votes += [(str(c), bool(v)) for c, v in prefs.items() if isinstance(v, bool)]
    manager = _get(message, "context", "consentManagement")
    if isinstance(manager, Mapping):
        votes += [(str(c), True) for c in manager.get("allowedConsentIds") or []]
        votes += [(str(c), False) for c in manager.get("deniedConsentIds") or []]
    decisions: dict[str, bool] = {}
    for category, granted in votes:
        for purpose in config.purposes_for(category):
            decisions[purpose] = decisions.get(purpose, True) and granted
    return decisions


def consent_changes(
    message: Mapping[str, Any],
    config: ConsentConfig | None = None,
    *,
    source: str = "event",
    default_region: str = "GB",
) -> list[ConsentChange]:
    """The consent changes a Segment message carries: one per identifier and purpose.

    Args:
        message: A Segment-spec message (any type) as a mapping.
        config: Purposes and category mapping; the defaults when None.
        source: Where the message came from (a source name), kept with each change.
        default_region: Region for phone numbers without a country code.

    Returns:
        The changes, empty when the message has no consent fields or no usable identifier.

    Raises:
        VantageError: The message has consent fields but no readable timestamp.
    """
    decisions = message_decisions(message, config or ConsentConfig())
    identifiers = message_identifiers(message, default_region) if decisions else []
    if not identifiers:
        return []
    message_id = message.get("messageId")
    ts = next(
        (
            stamp
            for key in ("timestamp", "originalTimestamp", "receivedAt")
            if (stamp := _timestamp(message.get(key))) is not None
        ),
        None,
    )
    if ts is None:
        raise VantageError(
            f"Message {message_id!r} carries consent but no readable timestamp.",
            "Send timestamp (ISO 8601) with consent changes.",
        )
    return [
        ConsentChange(i.type, i.value, purpose, granted, ts, source, message_id)
        for i in identifiers
        for purpose, granted in decisions.items()
    ]


def parse_consent_value(value: Any) -> bool | None:
    """Read an imported consent cell: True, False, or None when empty or not understood."""
    if isinstance(value, bool):
        return value
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip().lower()
    return True if text in TRUE_WORDS else False if text in FALSE_WORDS else None


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"The consent import {what} has no column(s) {', '.join(map(repr, missing))} "
            f"(its columns: {', '.join(map(str, frame.columns))}).",
            "Map identifiers, purposes and the timestamp to columns that exist.",
        )


def consent_from_frame(
    frame: pd.DataFrame,
    *,
    identifiers: Mapping[str, str],
    purposes: Mapping[str, str],
    timestamp: str,
    source: str,
    message_id: str | None = None,
    config: ConsentConfig | None = None,
    default_region: str = "GB",
) -> list[ConsentChange]:
    """Consent changes from imported rows (a CRM export, a preference-centre dump).

    Args:
        frame: The rows.
        identifiers: Identifier type -> column (e.g. ``{"email": "email_address"}``).
        purposes: Purpose -> column holding yes/no, true/false, 1/0, opted_in/opted_out, ...
            Empty or unreadable cells are skipped.
        timestamp: Column with the time of the decision.
        source: Name of the import, kept with each change.
        message_id: Optional column with a row id, kept with each change.
        config: Checked for the purposes; the defaults when None.
        default_region: Region for phone numbers without a country code.

    Raises:
        ConfigError: A column or purpose is unknown.
    """
    settings = config or ConsentConfig()
    for purpose in purposes:
        settings.check_purpose(purpose)
    extra = [message_id] if message_id else []
    _require_columns(frame, [*identifiers.values(), *purposes.values(), timestamp, *extra], source)
    changes: list[ConsentChange] = []
    for row in frame.to_dict("records"):
        ts = _timestamp(row[timestamp])
        ids = [normalise(t, row[c], default_region) for t, c in identifiers.items()]
        if ts is None:
            continue
        row_id = None if message_id is None else parse_text(row[message_id])
        for purpose, column in purposes.items():
            granted = parse_consent_value(row[column])
            if granted is None:
                continue
            changes += [
                ConsentChange(i.type, i.value, purpose, granted, ts, source, row_id)
                for i in ids
                if i is not None
            ]
    return changes


def parse_text(value: Any) -> str | None:
    """A cell as text; None when empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def can_contact(
    state: Mapping[str, bool | None], purpose: str, config: ConsentConfig | None = None
) -> bool:
    """Whether a customer may be contacted or processed for ``purpose``. Use it everywhere.

    Args:
        state: The customer's consent state, purpose -> granted (missing or None: unknown),
            e.g. from :func:`vantage.profiles.consent_ledger.consent_states`.
        purpose: A configured purpose.
        config: Supplies the default for unknown decisions (False unless configured).

    Raises:
        ConfigError: ``purpose`` is not configured.
    """
    settings = config or ConsentConfig()
    settings.check_purpose(purpose)
    decision = state.get(purpose)
    return settings.default_for(purpose) if decision is None else bool(decision)
