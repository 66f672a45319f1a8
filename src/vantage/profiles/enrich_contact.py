"""Enrichment from contact details: e-mail domain type and phone country and line type.

The domain lists ship as package data (``vantage/profiles/data/*_email_domains.json``, each with
a ``_provenance`` note); nothing is looked up over the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import phonenumbers

from vantage.core.identifiers import normalise_email
from vantage.profiles.enrich_base import SOURCE_SUFFIX, Enrichment, EnrichmentStep

FREE, CORPORATE, DISPOSABLE = "free", "corporate", "disposable"

LINE_TYPES = {
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium_rate",
    phonenumbers.PhoneNumberType.SHARED_COST: "shared_cost",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    phonenumbers.PhoneNumberType.PAGER: "pager",
    phonenumbers.PhoneNumberType.UAN: "uan",
    phonenumbers.PhoneNumberType.VOICEMAIL: "voicemail",
}


@cache
def load_domains(kind: str) -> frozenset[str]:
    """The shipped domain list ``free`` or ``disposable`` (lower-case domains)."""
    text = resources.files("vantage.profiles").joinpath(f"data/{kind}_email_domains.json")
    return frozenset(json.loads(text.read_text(encoding="utf-8"))["domains"])


def email_domain(value: Any) -> str | None:
    """The lower-case domain of an e-mail address, or None when it is not a usable address."""
    if not isinstance(value, str):
        return None
    email = normalise_email(value)
    return email.rsplit("@", 1)[1] if email else None


class EmailDomainStep(EnrichmentStep):
    """``email_domain`` and ``email_domain_type``: ``free``, ``corporate`` or ``disposable``.

    Args:
        free_domains: Extra free-mailbox domains, added to the shipped list.
        disposable_domains: Extra throwaway-mailbox domains, added to the shipped list.
        input: The record field holding the e-mail address.
    """

    name = "email_domain"
    outputs = ("email_domain", "email_domain_type")

    def __init__(
        self,
        free_domains: Iterable[str] = (),
        disposable_domains: Iterable[str] = (),
        input: str = "email",
    ) -> None:
        self.inputs = (input,)
        self.kinds: dict[str, str] = {d: FREE for d in load_domains(FREE)}
        self.kinds.update({d.strip().lower(): FREE for d in free_domains})
        self.kinds.update({d: DISPOSABLE for d in load_domains(DISPOSABLE)})
        self.kinds.update({d.strip().lower(): DISPOSABLE for d in disposable_domains})

    def domain_type(self, domain: str) -> str:
        """The type of a lower-case domain; subdomains of a listed domain share its type."""
        parts = domain.split(".")
        for start in range(len(parts) - 1):
            kind = self.kinds.get(".".join(parts[start:]))
            if kind:
                return kind
        return CORPORATE

    def enrich(self, record: Mapping[str, Any]) -> dict[str, Enrichment]:
        """Add the domain and its type when the record has a usable e-mail address."""
        domain = email_domain(record.get(self.inputs[0]))
        if domain is None:
            return {}
        return {
            "email_domain": Enrichment(domain, self.name),
            "email_domain_type": Enrichment(self.domain_type(domain), self.name),
        }

    def enrich_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Vectorised: each distinct address and domain is looked at once, then mapped."""
        column = self.inputs[0]
        if column not in frame.columns:
            emails = pd.Series(None, index=frame.index, dtype=object)
        else:
            emails = frame[column].astype("string").str.strip().str.lower()
        domains = emails.map({e: email_domain(e) for e in emails.dropna().unique()})
        unique = domains.dropna().unique()
        types = domains.map({d: self.domain_type(d) for d in unique})
        out = pd.DataFrame(index=frame.index, dtype=object)
        for field, values in (("email_domain", domains), ("email_domain_type", types)):
            present = values.notna()
            out[field] = values.astype(object).where(present, None)
            out[field + SOURCE_SUFFIX] = pd.Series(self.name, index=frame.index).where(
                present, None
            )
        return out


class PhoneStep(EnrichmentStep):
    """``phone_country`` (ISO 3166 region), ``phone_calling_code`` and ``phone_line_type``.

    Line types follow phonenumbers: ``mobile``, ``fixed_line``, ``fixed_line_or_mobile``,
    ``toll_free``, ``premium_rate``, ``shared_cost``, ``voip``, ``personal_number``, ``pager``,
    ``uan``, ``voicemail`` or ``unknown``.

    Args:
        default_region: Region assumed for numbers written without a country code.
        input: The record field holding the phone number.
    """

    name = "phone"
    outputs = ("phone_country", "phone_calling_code", "phone_line_type")

    def __init__(self, default_region: str = "GB", input: str = "phone") -> None:
        self.default_region = default_region
        self.inputs = (input,)

    def enrich(self, record: Mapping[str, Any]) -> dict[str, Enrichment]:
        """Add country, calling code and line type for a valid phone number."""
        parsed = parse_phone(record.get(self.inputs[0]), self.default_region)
        if parsed is None:
            return {}
        line = LINE_TYPES.get(phonenumbers.number_type(parsed), "unknown")
        return {
            "phone_country": Enrichment(phonenumbers.region_code_for_number(parsed), self.name),
            "phone_calling_code": Enrichment(parsed.country_code, self.name),
            "phone_line_type": Enrichment(line, self.name),
        }


def parse_phone(value: Any, default_region: str = "GB") -> phonenumbers.PhoneNumber | None:
    """Parse a phone number; None when it is missing or not a valid number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        parsed = phonenumbers.parse(str(value), default_region)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None
