"""The identifiers of one event (a Segment message), normalised, junk dropped.

Where each comes from:

========================================  ==============================
message field                             identifier type
========================================  ==============================
``userId``                                ``user_id``
``anonymousId``                           ``anonymous_id``
``previousId`` (alias calls)              ``anonymous_id``
``traits.email``, ``context.traits.email`` ``email``
``traits.phone``, ``context.traits.phone`` ``phone``
``context.externalIds[]`` ``{id, type}``  the given type (``email``, ``loyalty_card``, ...)
``context.device.id``                     ``device_id``
``context.device.advertisingId``          ``ad_id``
========================================  ==============================
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from vantage.core.identifiers import Identifier, normalise
from vantage.identity.rules import IdentityRules

TYPE_ALIASES = {
    "userid": "user_id",
    "user": "user_id",
    "anonymousid": "anonymous_id",
    "e-mail": "email",
    "email_address": "email",
    "phone_number": "phone",
    "mobile": "phone",
    "deviceid": "device_id",
    "advertisingid": "ad_id",
    "idfa": "ad_id",
    "gaid": "ad_id",
}
_DEFAULT_RULES = IdentityRules()


def canonical_type(id_type: str) -> str:
    """Lower-case an identifier type and map common aliases (``userId`` -> ``user_id``)."""
    kind = id_type.strip().lower()
    return TYPE_ALIASES.get(kind, kind)


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _raw(message: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    yield "user_id", message.get("userId")
    yield "anonymous_id", message.get("anonymousId")
    if message.get("type") == "alias":
        yield "anonymous_id", message.get("previousId")
    for traits in (message.get("traits"), _get(message, "context", "traits")):
        if isinstance(traits, Mapping):
            yield "email", traits.get("email")
            yield "phone", traits.get("phone")
    externals = _get(message, "context", "externalIds")
    if isinstance(externals, list):
        for item in externals:
            if isinstance(item, Mapping) and isinstance(item.get("type"), str):
                yield canonical_type(item["type"]), item.get("id")
    device = _get(message, "context", "device")
    if isinstance(device, Mapping):
        yield "device_id", device.get("id")
        yield "ad_id", device.get("advertisingId")


def extract_identifiers(
    message: Mapping[str, Any], rules: IdentityRules | None = None
) -> list[Identifier]:
    """The distinct normalised identifiers of one Segment message, strongest first.

    Args:
        message: The Segment message (a dict as stored in the event payload).
        rules: Identity rules (blocked values, phone region, priority); defaults when None.

    Returns:
        Identifiers ordered by the rules' priority, then type, then value; junk values (core
        blocked values and the rules' own) and invalid e-mails or phones are left out.
    """
    rules = rules or _DEFAULT_RULES
    found: set[Identifier] = set()
    for id_type, value in _raw(message):
        if value is None or isinstance(value, Mapping | list):
            continue
        ident = normalise(id_type, value, rules.phone_region)
        if ident is not None and not rules.is_blocked(ident):
            found.add(ident)
    return sorted(found, key=lambda i: (rules.rank(i.type), i.type, i.value))
