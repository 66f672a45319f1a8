"""Writing the demo's files: JSON Lines, CSV and the importer mappings (YAML)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
import yaml

LIBRARY = {"library": {"name": "vantage-demo"}}

MAPPINGS: dict[str, dict[str, Any]] = {
    "crm": {
        "source": "crm",
        "type": "identify",
        "timestamp": "updated_at",
        "message_id": "customer_no",
        "identifiers": {
            "crm_id": "customer_no",
            "email": "email_address",
            "phone": "phone_number",
            "loyalty_card": "loyalty_card_no",
        },
        "traits": {
            "title": "title",
            "first_name": "first_name",
            "last_name": "last_name",
            "address": "address_line1",
            "city": "town",
            "postcode": "postcode",
            "birthday": "date_of_birth",
            "marketing_opt_in": "marketing_opt_in",
            "preferred_store": "preferred_store",
            "created_at": "created_at",
        },
        # The CRM's opt-in flag is a consent decision: it feeds the ledger, not just a trait.
        "consent": {"email_marketing": "marketing_opt_in"},
        "context": LIBRARY,
    },
    "pos": {
        "source": "pos",
        "type": "track",
        "event": "Order Completed",
        "timestamp": "sold_at",
        "anonymous_id": "transaction_id",
        "message_id": "transaction_id",
        "identifiers": {"loyalty_card": "loyalty_card_no", "payment_card": "card_token"},
        "properties": {
            "order_id": "transaction_id",
            "store_id": "store_id",
            "till": "till_id",
            "revenue": "total",
            "total": "total",
            "items": "items",
            "payment_method": "payment_method",
            "currency": "currency",
        },
        "context": LIBRARY,
    },
    "reviews": {
        "source": "reviews",
        "type": "track",
        "event": "Product Reviewed",
        "timestamp": "submitted_at",
        "message_id": "review_id",
        "identifiers": {"email": "reviewer_email"},
        "traits": {"name": "reviewer_name"},
        "properties": {
            "review_id": "review_id",
            "order_id": "order_ref",
            "sku": "product_sku",
            "name": "product_name",
            "rating": "rating",
            "review_title": "title",
            "review_body": "body",
        },
        "context": LIBRARY,
    },
    "support": {
        "source": "support",
        "type": "track",
        "event": "Support Chat Completed",
        "timestamp": "ended_at",
        "user_id": "user_id",
        "message_id": "chat_id",
        "identifiers": {"email": "email", "phone": "phone"},
        "properties": {
            "chat_id": "chat_id",
            "channel": "channel",
            "started_at": "started_at",
            "csat": "csat",
            "agent": "agent",
            "messages": "messages",
        },
        "context": LIBRARY,
    },
}
COMMENTS = {
    "pos": "# Tills have no device id: each receipt number doubles as the anonymousId.\n",
}


def write_jsonl(path: Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Write one JSON object per line; return the number of lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("wb") as handle:
        for record in records:
            handle.write(orjson.dumps(record))
            handle.write(b"\n")
            n += 1
    return n


def write_lines(path: Path, lines: Iterable[str]) -> int:
    """Write ready-made JSON lines; return how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for line in lines:
            handle.write(line)
            handle.write("\n")
            n += 1
    return n


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a CSV file with a header line; return the number of data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def write_mapping(path: Path, name: str) -> None:
    """Write the importer mapping of one import file as YAML."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(MAPPINGS[name], sort_keys=False, allow_unicode=True)
    path.write_text(COMMENTS.get(name, "") + text, encoding="utf-8")
