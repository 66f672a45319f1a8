"""Time zone and locale: given in the context, else derived and labelled so."""

from __future__ import annotations

from vantage.profiles.enrich_locale import TimezoneLocaleStep


def _values(record: dict[str, object]) -> dict[str, tuple[object, str]]:
    return {k: (v.value, v.source) for k, v in TimezoneLocaleStep().enrich(record).items()}


def test_context_values_win() -> None:
    got = _values({"timezone": "Europe/Paris", "locale": "fr_FR", "phone": "+447400123456"})
    assert got == {"timezone": ("Europe/Paris", "context"), "locale": ("fr-FR", "context")}


def test_derived_from_phone_geography() -> None:
    got = _values({"phone": "+1 202-555-0123"})
    assert got["timezone"] == ("America/New_York", "derived:phone")
    assert got["locale"] == ("en-US", "derived:country")


def test_derived_from_country_when_unambiguous() -> None:
    assert _values({"country": "de"}) == {
        "timezone": ("Europe/Berlin", "derived:country"),
        "locale": ("de-DE", "derived:country"),
    }


def test_many_zone_country_gets_no_timezone_guess() -> None:
    got = _values({"country": "US"})
    assert "timezone" not in got
    assert got["locale"] == ("en-US", "derived:country")


def test_mobile_number_uses_its_region() -> None:
    got = _values({"phone": "+44 7400 123456", "locale": "en-GB"})
    assert got["timezone"] == ("Europe/London", "derived:country")
    assert got["locale"] == ("en-GB", "context")


def test_nothing_known() -> None:
    assert _values({"country": "Narnia"}) == {}
