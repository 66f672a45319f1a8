"""The ``profile`` node: parsing, builder, checks, real-time capability and typed comparison."""

from __future__ import annotations

import pytest

from vantage.segments.builder import profile
from vantage.segments.catalog import Catalog, check, realtime_blockers
from vantage.segments.evaluate import CustomerState, matches, profile_value
from vantage.segments.spec import ProfileCondition, SegmentSpecError, load_spec

CATALOG = Catalog(traits={}, profile={"city": "text", "vip": "boolean", "points": "number"})


def test_yaml_and_builder_give_the_same_profile_condition() -> None:
    yaml_spec = load_spec("name: leeds\nwhere: {profile: city, op: in, value: [Leeds, York]}\n")
    built = profile("city").isin(["Leeds", "York"]).to_spec("leeds")
    assert yaml_spec == built and isinstance(built.where, ProfileCondition)
    with pytest.raises(SegmentSpecError, match=r"where: op 'in' needs a non-empty list"):
        load_spec({"name": "x", "where": {"profile": "city", "op": "in", "value": "Leeds"}})


def test_profile_conditions_may_be_realtime() -> None:
    spec = ((profile("vip") == True) & (profile("points") > 10)).to_spec("v", realtime=True)  # noqa: E712
    check(spec, CATALOG)
    assert realtime_blockers(spec.where, CATALOG) == []


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("number", 3, 3.0),
        ("number", "3", None),
        ("number", True, None),
        ("boolean", True, True),
        ("boolean", 1, None),
        ("text", "Leeds", "Leeds"),
        ("text", ["a"], None),
        (None, "Leeds", "Leeds"),
    ],
)
def test_profile_values_are_compared_by_their_type(
    kind: str | None, value: object, expected: object
) -> None:
    assert profile_value(value, kind) == expected  # type: ignore[arg-type]


def test_a_missing_or_mistyped_value_matches_only_its_negation() -> None:
    leeds = (profile("city") == "Leeds").to_spec("leeds").where
    assert matches(leeds, CustomerState(profile={"city": "Leeds"}), CATALOG)
    assert not matches(leeds, CustomerState(profile={"city": 7}), CATALOG)
    not_leeds = (~(profile("city") == "Leeds")).to_spec("n").where
    assert matches(not_leeds, CustomerState(), CATALOG)
    vip = (profile("vip") == True).to_spec("v").where  # noqa: E712
    assert not matches(vip, CustomerState(profile={"vip": 1}), CATALOG)
    assert matches(vip, CustomerState(profile={"vip": True}), CATALOG)


def test_exists_is_true_for_any_value_but_null() -> None:
    tags = (profile("city").exists()).to_spec("t").where
    assert matches(tags, CustomerState(profile={"city": ["a", "b"]}), CATALOG)
    assert matches(tags, CustomerState(profile={"city": 7}), CATALOG)
    assert not matches(tags, CustomerState(profile={"city": None}), CATALOG)
    assert not matches(tags, CustomerState(), CATALOG)
