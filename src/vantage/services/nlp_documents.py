"""Entities in texts and text events, and receipts turned into purchase events.

Receipts: the image is read by OCR, its key fields extracted, and, when the caller links it to
a customer (an e-mail, phone or user id), an ``Order Completed`` event with the total, date and
items goes through the one write path (validation, tracking plan, durable log). The messageId is
derived from the image and the customer, so sending the same receipt twice stores it once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from vantage.core.errors import VantageError
from vantage.core.identifiers import normalise
from vantage.services.context import ServiceContext
from vantage.services.warehouse import open_warehouse
from vantage.solutions.nlp.documents import (
    EntityExtractor,
    Receipt,
    ReceiptExtractor,
    load_image,
    make_engine,
    summarise,
)
from vantage.solutions.nlp.documents.ocr import ImageInput, OcrEngine

RECEIPT_SOURCE = "receipts"
RECEIPT_EVENT = "Order Completed"
MAX_TEXTS = 1000


class ReceiptLinkError(VantageError):
    """The identifier given to link a receipt to a customer is not usable."""


class TextEventsError(VantageError):
    """Text events could not be read from the warehouse."""


@lru_cache(maxsize=8)
def _cached_extractor(config: str | None, _version: int) -> EntityExtractor:
    extractor = EntityExtractor.from_config(config) if config else EntityExtractor()
    return extractor.fit()


def entity_extractor(config: Path | None = None) -> EntityExtractor:
    """A fitted extractor, kept per configuration file version (loading spaCy takes ~0.5 s)."""
    if config is None:
        return _cached_extractor(None, 0)
    stat = config.stat() if config.is_file() else None
    version = hash((stat.st_mtime_ns, stat.st_size)) if stat is not None else 0
    return _cached_extractor(str(config), version)


def extract_entities(texts: list[str], *, config: Path | None = None) -> list[dict[str, Any]]:
    """Entities of each text: ``{"text", "entities": [...], "summary": {type: [values]}}``."""
    extractor = entity_extractor(config)
    out = []
    for text, found in zip(texts, extractor.transform(texts), strict=True):
        out.append(
            {
                "text": text,
                "entities": [entity.to_dict() for entity in found],
                "summary": summarise(found),
            }
        )
    return out


def entities_for_events(
    ctx: ServiceContext,
    *,
    event: str,
    text_property: str = "text",
    limit: int = 200,
    config: Path | None = None,
) -> list[dict[str, Any]]:
    """Entities of the newest ``limit`` track events named ``event`` (text in a property).

    Returns:
        One row per event with ``message_id``, ``user_id``, ``anonymous_id``, ``timestamp``,
        ``text`` and ``entities`` (values per type), ready to store as event properties.

    Raises:
        TextEventsError: The warehouse has no events, or none carries the property.
    """
    with open_warehouse(ctx.settings) as store:
        if not store.has_table("events"):
            raise TextEventsError(
                "The warehouse has no events table yet.",
                "Load events first (`vantage demo` or `vantage events sync`).",
            )
        events = store.table("events")
        wanted = events.filter((events.type == "track") & (events.event == event))
        text = store.json_text(wanted.payload, ["properties", text_property])
        picked = wanted.select(
            "message_id", "user_id", "anonymous_id", "timestamp", "seq", text=text
        )
        frame = store.execute(
            picked.filter(picked.text.notnull())
            .order_by([picked.timestamp.desc(), picked.seq.desc()])
            .limit(limit)
        )
    if frame.empty:
        raise TextEventsError(
            f"No {event!r} events with a properties.{text_property} text were found.",
            "Check the event name (`vantage events tail`) and pass the property holding the "
            "text with --text-property.",
        )
    found = extract_entities([str(t) for t in frame["text"]], config=config)
    rows = []
    for record, result in zip(frame.to_dict("records"), found, strict=True):
        rows.append(
            {
                "message_id": record["message_id"],
                "user_id": record["user_id"],
                "anonymous_id": record["anonymous_id"],
                "timestamp": record["timestamp"].isoformat(),
                "text": record["text"],
                "entities": result["summary"],
            }
        )
    return rows


@dataclass
class ReceiptResult:
    """A read receipt, and the purchase event when it was linked to a customer."""

    receipt: Receipt
    event: dict[str, Any] | None = None
    stored: int = 0
    duplicates: int = 0
    rejected: list[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "receipt": self.receipt.to_dict(),
            "event": self.event,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": self.rejected or [],
        }


@lru_cache(maxsize=2)
def _engine(name: str) -> OcrEngine:
    return make_engine(name)


def read_receipt(image: ImageInput, *, engine: str = "rapidocr") -> Receipt:
    """OCR one receipt image and extract its key fields."""
    lines = _engine(engine).read(load_image(image))
    return ReceiptExtractor().extract(lines)


def customer_identifiers(
    *, email: str | None = None, phone: str | None = None, user_id: str | None = None
) -> list[tuple[str, str]]:
    """The normalised identifiers given to link a receipt (may be empty).

    Raises:
        ReceiptLinkError: An e-mail or phone number is not valid.
    """
    out = []
    for kind, value in (("email", email), ("phone", phone)):
        if value:
            ident = normalise(kind, value)
            if ident is None:
                raise ReceiptLinkError(
                    f"--customer-{kind} {value!r} is not a valid {kind}.",
                    f"Give the customer's {kind} as it is on their profile "
                    "(phone numbers with the country code, e.g. +44 20 7946 0000).",
                )
            out.append((ident.type, ident.value))
    if user_id and user_id.strip():
        out.append(("user_id", user_id.strip()))
    return out


def receipt_event(
    receipt: Receipt, identifiers: list[tuple[str, str]], digest: str
) -> dict[str, Any]:
    """The ``Order Completed`` message for a receipt linked to ``identifiers``."""
    key = hashlib.sha256(f"{digest}|{sorted(identifiers)}".encode()).hexdigest()[:24]
    user_id = next((value for kind, value in identifiers if kind == "user_id"), None)
    external = [
        {"id": value, "type": kind, "collection": "users", "encoding": "none"}
        for kind, value in identifiers
        if kind != "user_id"
    ]
    when = (
        f"{receipt.date_iso}T12:00:00Z"
        if receipt.date_iso
        else datetime.now(UTC).isoformat().replace("+00:00", "Z")
    )
    properties: dict[str, Any] = {
        "order_id": f"receipt-{digest[:16]}",
        "total": receipt.total_value,
        "revenue": receipt.total_value,
        "store_name": receipt.company,
        "store_address": receipt.address,
        "receipt_date": receipt.date,
        "products": [
            {"name": item.name, "price": item.amount, "quantity": item.quantity or 1}
            for item in receipt.items
        ],
        "extracted_by": "vantage receipt OCR",
    }
    message: dict[str, Any] = {
        "type": "track",
        "event": RECEIPT_EVENT,
        "messageId": f"receipt-{key}",
        "timestamp": when,
        "properties": {k: v for k, v in properties.items() if v not in (None, [])},
        "context": {
            "externalIds": external,
            "traits": {kind: value for kind, value in identifiers if kind in ("email", "phone")},
        },
    }
    if user_id:
        message["userId"] = user_id
    else:
        message["anonymousId"] = f"receipt-{key}"
    return message


def ingest_receipt(
    ctx: ServiceContext,
    image: ImageInput,
    *,
    email: str | None = None,
    phone: str | None = None,
    user_id: str | None = None,
    engine: str = "rapidocr",
    source: str = RECEIPT_SOURCE,
) -> ReceiptResult:
    """Read a receipt; when linked to a customer, store it as a purchase event.

    Without an identifier the receipt is only read (nothing is stored).
    """
    identifiers = customer_identifiers(email=email, phone=phone, user_id=user_id)
    pixels = load_image(image)
    receipt = ReceiptExtractor().extract(_engine(engine).read(pixels))
    result = ReceiptResult(receipt)
    if not identifiers:
        return result
    digest = hashlib.sha256(pixels.tobytes()).hexdigest()
    message = receipt_event(receipt, identifiers, digest)
    ctx.sources.ensure(source)
    submission = ctx.ingestor.prepare(source, [message], correct_skew=False)
    [appended] = ctx.log.append([submission])
    result.event = message
    result.stored, result.duplicates = appended.stored, appended.duplicates
    result.rejected = [r.reason for r in submission.rejected]
    return result
