"""The step interface, the registry, custom steps and records from events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pytest

from vantage.core.errors import ConfigError
from vantage.profiles.enrichment import (
    Enrichment,
    EnrichmentStep,
    StepRegistry,
    default_registry,
    record_from_event,
)


class Initials(EnrichmentStep):
    name = "initials"
    inputs = ("first_name", "last_name")
    outputs = ("initials",)

    def __init__(self) -> None:
        self.calls = 0

    def enrich(self, record: Mapping[str, Any]) -> dict[str, Enrichment]:
        self.calls += 1
        first, last = record.get("first_name"), record.get("last_name")
        if not first or not last:
            return {}
        return {"initials": Enrichment(f"{first[0]}{last[0]}", self.name)}


def test_default_registry_names() -> None:
    assert default_registry().names() == ["email_domain", "phone", "user_agent", "timezone_locale"]


def test_custom_step_record_and_frame() -> None:
    registry = default_registry()
    step = registry.register(Initials())
    assert registry.enrich_record({"first_name": "Ann", "last_name": "Lee"}, ["initials"]) == {
        "initials": Enrichment("AL", "initials")
    }
    frame = pd.DataFrame(
        {"first_name": ["Ann", "Ann", "Bo", None], "last_name": ["Lee", "Lee", "Ma", "X"]}
    )
    step.calls = 0
    out = registry.enrich_frame(frame, ["initials"])
    assert out["initials"].tolist() == ["AL", "AL", "BM", None]
    assert out["initials_source"].tolist() == ["initials", "initials", "initials", None]
    assert step.calls == 3


def test_registry_errors() -> None:
    registry = StepRegistry([Initials()])
    with pytest.raises(ConfigError, match=r"step named 'initials' is already registered"):
        registry.register(Initials())
    registry.register(Initials(), replace=True)
    with pytest.raises(
        ConfigError, match=r"Unknown enrichment step 'nope' \(registered: initials\)"
    ):
        registry.get("nope")
    nameless = Initials()
    nameless.name = ""
    with pytest.raises(ConfigError, match=r"Initials has an empty name"):
        registry.register(nameless)
    registry.unregister("initials")
    assert registry.names() == []
    assert registry.enrich_frame(pd.DataFrame({"a": [1]})).shape == (1, 0)


def test_record_from_event_and_full_enrichment() -> None:
    message = {
        "type": "identify",
        "userId": "u1",
        "traits": {
            "email": "ann@gmail.com",
            "phone": "+44 7400 123456",
            "address": {"postalCode": "SE12 3AB", "country": "GB"},
        },
        "context": {
            "userAgent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "locale": "en-GB",
        },
    }
    record = record_from_event(message)
    assert record["postcode"] == "SE12 3AB" and record["country"] == "GB"
    added = default_registry().enrich_record(record)
    assert added["email_domain_type"].value == "free"
    assert added["phone_line_type"].value == "mobile"
    assert added["device_type"].value == "bot"
    assert added["timezone"] == Enrichment("Europe/London", "derived:country")
    assert added["locale"] == Enrichment("en-GB", "context")


def test_record_from_track_event_uses_context_traits() -> None:
    record = record_from_event({"type": "track", "context": {"traits": {"email": "a@b.com"}}})
    assert record["email"] == "a@b.com" and record["phone"] is None


class Shouty(EnrichmentStep):
    name = "shouty"
    inputs = ("initials",)
    outputs = ("initials", "loud")

    def enrich(self, record: Mapping[str, Any]) -> dict[str, Enrichment]:
        value = record.get("initials")
        if value is None or value == "BM":
            return {}
        return {"initials": Enrichment(value + "!", self.name), "loud": Enrichment(True, self.name)}


def test_steps_see_earlier_fields_and_later_values_replace() -> None:
    registry = StepRegistry([Initials(), Shouty()])
    record = {"first_name": "Ann", "last_name": "Lee"}
    added = registry.enrich_record(record)
    assert added["initials"] == Enrichment("AL!", "shouty")
    frame = pd.DataFrame({"first_name": ["Ann", "Bo", None], "last_name": ["Lee", "Ma", None]})
    out = registry.enrich_frame(frame)
    assert out["initials"].tolist() == ["AL!", "BM", None]
    assert out["initials_source"].tolist() == ["shouty", "initials", None]
    assert out["loud"].tolist() == [True, None, None]


def test_default_registry_frame_equals_record_path() -> None:
    rows = [
        {"email": "a@gmail.com", "phone": "+1 202-555-0123", "locale": None},
        {"email": "b@acme.com", "phone": "+44 7400 123456", "timezone": "Europe/Paris"},
        {"email": None, "phone": None, "country": "DE"},
        {"email": "x", "phone": "+61 412 345 678"},
    ]
    registry = default_registry()
    frame = registry.enrich_frame(pd.DataFrame(rows))
    for i, row in enumerate(rows):
        added = registry.enrich_record(row)
        for field in ("email_domain_type", "phone_country", "timezone", "locale"):
            expected = added.get(field)
            got = frame.loc[i, field]
            assert got == (expected.value if expected else None), (i, field)
            source = frame.loc[i, field + "_source"]
            assert source == (expected.source if expected else None), (i, field)
