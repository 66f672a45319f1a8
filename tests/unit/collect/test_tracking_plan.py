"""Tracking plans: validation of the plan, verdicts per policy, the cache, violations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vantage.collect.ingest import Ingestor
from vantage.collect.sources import SourceRegistry
from vantage.collect.tracking_plan import (
    BrokenPlan,
    PlanCache,
    TrackingPlan,
    TrackingPlanError,
    ViolationLog,
    checker_for_registry,
)
from vantage.core.events import Event

ORDER = {
    "type": "object",
    "properties": {
        "revenue": {"type": "number"},
        "currency": {"type": "string", "enum": ["EUR", "USD"]},
        "products": {"type": "array", "items": {"type": "object", "required": ["sku"]}},
    },
    "required": ["revenue"],
    "additionalProperties": False,
}
TRAITS = {"type": "object", "properties": {"email": {"type": "string", "format": "email"}}}


def plan(violations: str = "allow", unplanned: str = "allow") -> TrackingPlan:
    return TrackingPlan.from_dict(
        {
            "events": {"Order Completed": ORDER, "Signed Up": True},
            "traits": TRAITS,
            "policy": {"unplanned": unplanned, "violations": violations},
        }
    )


def track(name: str = "Order Completed", **properties: Any) -> Event:
    event = Event.model_validate(
        {"type": "track", "userId": "u", "event": name, "properties": properties}
    )
    return event.stamp(datetime.now(UTC))


def test_valid_event_passes_untouched() -> None:
    event = track(revenue=10, currency="EUR", products=[{"sku": "a"}])
    verdict = plan("block").check(event)
    assert verdict.event is event and verdict.violations == []


def test_allow_keeps_the_event_and_records() -> None:
    verdict = plan("allow").check(track(revenue="ten"))
    assert verdict.event is not None and verdict.event.properties == {"revenue": "ten"}
    assert verdict.violations == [
        "track 'Order Completed': properties.revenue: 'ten' is not of type 'number' [allowed]"
    ]


def test_block_refuses_the_event() -> None:
    verdict = plan("block").check(track(revenue=1, currency="GBP"))
    assert verdict.event is None
    assert (
        "properties.currency: 'GBP' is not one of ['EUR', 'USD'] [event blocked]"
        in (verdict.violations[0])
    )


def test_drop_properties_removes_only_offenders() -> None:
    event = track(revenue=5, currency="GBP", products=[{"name": "x"}], coupon="X1")
    verdict = plan("drop_properties").check(event)
    assert verdict.event is not None
    assert verdict.event.properties == {"revenue": 5}
    assert event.properties["coupon"] == "X1"  # the original is not modified
    assert len(verdict.violations) == 3
    assert any(
        "properties.products[0]: 'sku' is a required property" in v for v in verdict.violations
    )
    assert all(v.endswith("[property dropped]") for v in verdict.violations)


def test_missing_required_property_cannot_be_dropped() -> None:
    verdict = plan("drop_properties").check(track(currency="EUR"))
    assert verdict.event is not None and verdict.event.properties == {"currency": "EUR"}
    assert verdict.violations == [
        "track 'Order Completed': properties: 'revenue' is a required property "
        "[kept: nothing to drop]"
    ]


def test_unplanned_events() -> None:
    allowed = plan(unplanned="allow").check(track("Something Else", a=1))
    assert allowed.event is not None and allowed.violations == []
    blocked = plan(unplanned="block").check(track("Something Else"))
    assert blocked.event is None
    assert blocked.violations == ["track 'Something Else': unplanned event [event blocked]"]
    planned_without_rules = plan(unplanned="block").check(track("Signed Up", anything=1))
    assert planned_without_rules.event is not None


def test_identify_traits_are_checked() -> None:
    event = Event.model_validate(
        {"type": "identify", "userId": "u", "traits": {"email": "nope", "name": "Ann"}}
    ).stamp(datetime.now(UTC))
    verdict = plan("drop_properties").check(event)
    assert verdict.event is not None and verdict.event.traits == {"name": "Ann"}
    assert verdict.violations == [
        "identify: traits.email: 'nope' is not a 'email' [property dropped]"
    ]
    page = Event.model_validate({"type": "page", "userId": "u", "name": "Home"})
    assert plan("block").check(page).event is page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "A tracking plan must be a JSON object, not list."),
        ({"evnts": {}}, r"Unknown tracking plan key\(s\): evnts\."),
        ({"events": []}, "'events' must be an object mapping event names to schemas"),
        (
            {"events": {"E": "x"}},
            r"events\['E'\] must be a JSON Schema object \(or true\), not str",
        ),
        (
            {"events": {"E": {"type": "nope"}}},
            r"events\['E'\]\['type'\] is not a valid JSON Schema",
        ),
        ({"events": {"E": {"$ref": "http://x/s.json"}}}, "only local references"),
        ({"traits": {"minLength": -1}}, r"traits\['minLength'\] is not a valid JSON Schema"),
        ({"policy": "block"}, "'policy' must be an object"),
        ({"policy": {"unplanned": "drop"}}, "policy.unplanned is 'drop'"),
        ({"policy": {"violations": "x"}}, "policy.violations is 'x'"),
        ({"policy": {"mode": "x"}}, r"Unknown tracking plan policy key\(s\): mode\."),
    ],
)
def test_invalid_plans_name_the_problem(data: Any, message: str) -> None:
    with pytest.raises(TrackingPlanError, match=message) as info:
        TrackingPlan.from_dict(data)
    assert info.value.fix


def test_local_refs_and_metadata_are_fine() -> None:
    data = {
        "name": "web plan",
        "version": 2,
        "events": {
            "E": {
                "$defs": {"money": {"type": "number"}},
                "properties": {"price": {"$ref": "#/$defs/money"}},
            }
        },
    }
    verdict = TrackingPlan.from_dict(data).check(track("E", price="x"))
    assert verdict.violations and "price" in verdict.violations[0]


def test_plan_cache_follows_the_registry(home: Path) -> None:
    registry = SourceRegistry(home)
    registry.add("web")
    now = [0.0]
    cache = PlanCache(registry, ttl_s=2.0, clock=lambda: now[0])
    assert cache("web") is None and cache("unknown") is None
    registry.set_tracking_plan("web", {"policy": {"unplanned": "block"}})
    assert cache("web") is None
    now[0] = 3.0
    first = cache("web")
    assert isinstance(first, TrackingPlan) and first.policy.unplanned == "block"
    now[0] = 6.0
    assert cache("web") is first  # unchanged plan: not recompiled
    registry.set_tracking_plan("web", None)
    cache.invalidate("web")
    assert cache("web") is None
    assert isinstance(checker_for_registry(registry), PlanCache)


def test_a_stored_invalid_plan_lets_events_through_with_a_violation(home: Path) -> None:
    registry = SourceRegistry(home)
    registry.add("web")
    registry.set_tracking_plan("web", {"events": {"E": {"type": "nope"}}})
    checker = PlanCache(registry)("web")
    assert isinstance(checker, BrokenPlan)
    verdict = checker.check(track("E"))
    assert verdict.event is not None
    assert verdict.violations[0].startswith("tracking plan not applied, it is invalid: ")


def test_violation_log(home: Path) -> None:
    log = ViolationLog(home)
    log("web", "m1", ["a", "b"])
    assert log.pending == 2
    assert log.count() == 2 and log.pending == 0
    log.record("app", "m2", ["c"])
    newest = log.list()
    assert [(v["source"], v["message_id"], v["violation"]) for v in newest] == [
        ("app", "m2", "c"),
        ("web", "m1", "b"),
        ("web", "m1", "a"),
    ]
    assert [v["violation"] for v in log.list(source="web", limit=1)] == ["b"]
    assert log.count("app") == 1
    assert ViolationLog(home).count() == 3


def test_ingestor_applies_plans_and_reports_violations(home: Path) -> None:
    registry = SourceRegistry(home)
    registry.add("web")
    registry.set_tracking_plan(
        "web", {"events": {"Order Completed": ORDER}, "policy": {"violations": "block"}}
    )
    violations = ViolationLog(home)
    ingestor = Ingestor(checker_for=checker_for_registry(registry), on_violation=violations)
    submission = ingestor.prepare(
        "web",
        [
            {
                "type": "track",
                "userId": "u",
                "event": "Order Completed",
                "properties": {"revenue": 1},
            },
            {"type": "track", "userId": "u", "event": "Order Completed", "messageId": "bad"},
        ],
    )
    assert len(submission.records) == 1 and len(submission.rejected) == 1
    assert submission.rejected[0].field == "tracking_plan"
    assert "'revenue' is a required property" in submission.rejected[0].reason
    assert [v["message_id"] for v in violations.list()] == ["bad"]
