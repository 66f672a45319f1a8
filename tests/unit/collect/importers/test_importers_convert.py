from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from vantage.collect.importers import ImportMapping
from vantage.collect.importers.convert import (
    RowConverter,
    RowError,
    column_id,
    content_id,
    infer,
    jsonable,
    parse_timestamp,
    passthrough,
)
from vantage.core.events import Event

MAY_1 = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("2024-05-01T12:30:00Z", None, MAY_1),
        ("2024-05-01T14:30:00+02:00", None, MAY_1),
        ("2024-05-01 12:30:00", None, MAY_1),
        ("2024-05-01", None, datetime(2024, 5, 1, tzinfo=UTC)),
        (date(2024, 5, 1), None, datetime(2024, 5, 1, tzinfo=UTC)),
        (datetime(2024, 5, 1, 12, 30), None, MAY_1),
        (datetime(2024, 5, 1, 13, 30, tzinfo=timezone(timedelta(hours=1))), None, MAY_1),
        (1714566600, None, MAY_1),
        (1714566600.0, None, MAY_1),
        (Decimal("1714566600"), None, MAY_1),
        ("1714566600", None, MAY_1),
        ("1714566600000", "epoch_ms", MAY_1),
        (1714566600000, "epoch_ms", MAY_1),
        ("1714566600", "epoch_s", MAY_1),
        ("01/05/2024 12:30", "%d/%m/%Y %H:%M", MAY_1),
        ("01/05/2024 14:30 +0200", "%d/%m/%Y %H:%M %z", MAY_1),
    ],
)
def test_timestamps_of_every_accepted_kind(value: Any, fmt: str | None, expected: datetime) -> None:
    assert parse_timestamp(value, fmt) == expected


@pytest.mark.parametrize(
    ("value", "fmt", "match"),
    [
        ("yesterday", None, r"'yesterday' is not an ISO-8601 time.*set timestamp_format"),
        ("2024-31-01", None, r"is not an ISO-8601 time"),
        ("2024-05-01", "%d/%m/%Y", r"'2024-05-01' does not match timestamp_format '%d/%m/%Y'"),
        ("1714566600000", None, r"looks like milliseconds.*timestamp_format: epoch_ms"),
        ("soon", "epoch_ms", r"'soon' is not a number of epoch_ms"),
        (1e20, "epoch_ms", r"out of range"),
    ],
)
def test_bad_timestamps_say_what_to_set(value: Any, fmt: str | None, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_timestamp(value, fmt)


def test_infer_types_of_csv_text() -> None:
    assert infer("12") == 12
    assert infer("-3") == -3
    assert infer("12.50") == 12.5
    assert infer("TRUE") is True
    assert infer("false") is False
    assert infer("007") == "007"
    assert infer("+44 20") == "+44 20"
    assert infer("1e5") == "1e5"


def test_jsonable_values() -> None:
    assert jsonable(Decimal("3.50")) == 3.5
    assert jsonable(Decimal("4")) == 4
    assert jsonable(float("nan")) is None
    assert jsonable(date(2024, 5, 1)) == "2024-05-01"
    assert jsonable(b"\xff\x00") == "ff00"
    assert jsonable({"a": (1, b"x")}) == {"a": [1, "x"]}


def convert(mapping: dict[str, Any], row: dict[str, Any], *, text: bool = True) -> dict[str, Any]:
    m = ImportMapping.model_validate(mapping)
    return RowConverter(m, "crm", text_values=text).convert(row)


def valid(message: dict[str, Any]) -> Event:
    return Event.model_validate(message)


def test_identifiers_land_in_external_ids_and_identify_traits() -> None:
    message = convert(
        {
            "user_id": "customer_no",
            "identifiers": {"email": "mail", "phone": "tel", "loyalty_card": "card"},
            "traits": {"first_name": "fname"},
        },
        {"customer_no": "C1", "mail": " Ann@Example.COM ", "tel": "020 7946 0958", "card": "L-9"},
    )
    assert message["context"]["externalIds"] == [
        {"id": "ann@example.com", "type": "email", "collection": "users", "encoding": "none"},
        {"id": "+442079460958", "type": "phone", "collection": "users", "encoding": "none"},
        {"id": "L-9", "type": "loyalty_card", "collection": "users", "encoding": "none"},
    ]
    assert message["traits"] == {"email": "ann@example.com", "phone": "+442079460958"}
    assert message["userId"] == "C1"
    assert valid(message).user_id == "C1"


def test_explicit_trait_wins_and_junk_identifiers_are_skipped_and_counted() -> None:
    m = ImportMapping.model_validate(
        {
            "user_id": "id",
            "identifiers": {"email": "mail", "phone": "tel"},
            "traits": {"email": "x"},
        }
    )
    conv = RowConverter(m, "crm")
    message = conv.convert({"id": "1", "mail": "null", "tel": "123", "x": "given"})
    assert "externalIds" not in message["context"]
    assert message["traits"] == {"email": "given"}
    assert conv.skipped_identifiers == {"email": 1, "phone": 1}


def test_row_with_only_an_identifier_gets_a_derived_anonymous_id() -> None:
    mapping = {"identifiers": {"email": "mail", "loyalty_card": "card"}}
    one = convert(mapping, {"mail": "Bob@Example.com", "card": "L1"})
    two = convert(mapping, {"mail": "bob@example.com ", "card": "L1"})
    digest = hashlib.sha256(b"email:bob@example.com").hexdigest()[:32]
    assert one["anonymousId"] == two["anonymousId"] == f"idh:{digest}"
    only_card = convert(mapping, {"mail": "", "card": "L1"})
    assert only_card["anonymousId"].startswith("idh:")
    assert only_card["anonymousId"] != one["anonymousId"]
    assert valid(one).anonymous_id == one["anonymousId"]


def test_user_id_wins_over_derived_anonymous_id() -> None:
    message = convert({"user_id": "u", "identifiers": {"email": "m"}}, {"u": "7", "m": "a@b.co"})
    assert message["userId"] == "7"
    assert "anonymousId" not in message


def test_track_row_with_properties_context_and_event_column() -> None:
    message = convert(
        {
            "event_column": "what",
            "timestamp": "at",
            "anonymous_id": "device",
            "properties": {"revenue": "amount", "sku": "sku", "gift": "gift", "note": "note"},
            "traits": {"plan": "plan"},
            "context": {"library": {"name": "pos-sync"}, "channel": "store"},
        },
        {
            "what": "Order Completed",
            "at": "2024-05-01T12:30:00Z",
            "device": "d-1",
            "amount": "12.50",
            "sku": "007",
            "gift": "true",
            "note": "",
            "plan": "gold",
        },
    )
    assert message["type"] == "track"
    assert message["event"] == "Order Completed"
    assert message["properties"] == {"revenue": 12.5, "sku": "007", "gift": True}
    assert message["context"]["traits"] == {"plan": "gold"}
    assert message["context"]["library"] == {"name": "pos-sync"}
    assert message["context"]["channel"] == "store"
    assert message["timestamp"] == "2024-05-01T12:30:00+00:00"
    event = valid(message)
    assert event.timestamp == MAY_1


def test_infer_types_off_and_typed_readers_keep_values() -> None:
    mapping = {"event": "E", "user_id": "u", "properties": {"n": "n"}, "infer_types": False}
    assert convert(mapping, {"u": "1", "n": "12"})["properties"] == {"n": "12"}
    typed = convert({**mapping, "infer_types": True}, {"u": 1.0, "n": "12"}, text=False)
    assert typed["properties"] == {"n": "12"}
    assert typed["userId"] == "1"


def test_page_screen_and_group_calls() -> None:
    page = convert({"type": "page", "name_column": "p", "user_id": "u"}, {"p": "Home", "u": "1"})
    assert valid(page).name == "Home"
    screen = convert({"type": "screen", "name": "Cart", "user_id": "u"}, {"u": "1"})
    assert screen["name"] == "Cart"
    group = convert(
        {"type": "group", "group_id": "acct", "user_id": "u", "traits": {"plan": "plan"}},
        {"acct": "A-1", "u": "1", "plan": "pro"},
    )
    assert valid(group).group_id == "A-1"
    assert group["traits"] == {"plan": "pro"}


@pytest.mark.parametrize(
    ("mapping", "row", "field", "match"),
    [
        ({"event_column": "e", "user_id": "u"}, {"e": " ", "u": "1"}, "event_column", "empty"),
        (
            {"type": "group", "group_id": "g", "user_id": "u"},
            {"g": None, "u": "1"},
            "group_id",
            "column .g. is empty",
        ),
        ({"timestamp": "t", "user_id": "u"}, {"t": "soon", "u": "1"}, "timestamp", "column 't'"),
    ],
)
def test_row_errors_name_the_field(
    mapping: dict[str, Any], row: dict[str, Any], field: str, match: str
) -> None:
    with pytest.raises(RowError, match=match) as info:
        convert(mapping, row)
    assert info.value.field == field
    assert info.value.reason.startswith(f"{field}: ")


def test_missing_timestamp_is_left_to_the_import_time() -> None:
    message = convert({"timestamp": "t", "user_id": "u"}, {"t": "", "u": "1"})
    assert "timestamp" not in message


def test_message_ids_are_deterministic() -> None:
    mapping = {"user_id": "u", "traits": {"a": "a"}}
    first = convert(mapping, {"u": "1", "a": "x", "ignored": "1"})
    again = convert(mapping, {"u": "1", "a": "x", "ignored": "2"})
    other = convert(mapping, {"u": "1", "a": "y"})
    assert first["messageId"] == again["messageId"] != other["messageId"]
    assert first["messageId"].startswith("import-")
    other_source = RowConverter(ImportMapping.model_validate(mapping), "pos").convert(
        {"u": "1", "a": "x"}
    )
    assert other_source["messageId"] != first["messageId"]


def test_message_id_column_is_namespaced_by_source() -> None:
    mapping = {"user_id": "u", "message_id": "row_id"}
    assert convert(mapping, {"u": "1", "row_id": "17"})["messageId"] == "crm:17"
    fallback = convert(mapping, {"u": "1", "row_id": ""})["messageId"]
    assert fallback.startswith("import-")
    long_id = column_id("crm", "x" * 200)
    assert long_id.startswith("import-")
    assert len(long_id) <= 100


def test_passthrough_keeps_messages_and_adds_missing_ids() -> None:
    row = {"type": "track", "event": "A", "userId": "1", "properties": {"x": 1}, "sentAt": None}
    message = passthrough(row, "web")
    assert message["messageId"] == content_id("web", {k: v for k, v in row.items() if v})
    assert "sentAt" not in message
    assert passthrough({**row, "messageId": "m-1"}, "web")["messageId"] == "m-1"


def test_consent_columns_become_category_preferences() -> None:
    mapping = ImportMapping(
        user_id="id", consent={"email_marketing": "email_ok", "advertising": "ads"}
    )
    converter = RowConverter(mapping, "crm", text_values=True)
    message = converter.convert({"id": "u1", "email_ok": "Yes", "ads": ""})
    assert message["context"]["consent"] == {"categoryPreferences": {"email_marketing": True}}
    assert converter.convert({"id": "u2", "email_ok": "opt-out", "ads": "0"})["context"]["consent"][
        "categoryPreferences"
    ] == {"email_marketing": False, "advertising": False}


def test_an_unreadable_consent_value_rejects_the_row_and_names_the_field() -> None:
    converter = RowConverter(ImportMapping(user_id="id", consent={"email": "ok"}), "crm")
    with pytest.raises(RowError, match="column 'ok' holds 'maybe', which is not a consent") as info:
        converter.convert({"id": "u1", "ok": "maybe"})
    assert info.value.field == "consent.email"
