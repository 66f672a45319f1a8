"""The segment language: parsing YAML/JSON, node shapes, and errors that name the path."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from vantage.segments.spec import (
    AllOf,
    EventCondition,
    NotOf,
    SegmentSpec,
    SegmentSpecError,
    TraitCondition,
    load_spec,
    parse_duration,
)

YAML = """
name: engaged
description: Buys often or is likely to, and can be e-mailed
realtime: false
where:
  all:
    - any:
        - {trait: orders_30d, op: ">=", value: 2}
        - {prediction: propensity_30d, op: ">", value: 0.7}
    - {consent: email_marketing}
    - not: {segment: churned}
    - event: Order Completed
      count: {op: ">=", value: 1}
      within: 90d
      where: {property: revenue, op: ">", value: 50}
    - {did: Product Viewed, not_followed_by: Order Completed, within: 1d}
"""


def test_yaml_and_json_give_the_same_spec(tmp_path: Path) -> None:
    spec = load_spec(YAML)
    assert spec.name == "engaged" and isinstance(spec.where, AllOf)
    assert isinstance(spec.where.all[2], NotOf)
    assert isinstance(spec.where.all[3], EventCondition) and spec.where.all[3].within == "90d"
    as_json = spec.model_dump_json(by_alias=True)
    assert load_spec(as_json) == spec
    file = tmp_path / "engaged.yml"
    file.write_text(YAML)
    assert load_spec(file) == spec == load_spec(str(file))
    assert load_spec(spec.to_dict()) == spec
    assert SegmentSpec.model_validate(spec.to_dict()) == spec


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (
            {"all": [{"trait": "orders"}, {"trait": "x", "op": "in", "value": 3}]},
            r"where.all\[0\]: op '=' needs one number",
        ),
        (
            {
                "all": [
                    {"trait": "orders", "op": ">", "value": 1},
                    {"trait": "x", "op": "in", "value": 3},
                ]
            },
            r"where.all\[1\]: op 'in' needs a non-empty list",
        ),
        ({"any": []}, r"where.any: needs a non-empty list"),
        ({"not": {"trait": "a", "op": "~", "value": 1}}, r"where.not.op: Input should be"),
        ({"trait": "a", "consent": "b"}, r"where: a condition needs exactly one of the keys"),
        ({"orders": 3}, r"found: orders"),
        ({"event": "Order Completed", "within": "30 days"}, r"where.within: duration '30 days'"),
        ({"event": "E", "where": {"property": "a; drop", "value": 1}}, r"where.where.property"),
        ({"prediction": "p", "op": ">", "value": "high"}, r"must be a number|valid number"),
        ({"trait": "t", "op": ">", "value": 2**80}, r"out of range"),
        ({"trait": "t", "op": "=", "value": "a\x00b"}, r"without NUL"),
        ({"all": [{"consent": "email_marketing", "granted": "maybe"}]}, r"where.all\[0\].granted"),
        (["trait"], r"where: a condition must be a mapping"),
    ],
)
def test_errors_name_the_offending_path(where: object, message: str) -> None:
    with pytest.raises(SegmentSpecError, match=message) as info:
        load_spec({"name": "s", "where": where})
    assert info.value.fix


def test_names_and_documents_are_checked() -> None:
    with pytest.raises(SegmentSpecError, match="segment name 'Big Spenders' must be"):
        load_spec({"name": "Big Spenders", "where": {"consent": "email_marketing"}})
    with pytest.raises(SegmentSpecError, match="not valid YAML or JSON"):
        load_spec("name: [unclosed\n")
    with pytest.raises(SegmentSpecError, match="must be a mapping with name, where"):
        load_spec("- a\n- b\n")
    with pytest.raises(SegmentSpecError, match="No segment file"):
        load_spec(Path("missing.yml"))
    with pytest.raises(SegmentSpecError, match="where: Field required"):
        load_spec({"name": "s"})
    with pytest.raises(SegmentSpecError, match="colour: Extra inputs"):
        load_spec({"name": "s", "where": {"consent": "email_marketing"}, "colour": "red"})


def test_durations() -> None:
    assert parse_duration("30d") == timedelta(days=30)
    assert parse_duration(" 12h ") == timedelta(hours=12)
    assert parse_duration("2w") == timedelta(weeks=2)
    assert parse_duration("15m") == timedelta(minutes=15)
    for bad in ("0d", "1y", "d", "-3d", "9999999w"):
        with pytest.raises(ValueError, match="positive whole number"):
            parse_duration(bad)


def test_values_with_quotes_stay_plain_data() -> None:
    spec = load_spec(
        {
            "name": "s",
            "where": {"trait": "favourite_category", "value": "x'; DROP TABLE events; --"},
        }
    )
    assert isinstance(spec.where, TraitCondition)
    assert spec.where.value == "x'; DROP TABLE events; --"
