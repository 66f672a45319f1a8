"""Trigger definitions, matching, delays, quiet hours and frequency caps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vantage.activate.specs import load_destination, load_trigger, parse_duration
from vantage.activate.state import ActivationError, ActivationState, Delivery
from vantage.activate.triggers import TriggerEngine, due_time, event_matches, quiet_until
from vantage.core.errors import ConfigError

NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Event:
    customer_id: str
    message: dict[str, Any]
    timestamp: float = 0.0


@dataclass(frozen=True)
class Change:
    customer_id: str
    segment: str
    entered: bool
    at: datetime = field(default=NOON)


def order(revenue: float, name: str = "Order Completed") -> dict[str, Any]:
    return {"type": "track", "event": name, "properties": {"revenue": revenue, "cart": {"n": 2}}}


@pytest.fixture
def state(tmp_path: Path) -> ActivationState:
    state = ActivationState(tmp_path)
    state.add_destination(
        load_destination(
            {"name": "crm", "kind": "webhook", "purpose": "email_marketing", "url": "http://x/h"}
        )
    )
    return state


def engine(state: ActivationState) -> tuple[TriggerEngine, list[Delivery]]:
    sent: list[Delivery] = []
    found = TriggerEngine(state, sent.extend, clock=lambda: NOON)
    found.reload(force=True)
    return found, sent


def test_durations() -> None:
    assert parse_duration("90s") == 90
    assert parse_duration("10m") == 600
    assert parse_duration("1.5h") == 5400
    assert parse_duration("2d") == 172800
    with pytest.raises(ValueError, match=r"write e\.g\. 30s"):
        parse_duration("soon")


def test_event_conditions() -> None:
    trigger = load_trigger(
        {
            "name": "big",
            "when": {
                "event": "Order Completed",
                "where": [
                    {"property": "revenue", "op": ">=", "value": 100},
                    {"property": "cart.n", "op": "in", "value": [1, 2]},
                ],
            },
            "destination": "crm",
        }
    )
    when = trigger.when
    assert event_matches(when, order(150))  # type: ignore[arg-type]
    assert not event_matches(when, order(50))  # type: ignore[arg-type]
    assert not event_matches(when, order(150, "Product Viewed"))  # type: ignore[arg-type]
    text = {"type": "track", "event": "Order Completed", "properties": {"revenue": "lots"}}
    assert not event_matches(when, text)  # type: ignore[arg-type]


def test_quiet_hours_across_midnight_in_the_local_zone() -> None:
    trigger = load_trigger(
        """
        name: late
        when: {event: Order Completed}
        destination: crm
        quiet_hours: {start: "21:00", end: "08:00", timezone: Europe/London}
        """
    )
    quiet = trigger.quiet_hours
    assert quiet is not None
    # 22:30 London time in summer (BST, UTC+1) is 21:30 UTC: wait until 08:00 BST = 07:00 UTC.
    late = datetime(2026, 6, 1, 21, 30, tzinfo=UTC)
    assert quiet_until(quiet, late) == datetime(2026, 6, 2, 7, 0, tzinfo=UTC)
    early = datetime(2026, 6, 2, 5, 0, tzinfo=UTC)  # 06:00 BST
    assert quiet_until(quiet, early) == datetime(2026, 6, 2, 7, 0, tzinfo=UTC)
    assert quiet_until(quiet, NOON) is None
    # In winter (GMT) the same local window ends at 08:00 UTC.
    winter = datetime(2026, 1, 10, 23, 0, tzinfo=UTC)
    assert quiet_until(quiet, winter) == datetime(2026, 1, 11, 8, 0, tzinfo=UTC)


def test_delay_then_quiet_hours() -> None:
    trigger = load_trigger(
        {
            "name": "d",
            "when": {"event": "x"},
            "destination": "crm",
            "delay": "10h",
            "quiet_hours": {"start": "21:00", "end": "08:00", "timezone": "UTC"},
        }
    )
    assert due_time(trigger, NOON) == datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
    assert due_time(trigger.model_copy(update={"delay": 60.0}), NOON).minute == 1


def test_event_trigger_fires_with_frequency_cap(state: ActivationState) -> None:
    state.add_trigger(
        load_trigger(
            {
                "name": "thanks",
                "when": {"event": "Order Completed"},
                "destination": "crm",
                "delay": "5m",
                "frequency_cap": {"max": 1, "per": "1d"},
            }
        )
    )
    found, sent = engine(state)
    found.on_events([Event("c1", order(10)), Event("c1", order(20)), Event("c2", order(5))])
    assert [d.customer_id for d in sent] == ["c1", "c2"]
    first = sent[0]
    assert first.trigger == "thanks" and first.purpose == "email_marketing"
    assert first.due_at == NOON.timestamp() + 300
    assert first.payload is not None
    assert first.payload["event"]["properties"]["revenue"] == 10
    assert first.payload["kind"] == "event"


def test_segment_trigger_follows_the_direction(state: ActivationState) -> None:
    state.add_trigger(
        load_trigger({"name": "vip-in", "when": {"segment": "vip"}, "destination": "crm"})
    )
    state.add_trigger(
        load_trigger(
            {
                "name": "vip-out",
                "when": {"segment": "vip", "change": "exited"},
                "destination": "crm",
            }
        )
    )
    found, sent = engine(state)
    found.on_membership(
        [Change("c1", "vip", True), Change("c2", "vip", False), Change("c3", "other", True)]
    )
    assert sorted((d.trigger, d.customer_id) for d in sent) == [
        ("vip-in", "c1"),
        ("vip-out", "c2"),
    ]
    assert {d.payload["kind"] for d in sent if d.payload} == {"segment_entered", "segment_exited"}


def test_reload_sees_new_triggers(state: ActivationState) -> None:
    found, sent = engine(state)
    found.on_events([Event("c1", order(1))])
    assert sent == []
    state.add_trigger(
        load_trigger({"name": "t", "when": {"event": "Order Completed"}, "destination": "crm"})
    )
    found.reload()
    found.on_events([Event("c1", order(1))])
    assert len(sent) == 1


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        (
            {"name": "t", "when": {"event": "x"}, "destination": "crm", "delay": "soon"},
            "delay: Value error, 'soon' is not a duration",
        ),
        ({"name": "Bad Name", "when": {"event": "x"}, "destination": "crm"}, "name: String"),
        (
            {
                "name": "t",
                "when": {"event": "x"},
                "destination": "crm",
                "quiet_hours": {"start": "21:00", "end": "08:00", "timezone": "Mars/Base"},
            },
            "quiet_hours.timezone: Value error, unknown time zone 'Mars/Base'",
        ),
        (
            {
                "name": "t",
                "when": {"event": "x", "where": [{"property": "p", "op": "~"}]},
                "destination": "crm",
            },
            "op: Input should be",
        ),
    ],
)
def test_trigger_errors_name_the_field(definition: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match="Invalid trigger") as info:
        load_trigger(definition)
    assert message in info.value.message
    assert info.value.fix is not None and "docs/activation.md" in info.value.fix


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"name": "h", "kind": "webhook", "purpose": "x", "url": "ftp://x"}, "url: String"),
        ({"name": "h", "kind": "carrier-pigeon", "purpose": "x"}, "Input tag 'carrier-pigeon'"),
        ({"name": "h", "kind": "file", "purpose": "x"}, "folder: Field required"),
        (
            {"name": "h", "kind": "ads", "purpose": "x", "folder": "f", "platform": "tiktok"},
            "platform: Input should be 'google' or 'meta'",
        ),
    ],
)
def test_destination_errors_name_the_field(definition: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match="Invalid destination") as info:
        load_destination(definition)
    assert message in info.value.message


def test_yaml_syntax_error_and_unknown_destination(state: ActivationState) -> None:
    with pytest.raises(ConfigError, match="not valid YAML or JSON"):
        load_trigger("name: [unclosed")
    with pytest.raises(ActivationError, match="Unknown destination 'nowhere'"):
        state.add_trigger(
            load_trigger({"name": "t", "when": {"event": "x"}, "destination": "nowhere"})
        )
    with pytest.raises(ActivationError, match="already exists"):
        state.add_destination(state.destination("crm"))


def test_a_definition_must_be_a_mapping() -> None:
    with pytest.raises(ConfigError, match="must be a mapping of fields"):
        load_destination("- just\n- a list\n")
