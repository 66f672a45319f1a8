"""Who a privacy request is about: the person's customer id and every identifier they have.

A request names a customer id (``cus_...``) or one identifier as ``type:value``
(``email:ann@example.com``, ``phone:+447700900123``, ``user_id:u-42``); a bare value with an ``@``
is taken as an e-mail. The identity map gives the whole profile. An identifier that the identity
map does not know (identity not resolved yet) is widened by one hop through the lake: the
identifiers of every event that carries it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import orjson

from vantage.collect.suppression import candidate_values, identifier_keys
from vantage.core.errors import VantageError
from vantage.core.identifiers import Identifier, normalise
from vantage.identity.extract import canonical_type, extract_identifiers
from vantage.store.warehouse import Store

IDENTITY_MAP = "identity_map"
_TYPED = re.compile(r"^([A-Za-z][A-Za-z_\-]*):(.+)$", re.DOTALL)
# Values this long are also searched for inside free text (a note that quotes the e-mail).
SUBSTRING_MIN = 6


class PrivacyError(VantageError):
    """A privacy request cannot be carried out as asked (the subject is malformed)."""


class PersonNotFoundError(PrivacyError):
    """The customer id named is not in the identity map."""


@dataclass(frozen=True)
class Target:
    """What a request names: a customer id, or one identifier."""

    customer_id: str | None = None
    identifier: Identifier | None = None


@dataclass
class Person:
    """The subject of a request.

    Attributes:
        customer_id: Their customer id, when the identity map knows them.
        identifiers: Every normalised identifier of theirs.
    """

    customer_id: str | None
    identifiers: list[Identifier] = field(default_factory=list)

    @cached_property
    def values(self) -> frozenset[str]:
        """Every identifier value (and the customer id) that marks a record as theirs."""
        found = {i.value for i in self.identifiers}
        if self.customer_id:
            found.add(self.customer_id)
        return frozenset(found)

    @cached_property
    def match_keys(self) -> frozenset[str]:
        """The values plus the phone keys that :func:`candidate_values` produces."""
        keys = set(self.values)
        for identifier in self.identifiers:
            keys.update(identifier_keys(identifier))
        return frozenset(keys)

    @cached_property
    def needles(self) -> tuple[str, ...]:
        """Lower-cased values long enough to be searched for inside text."""
        return tuple(sorted({v.lower() for v in self.values if len(v) >= SUBSTRING_MIN}))

    def owns_text(self, text: str) -> bool:
        """Whether a stored record (JSON or any text) mentions the person."""
        try:
            parsed: Any = orjson.loads(text)
        except orjson.JSONDecodeError:
            parsed = text
        if candidate_values(parsed) & self.match_keys:
            return True
        lowered = text.lower()
        return any(needle in lowered for needle in self.needles)


def parse_target(text: str) -> Target:
    """Parse a request's subject: ``cus_...``, ``type:value`` or a bare e-mail.

    Raises:
        PrivacyError: The text is empty or the identifier is junk.
    """
    raw = text.strip()
    if not raw:
        raise PrivacyError(
            "No person was named.",
            "Pass a customer id (cus_...) or an identifier as type:value, e.g. email:ann@x.com.",
        )
    typed = _TYPED.match(raw)
    if typed is None and "@" not in raw:
        return Target(customer_id=raw)
    id_type, value = (canonical_type(typed.group(1)), typed.group(2)) if typed else ("email", raw)
    identifier = normalise(id_type, value)
    if identifier is None:
        raise PrivacyError(
            f"The {id_type} given is not a usable identifier (empty, junk or malformed).",
            "Check the value: e-mails need an @ and a domain, phones a valid number.",
        )
    return Target(identifier=identifier)


def _map_rows(store: Store, predicate: Any) -> list[tuple[str, str, str]]:
    if not store.has_table(IDENTITY_MAP):
        return []
    ids = store.table(IDENTITY_MAP)
    frame = store.execute(ids.filter(predicate(ids)).select("id_type", "id_value", "customer_id"))
    return [(str(a), str(b), str(c)) for a, b, c in frame.itertuples(index=False)]


def resolve_person(store: Store, target: Target, payloads: Iterable[str]) -> Person:
    """Find the person a request is about.

    Args:
        store: The warehouse (its ``identity_map``).
        target: The parsed subject.
        payloads: Event payloads of the lake, read only when the identity map lacks the person.

    Raises:
        PersonNotFoundError: A customer id that the identity map does not know.
    """
    if target.identifier is None:
        rows = _map_rows(store, lambda t: t.customer_id == target.customer_id)
        if not rows:
            raise PersonNotFoundError(
                f"No customer {target.customer_id!r} in the identity map.",
                "Name the person by an identifier instead, e.g. email:ann@example.com.",
            )
        return Person(target.customer_id, [Identifier(t, v) for t, v, _ in rows])
    ident = target.identifier
    hit = _map_rows(store, lambda t: (t.id_type == ident.type) & (t.id_value == ident.value))
    if hit:
        customer = hit[0][2]
        rows = _map_rows(store, lambda t: t.customer_id == customer)
        return Person(customer, [Identifier(t, v) for t, v, _ in rows])
    found, keys = {ident}, identifier_keys(ident)
    for payload in payloads:
        message = orjson.loads(payload)
        if isinstance(message, dict) and keys & candidate_values(message):
            found.update(extract_identifiers(message))
    return Person(None, sorted(found, key=lambda i: (i.type, i.value)))
