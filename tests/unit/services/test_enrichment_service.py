"""Enrichment on the profile and for every customer into the warehouse."""

from __future__ import annotations

from pathlib import Path

from vantage.services import identity as identity_service
from vantage.services.context import ServiceContext
from vantage.services.enrichment import ENRICHMENT_TABLE, enrich_all
from vantage.services.events import compact_and_sync
from vantage.services.profiles import find_customer, profile
from vantage.services.warehouse import open_warehouse

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def test_profiles_are_enriched_on_read_and_in_batch(home: Path) -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    messages = [
        {
            "type": "identify",
            "userId": "u1",
            "messageId": "i1",
            "timestamp": "2025-01-01T10:00:00Z",
            "traits": {"email": "ann@acme.co.uk", "phone": "+44 7400 123456"},
        },
        {
            "type": "page",
            "userId": "u1",
            "messageId": "p1",
            "timestamp": "2025-01-02T10:00:00Z",
            "context": {"userAgent": IPHONE, "locale": "en-GB"},
        },
        {
            "type": "identify",
            "userId": "u2",
            "messageId": "i2",
            "timestamp": "2025-01-01T10:00:00Z",
            "traits": {"email": "bo@gmail.com"},
        },
    ]
    ctx.log.append([ctx.ingestor.prepare("web", messages, correct_skew=False)])
    compact_and_sync(ctx)
    identity_service.refresh(ctx)
    with open_warehouse(ctx.settings) as store:
        view = profile(store, find_customer(store, "user_id", "u1"))
    enriched = view["enrichment"]
    assert enriched["email_domain_type"] == {"value": "corporate", "source": "email_domain"}
    assert enriched["phone_line_type"]["value"] == "mobile"
    assert enriched["device_type"]["value"] == "mobile"
    assert enriched["locale"] == {"value": "en-GB", "source": "context"}
    report = enrich_all(ctx)
    assert report.customers == 2
    with open_warehouse(ctx.settings) as store:
        table = store.execute(store.table(ENRICHMENT_TABLE))
    by_field = table[table.field == "email_domain_type"].set_index("customer_id")["value"]
    assert sorted(by_field.tolist()) == ['"corporate"', '"free"']
