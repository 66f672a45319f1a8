"""Time zone and locale: as sent by the client, else derived from the phone or the country.

Values from the record itself (Segment's ``context.timezone`` and ``context.locale``) have source
``context``. When absent, they are derived, and labelled so: ``derived:country`` when the
country (else the phone's region, ``phone_country`` when an earlier step added it) keeps one
time behaviour across all its IANA zones, else ``derived:phone`` when the phone number's
geography gives exactly one time zone (US area codes). Otherwise (a mobile in the US, AU, ES,
...) no time zone is guessed. A derived locale is ``<language>-<REGION>``
with the region's primary language (``vantage/profiles/data/regions.json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from phonenumbers import region_code_for_number
from phonenumbers import timezone as phone_timezone

from vantage.profiles.enrich_base import Enrichment, EnrichmentStep
from vantage.profiles.enrich_contact import parse_phone

CONTEXT, FROM_PHONE, FROM_COUNTRY = "context", "derived:phone", "derived:country"


@cache
def region_data() -> dict[str, dict[str, str]]:
    """The shipped region table: ``timezone`` and ``language`` per ISO 3166 region."""
    text = resources.files("vantage.profiles").joinpath("data/regions.json")
    data = json.loads(text.read_text(encoding="utf-8"))
    return {"timezone": data["timezone"], "language": data["language"]}


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _region(value: Any) -> str | None:
    text = _text(value)
    return text.upper() if text and len(text) == 2 and text.isalpha() else None


class TimezoneLocaleStep(EnrichmentStep):
    """``timezone`` and ``locale``, given or derived (see the module docstring).

    Args:
        default_region: Region assumed for phone numbers without a country code.
    """

    name = "timezone_locale"
    inputs = ("timezone", "locale", "phone", "country", "phone_country")
    outputs = ("timezone", "locale")

    def __init__(self, default_region: str = "GB") -> None:
        self.default_region = default_region

    def enrich(self, record: Mapping[str, Any]) -> dict[str, Enrichment]:
        """Pass through given values; derive the missing ones where unambiguous."""
        added: dict[str, Enrichment] = {}
        given_zone, given_locale = _text(record.get("timezone")), _text(record.get("locale"))
        if given_zone:
            added["timezone"] = Enrichment(given_zone, CONTEXT)
        if given_locale:
            added["locale"] = Enrichment(given_locale.replace("_", "-"), CONTEXT)
        if given_zone and given_locale:
            return added
        tables = region_data()
        region = _region(record.get("country")) or _region(record.get("phone_country"))
        phone = None
        if region is None or (not given_zone and region not in tables["timezone"]):
            phone = parse_phone(record.get("phone"), self.default_region)
        if region is None and phone is not None:
            region = region_code_for_number(phone)
        if not given_zone:
            zones = phone_timezone.time_zones_for_number(phone) if phone is not None else ()
            if region in tables["timezone"]:
                added["timezone"] = Enrichment(tables["timezone"][region], FROM_COUNTRY)
            elif len(zones) == 1 and zones[0] != "Etc/Unknown":
                added["timezone"] = Enrichment(zones[0], FROM_PHONE)
        if not given_locale and region in tables["language"]:
            added["locale"] = Enrichment(f"{tables['language'][region]}-{region}", FROM_COUNTRY)
        return added
