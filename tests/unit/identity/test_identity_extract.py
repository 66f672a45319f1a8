from __future__ import annotations

from vantage.core.identifiers import Identifier
from vantage.identity.extract import canonical_type, extract_identifiers
from vantage.identity.rules import IdentityRules


def test_every_source_of_identifiers() -> None:
    message = {
        "type": "identify",
        "userId": " u1 ",
        "anonymousId": "a1",
        "traits": {"email": " Jane@Example.COM ", "phone": "07353 333069"},
        "context": {
            "traits": {"email": "jane@example.com"},
            "externalIds": [
                {"id": "6339 1", "type": "loyalty_card"},
                {"id": "C1", "type": "crm_id"},
                {"id": "JANE2@example.com", "type": "email"},
                {"id": "x", "type": 3},
                "junk",
            ],
            "device": {"id": "dev-1", "advertisingId": "ad-1"},
        },
    }
    found = extract_identifiers(message)
    assert found == [
        Identifier("user_id", "u1"),
        Identifier("email", "jane2@example.com"),
        Identifier("email", "jane@example.com"),
        Identifier("phone", "+447353333069"),
        Identifier("loyalty_card", "6339 1"),
        Identifier("crm_id", "C1"),
        Identifier("device_id", "dev-1"),
        Identifier("ad_id", "ad-1"),
        Identifier("anonymous_id", "a1"),
    ]


def test_junk_is_dropped() -> None:
    message = {
        "userId": "null",
        "anonymousId": "00000000-0000-0000-0000-000000000000",
        "traits": {"email": "test@test.com", "phone": "123"},
        "context": {"device": {"id": "0"}, "externalIds": [{"id": "anonymous", "type": "x"}]},
    }
    assert extract_identifiers(message) == []


def test_rules_block_more_values() -> None:
    rules = IdentityRules(blocked_values=frozenset({"shop@store.com"}))
    message = {"anonymousId": "a", "traits": {"email": "SHOP@store.com"}}
    assert extract_identifiers(message, rules) == [Identifier("anonymous_id", "a")]


def test_alias_previous_id() -> None:
    message = {"type": "alias", "userId": "u9", "previousId": "anon-7"}
    assert extract_identifiers(message) == [
        Identifier("user_id", "u9"),
        Identifier("anonymous_id", "anon-7"),
    ]


def test_nested_values_ignored_and_types_canonical() -> None:
    message = {"userId": {"a": 1}, "traits": {"email": ["x@y.com"]}, "anonymousId": 42}
    assert extract_identifiers(message) == [Identifier("anonymous_id", "42")]
    assert canonical_type(" userId ") == "user_id"
    assert canonical_type("IDFA") == "ad_id"
