"""Example payloads and a ledger store shared by the consent tests."""

from __future__ import annotations

from typing import Any

import pandas as pd

SEGMENT: dict[str, Any] = {
    "type": "track",
    "event": "Segment Consent Preference Updated",
    "messageId": "seg-1",
    "userId": "u-1",
    "anonymousId": "anon-1",
    "timestamp": "2026-03-01T10:00:00Z",
    "context": {
        "traits": {"email": " Ann.Lee@Example.COM "},
        "consent": {
            "categoryPreferences": {
                "Advertising": True,
                "Analytics": False,
                "Functional": True,
                "Necessary": True,
            }
        },
    },
}
RUDDERSTACK: dict[str, Any] = {
    "type": "track",
    "event": "Product Viewed",
    "messageId": "rs-1",
    "anonymousId": "anon-1",
    "originalTimestamp": "2026-03-02T09:00:00+01:00",
    "context": {
        "consentManagement": {
            "provider": "oneTrust",
            "resolutionStrategy": "and",
            "allowedConsentIds": ["C0001", "C0002"],
            "deniedConsentIds": ["C0004", "C0003"],
        },
        "externalIds": [{"id": "CARD-77", "type": "loyalty_card", "collection": "users"}],
    },
}


def identity_map(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """An identity_map table: (id_type, id_value, customer_id) rows."""
    return pd.DataFrame(
        {
            "id_type": [r[0] for r in rows],
            "id_value": [r[1] for r in rows],
            "customer_id": [r[2] for r in rows],
            "since": pd.Timestamp("2026-01-01", tz="UTC"),
            "reason": "test",
        }
    )
