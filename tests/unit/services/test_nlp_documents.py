"""Entities for text events; receipts stored as purchases through the write path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest

from vantage.services import nlp_documents as service
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.solutions.nlp.documents import OcrLine


class FakeOcr:
    """Returns fixed lines, so these tests check the service, not OCR (tested elsewhere)."""

    name = "fake"

    def read(self, image: object) -> list[OcrLine]:
        rows = [
            ("CORNER CAFE LTD", None, 20),
            ("5 HIGH STREET, LEEDS LS1 4AB", None, 60),
            ("DATE 03/05/2024", None, 100),
            ("LATTE", "3.20", 140),
            ("TOTAL", "3.20", 180),
        ]
        out = []
        for text, amount, y in rows:
            out.append(OcrLine(text, 10, y, 300, y + 20))
            if amount:
                out.append(OcrLine(amount, 400, y, 450, y + 20))
        return out


@pytest.fixture
def ctx(home: Path, monkeypatch: pytest.MonkeyPatch) -> ServiceContext:
    monkeypatch.setattr(service, "_engine", lambda _name: FakeOcr())
    context = ServiceContext()
    context.workspace.init()
    return context


IMAGE = np.full((40, 40, 3), 255, dtype=np.uint8)


def test_unlinked_receipt_is_read_but_not_stored(ctx: ServiceContext) -> None:
    result = service.ingest_receipt(ctx, IMAGE)
    assert result.receipt.company == "CORNER CAFE LTD"
    assert result.event is None
    assert ctx.log.count() == 0


def test_linked_receipt_becomes_an_order_once(ctx: ServiceContext) -> None:
    result = service.ingest_receipt(ctx, IMAGE, email=" Ann@Example.com ")
    assert (result.stored, result.duplicates, result.rejected) == (1, 0, [])
    event = result.event
    assert event is not None
    assert event["event"] == "Order Completed"
    assert event["timestamp"] == "2024-05-03T12:00:00Z"
    assert event["properties"]["total"] == 3.2
    assert event["properties"]["products"] == [{"name": "LATTE", "price": 3.2, "quantity": 1}]
    assert event["context"]["externalIds"][0] == {
        "id": "ann@example.com", "type": "email", "collection": "users", "encoding": "none"
    }  # fmt: skip
    again = service.ingest_receipt(ctx, IMAGE, email="ann@example.com")
    assert (again.stored, again.duplicates) == (0, 1)
    [stored] = ctx.log.tail(5, "receipts")
    assert orjson.loads(stored["payload"])["properties"]["store_name"] == "CORNER CAFE LTD"


def test_user_id_link_sets_user_id(ctx: ServiceContext) -> None:
    result = service.ingest_receipt(ctx, IMAGE, user_id="u-42")
    assert result.event is not None and result.event["userId"] == "u-42"
    assert "anonymousId" not in result.event


def test_invalid_identifier_is_refused(ctx: ServiceContext) -> None:
    with pytest.raises(service.ReceiptLinkError, match="--customer-email 'not-an-email'"):
        service.ingest_receipt(ctx, IMAGE, email="not-an-email")
    with pytest.raises(service.ReceiptLinkError, match="is not a valid phone"):
        service.customer_identifiers(phone="12")


TEXTS = ["My order from Acme Corp arrived in London on Friday.", "Ann Smith was great."]


def test_entities_for_stored_text_events(ctx: ServiceContext) -> None:
    messages = [
        {
            "type": "track",
            "event": "Product Reviewed",
            "userId": f"u{i}",
            "messageId": f"r{i}",
            "timestamp": f"2024-01-0{i + 1}T10:00:00Z",
            "properties": {"review_body": text},
        }
        for i, text in enumerate(
            ["My order from Acme Corp arrived in London on Friday.", "Ann Smith was great."]
        )
    ]
    ctx.log.append([ctx.ingestor.prepare("reviews", messages)])
    compact_and_sync(ctx)
    rows = service.entities_for_events(ctx, event="Product Reviewed", text_property="review_body")
    assert [r["message_id"] for r in rows] == ["r1", "r0"]
    assert rows[0]["entities"] == {"person": ["Ann Smith"]}
    assert rows[1]["entities"]["place"] == ["London"]
    with pytest.raises(service.TextEventsError, match="No 'Product Reviewed' events with a "):
        service.entities_for_events(ctx, event="Product Reviewed", text_property="nothing")


def test_entities_need_events(ctx: ServiceContext) -> None:
    with pytest.raises(service.TextEventsError, match="No 'Chat' events"):
        service.entities_for_events(ctx, event="Chat")


def test_extract_entities_shapes_results() -> None:
    [result] = service.extract_entities(["Ann Smith visited Paris."])
    assert result["summary"] == {"person": ["Ann Smith"], "place": ["Paris"]}
    assert result["entities"][0]["start"] == 0
