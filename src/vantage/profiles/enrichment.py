"""Profile enrichment: the built-in steps, the default registry and event records.

Example:
    >>> registry = default_registry()
    >>> added = registry.enrich_record({"email": "Ann@Mailinator.com"})
    >>> added["email_domain_type"].value
    'disposable'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vantage.profiles.enrich_base import (
    SOURCE_SUFFIX,
    Enrichment,
    EnrichmentStep,
    StepRegistry,
    frame_of,
)
from vantage.profiles.enrich_contact import EmailDomainStep, PhoneStep
from vantage.profiles.enrich_demo import demo_reference_table
from vantage.profiles.enrich_device import UserAgentStep, parse_user_agent
from vantage.profiles.enrich_locale import TimezoneLocaleStep
from vantage.profiles.enrich_reference import (
    ReferenceTableStep,
    load_reference_table,
    postcode_keys,
)

__all__ = [
    "SOURCE_SUFFIX",
    "EmailDomainStep",
    "Enrichment",
    "EnrichmentStep",
    "PhoneStep",
    "ReferenceTableStep",
    "StepRegistry",
    "TimezoneLocaleStep",
    "UserAgentStep",
    "default_registry",
    "demo_reference_table",
    "frame_of",
    "load_reference_table",
    "parse_user_agent",
    "postcode_keys",
    "record_from_event",
]


def default_registry(default_region: str = "GB") -> StepRegistry:
    """A new registry with the built-in steps: e-mail domain, phone, user agent, time zone.

    Args:
        default_region: Region assumed for phone numbers without a country code.
    """
    return StepRegistry(
        [
            EmailDomainStep(),
            PhoneStep(default_region),
            UserAgentStep(),
            TimezoneLocaleStep(default_region),
        ]
    )


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _first(*values: Any) -> Any:
    return next((v for v in values if v not in (None, "")), None)


def record_from_event(message: Mapping[str, Any]) -> dict[str, Any]:
    """The enrichment inputs found in a Segment message.

    Reads ``traits`` (identify) or ``context.traits`` and ``properties`` for ``email``,
    ``phone``, ``country`` and ``postcode`` (also ``address.postalCode`` / ``postal_code``), and
    ``context.userAgent``, ``context.timezone`` and ``context.locale``.

    Args:
        message: A Segment-spec message as a mapping.

    Returns:
        A record with the keys ``email``, ``phone``, ``user_agent``, ``timezone``, ``locale``,
        ``country`` and ``postcode`` (None where absent).
    """
    traits = _get(message, "traits") or _get(message, "context", "traits") or {}
    props = _get(message, "properties") or {}
    address = _get(traits, "address") or {}
    context = _get(message, "context") or {}
    return {
        "email": _first(_get(traits, "email"), _get(props, "email")),
        "phone": _first(_get(traits, "phone"), _get(props, "phone")),
        "user_agent": _get(context, "userAgent"),
        "timezone": _get(context, "timezone"),
        "locale": _get(context, "locale"),
        "country": _first(_get(address, "country"), _get(traits, "country")),
        "postcode": _first(
            _get(address, "postalCode"),
            _get(address, "postal_code"),
            _get(traits, "postcode"),
            _get(traits, "postal_code"),
        ),
    }
