from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from vantage.collect.importers import ImportMapping, MappingError, load_mapping
from vantage.collect.importers.mapping import parse_mapping
from vantage.core.errors import ConfigError

FULL = """
source: crm
type: identify
timestamp: created_at
timestamp_format: "%d/%m/%Y %H:%M"
user_id: customer_no
anonymous_id: device_id
message_id: row_id
identifiers:
  email: email_address
  phone: phone_number
  loyalty_card: card_no
traits:
  first_name: fname
context:
  library: {name: vantage-importer}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_mapping_loads(tmp_path: Path) -> None:
    m = load_mapping(write(tmp_path, FULL))
    assert m.source == "crm"
    assert m.type == "identify"
    assert m.identifiers == {
        "email": "email_address",
        "phone": "phone_number",
        "loyalty_card": "card_no",
    }
    assert m.traits == {"first_name": "fname"}
    assert m.context == {"library": {"name": "vantage-importer"}}
    assert ("traits.first_name", "fname") in m.mapped_columns()
    assert ("identifiers.loyalty_card", "card_no") in m.mapped_columns()


def test_type_defaults_to_track_with_event_else_identify() -> None:
    assert ImportMapping.model_validate({"event": "Order Completed", "user_id": "u"}).type == (
        "track"
    )
    assert ImportMapping.model_validate({"event_column": "e", "user_id": "u"}).type == "track"
    assert ImportMapping.model_validate({"user_id": "u"}).type == "identify"


def test_numeric_column_names_become_text() -> None:
    assert ImportMapping.model_validate({"user_id": 7}).user_id == "7"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"event": "A", "event_column": "e", "user_id": "u"}, r"event_column: set event or"),
        ({"type": "track", "user_id": "u"}, r"event: a track call needs an event name"),
        ({"type": "identify", "event": "A", "user_id": "u"}, r"event: only track calls"),
        ({"type": "page", "event_column": "e", "user_id": "u"}, r"use name / name_column"),
        ({"type": "track", "event": "A", "name": "x", "user_id": "u"}, r"name: only page"),
        ({"type": "page", "name": "a", "name_column": "b", "user_id": "u"}, r"name_column"),
        ({"type": "identify", "properties": {"a": "b"}, "user_id": "u"}, r"properties: identify"),
        ({"type": "group", "user_id": "u"}, r"group_id: a group call needs the group's id"),
        ({"group_id": "g", "user_id": "u"}, r"group_id: only group calls"),
        ({"timestamp_format": "%Y", "user_id": "u"}, r"timestamp_format: there is no timestamp"),
        ({"timestamp": "t", "timestamp_format": "dd/mm", "user_id": "u"}, r"strptime format"),
        ({"traits": {"a": "b"}}, r"user_id: nothing says who a row is about"),
        ({"user_id": "u", "phone_region": "XX"}, r"phone_region: 'XX' is not a region code"),
        ({"user_id": "u", "traits": {"a": " "}}, r"traits.a: names and columns must not be"),
    ],
)
def test_model_errors_name_the_key_and_the_fix(data: dict[str, object], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        ImportMapping.model_validate(data)
    with pytest.raises(MappingError, match=match) as info:
        parse_mapping(data, "m.yml")
    assert info.value.fix


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match=r"user_idd: unknown key") as info:
        load_mapping(write(tmp_path, "user_idd: customer_no\n"))
    assert "did you mean 'user_id'?" in str(info.value)
    assert isinstance(info.value, ConfigError)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("user_id: u\ntype: alias\n", r"type: must be one of identify, track, page, screen, group"),
        ("user_id: [a, b]\n", r"user_id: must be text"),
        ("user_id: u\ntraits: fname\n", r"traits: must be a mapping.*indent 'name: column'"),
        ("user_id: u\ninfer_types: maybe\n", r"infer_types: must be true or false"),
        ("user_id: ''\nanonymous_id: a\n", r"user_id: must not be empty"),
        ("- a\n- b\n", r"must be a YAML mapping of key: value lines, not list"),
    ],
)
def test_yaml_errors(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(MappingError, match=match):
        load_mapping(write(tmp_path, text))


def test_missing_empty_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match=r"mapping file .*nope.yml does not exist"):
        load_mapping(tmp_path / "nope.yml")
    with pytest.raises(MappingError, match=r"is empty"):
        load_mapping(write(tmp_path, "\n"))
    with pytest.raises(MappingError, match=r"is not valid YAML at line \d+: expected"):
        load_mapping(write(tmp_path, "user_id: a\ntraits: {a: b\n"))


def test_check_columns_lists_the_files_columns() -> None:
    m = ImportMapping.model_validate(
        {"user_id": "customer_no", "traits": {"first_name": "fname"}, "timestamp": "created"}
    )
    m.check_columns(["customer_no", "fname", "created"], "crm.csv")
    with pytest.raises(MappingError, match=r"traits.first_name: column 'fname' is not in crm.csv"):
        m.check_columns(["customer_no", "first_name", "created_at"], "crm.csv")
    with pytest.raises(MappingError) as info:
        m.check_columns(["customer_no", "first_name", "created_at"], "crm.csv")
    text = str(info.value)
    assert "timestamp: column 'created'" in text
    assert "did you mean 'created_at'?" in text
    assert "use one of its columns: customer_no, first_name, created_at" in text


def test_dotted_columns_reach_into_objects() -> None:
    m = ImportMapping.model_validate({"user_id": "user.id"})
    m.check_columns(["user", "event"], "events.jsonl")
