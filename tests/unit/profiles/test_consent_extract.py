"""Consent changes from Segment and RudderStack payloads and from imports; can_contact."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from consent_helpers import RUDDERSTACK, SEGMENT
from pydantic import ValidationError

from vantage.core.errors import ConfigError, VantageError
from vantage.profiles.consent import (
    ConsentConfig,
    can_contact,
    consent_changes,
    consent_from_frame,
    message_decisions,
    parse_consent_value,
)


def test_segment_category_preferences() -> None:
    changes = consent_changes(SEGMENT, source="web")
    ids = {(c.id_type, c.id_value) for c in changes}
    assert ids == {("user_id", "u-1"), ("anonymous_id", "anon-1"), ("email", "ann.lee@example.com")}
    decided = {(c.purpose, c.granted) for c in changes}
    assert decided == {("advertising", True), ("analytics", False), ("personalisation", True)}
    assert len(changes) == 9
    first = changes[0]
    assert first.ts == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert (first.source, first.message_id) == ("web", "seg-1")


def test_rudderstack_consent_management() -> None:
    changes = consent_changes(RUDDERSTACK)
    assert {(c.id_type, c.id_value) for c in changes} == {
        ("anonymous_id", "anon-1"),
        ("loyalty_card", "CARD-77"),
    }
    by_purpose = {c.purpose: c.granted for c in changes}
    assert by_purpose == {"analytics": True, "advertising": False, "personalisation": False}
    assert changes[0].ts == datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert changes[0].source == "event"


def test_denial_wins_inside_one_message() -> None:
    message = {"context": {"consent": {"categoryPreferences": {"Marketing": True, "C0004": False}}}}
    assert message_decisions(message, ConsentConfig()) == {"advertising": False}


def test_no_consent_or_no_identifier_gives_nothing() -> None:
    assert consent_changes({"userId": "u", "timestamp": "2026-01-01T00:00:00Z"}) == []
    junk = {**SEGMENT, "userId": "null", "anonymousId": "0", "context": {**SEGMENT["context"]}}
    junk["context"]["traits"] = {"email": "test@test.com"}
    assert consent_changes(junk) == []


def test_missing_timestamp_is_an_error() -> None:
    message = {k: v for k, v in SEGMENT.items() if k != "timestamp"}
    with pytest.raises(VantageError, match=r"Message 'seg-1' carries consent but no readable"):
        consent_changes(message)


def test_custom_mapping_and_purposes() -> None:
    config = ConsentConfig(
        purposes=("analytics", "push"),
        categories={"Stats": ["analytics"], "Notifications": ["push"]},
    )
    message = {
        **SEGMENT,
        "context": {"consent": {"categoryPreferences": {"stats": True, "notifications": False}}},
    }
    assert {(c.purpose, c.granted) for c in consent_changes(message, config)} == {
        ("analytics", True),
        ("push", False),
    }


def test_config_rejects_unknown_purposes() -> None:
    with pytest.raises(
        ValidationError, match=r"category 'x' maps to unknown purpose\(s\) \['nope'\]"
    ):
        ConsentConfig(categories={"x": ["nope"]})
    with pytest.raises(ValidationError, match=r"defaults name unknown purpose\(s\) \['nope'\]"):
        ConsentConfig(defaults={"nope": True})


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (True, True),
        ("Yes", True),
        ("1", True),
        ("opted_in", True),
        (0, False),
        ("N", False),
        ("unsubscribed", False),
        ("", None),
        (None, None),
        (float("nan"), None),
        ("maybe", None),
    ],
)
def test_parse_consent_value(cell: object, expected: bool | None) -> None:
    assert parse_consent_value(cell) is expected


def test_consent_from_frame() -> None:
    crm = pd.DataFrame(
        {
            "customer_no": ["C1", "C2", "C3"],
            "email_address": ["A@x.com", None, "c@x.com"],
            "marketing_opt_in": ["true", "false", ""],
            "updated_at": ["2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z", "2026-01-07"],
        }
    )
    changes = consent_from_frame(
        crm,
        identifiers={"crm_id": "customer_no", "email": "email_address"},
        purposes={"email_marketing": "marketing_opt_in"},
        timestamp="updated_at",
        source="crm",
        message_id="customer_no",
    )
    assert [(c.id_type, c.id_value, c.granted, c.message_id) for c in changes] == [
        ("crm_id", "C1", True, "C1"),
        ("email", "a@x.com", True, "C1"),
        ("crm_id", "C2", False, "C2"),
    ]
    assert {c.source for c in changes} == {"crm"}


def test_consent_from_frame_errors() -> None:
    crm = pd.DataFrame({"email": ["a@x.com"], "opt": ["y"], "ts": ["2026-01-01"]})
    with pytest.raises(
        ConfigError, match=r"has no column\(s\) 'when' \(its columns: email, opt, ts\)"
    ):
        consent_from_frame(
            crm,
            identifiers={"email": "email"},
            purposes={"email_marketing": "opt"},
            timestamp="when",
            source="crm",
        )
    with pytest.raises(ConfigError, match=r"Unknown consent purpose 'emails'"):
        consent_from_frame(
            crm,
            identifiers={"email": "email"},
            purposes={"emails": "opt"},
            timestamp="ts",
            source="crm",
        )


def test_can_contact_defaults() -> None:
    state = {"email_marketing": True, "advertising": False, "analytics": None}
    assert can_contact(state, "email_marketing") is True
    assert can_contact(state, "advertising") is False
    assert can_contact(state, "sms_marketing") is False
    assert can_contact(state, "analytics") is False
    assert can_contact({}, "analytics", ConsentConfig(defaults={"analytics": True})) is True
    assert (
        can_contact({"analytics": False}, "analytics", ConsentConfig(defaults={"analytics": True}))
        is False
    )
    with pytest.raises(
        ConfigError, match=r"Unknown consent purpose 'marketing' \(configured: analytics"
    ):
        can_contact(state, "marketing")
