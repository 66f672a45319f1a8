"""Personalised messages in next best action and triggers: specs, eligibility, payload, consent."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

import pytest

from vantage.activate.consent_gate import ConsentGate
from vantage.activate.dispatcher import Dispatcher, RetryPolicy
from vantage.activate.nba import CustomerView, load_catalogue, rank
from vantage.activate.receiver import WebhookReceiver
from vantage.activate.specs import (
    MessageChannel,
    MessageGoal,
    MessageSpec,
    load_destination,
    load_trigger,
)
from vantage.activate.state import ActivationState, Delivery, new_delivery
from vantage.activate.triggers import TriggerEngine
from vantage.core.errors import ConfigError
from vantage.solutions.genai.messages import CHANNELS, GOALS

SECRET = "m" * 32
NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

CATALOGUE = """
control_share: 0
actions:
  - name: come-back
    kind: message
    value: 5
    message: {channel: email, goal: win back}
  - name: voucher
    value: 1
"""


@dataclass(frozen=True)
class Event:
    customer_id: str
    message: dict[str, Any]
    timestamp: float = 0.0


def test_message_fields_match_the_genai_channels_and_goals() -> None:
    assert set(get_args(MessageChannel)) == set(CHANNELS)
    assert set(get_args(MessageGoal)) == set(GOALS)


def test_a_message_action_needs_consent_for_its_channel() -> None:
    catalogue = load_catalogue(CATALOGUE)
    allowed = CustomerView(traits={}, scores={}, channels={"email": True})
    ranked, skipped = rank(catalogue, allowed)
    assert [r.action.name for r in ranked] == ["come-back", "voucher"]
    assert skipped == {}
    for channels in ({"email": False}, {"sms": True}, {}):
        ranked, skipped = rank(catalogue, CustomerView(traits={}, scores={}, channels=channels))
        assert [r.action.name for r in ranked] == ["voucher"]
        assert skipped == {"come-back": "no consent for email messages"}


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            {"name": "a", "kind": "offer", "value": 1, "message": {"channel": "email"}},
            "only actions of kind message carry a message (set kind: message)",
        ),
        (
            {"name": "a", "kind": "message", "value": 1, "message": {"channel": "fax"}},
            "actions.0.message.channel: Input should be 'email', 'sms', 'push' or 'web'",
        ),
        (
            {
                "name": "a",
                "kind": "message",
                "value": 1,
                "message": {"channel": "sms", "goal": "x"},
            },
            "actions.0.message.goal: Input should be 'recommend'",
        ),
    ],
)
def test_catalogue_message_errors_name_the_field(action: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_catalogue({"actions": [action]})


def test_trigger_message_errors_name_the_field() -> None:
    with pytest.raises(ConfigError, match=re.escape("message.channel: Input should be")):
        load_trigger(
            {"name": "t", "when": {"event": "x"}, "destination": "d", "message": {"channel": "fax"}}
        )


@pytest.fixture
def state(tmp_path: Path) -> ActivationState:
    state = ActivationState(tmp_path)
    state.add_destination(
        load_destination(
            {"name": "crm", "kind": "webhook", "purpose": "advertising", "url": "http://x/h"}
        )
    )
    return state


def test_a_trigger_with_message_puts_the_composed_message_in_the_payload(
    state: ActivationState,
) -> None:
    for name, message in (("with-message", {"channel": "sms", "goal": "thank"}), ("plain", None)):
        spec = {"name": name, "when": {"event": "Order Completed"}, "destination": "crm"}
        state.add_trigger(load_trigger({**spec, "message": message} if message else spec))
    asked: list[tuple[str, MessageSpec]] = []

    def compose(customer_id: str, spec: MessageSpec) -> dict[str, Any] | None:
        asked.append((customer_id, spec))
        return (
            {"text": f"Thanks {customer_id}", "purpose": "sms_marketing"}
            if customer_id == "c1"
            else None
        )

    sent: list[Delivery] = []
    engine = TriggerEngine(state, sent.extend, clock=lambda: NOON, compose=compose)
    engine.reload(force=True)
    order = {"type": "track", "event": "Order Completed", "properties": {}}
    engine.on_events([Event("c1", order), Event("c2", order)])
    payloads = {(d.trigger, d.customer_id): d.payload or {} for d in sent}
    assert payloads[("with-message", "c1")]["message"]["text"] == "Thanks c1"
    assert payloads[("with-message", "c2")]["message"] is None
    assert "message" not in payloads[("plain", "c1")]
    assert [(c, s.channel, s.goal) for c, s in asked] == [
        ("c1", "sms", "thank"),
        ("c2", "sms", "thank"),
    ]


def test_without_a_composer_the_payload_carries_no_message(state: ActivationState) -> None:
    state.add_trigger(
        load_trigger(
            {
                "name": "t",
                "when": {"event": "x"},
                "destination": "crm",
                "message": {"channel": "web"},
            }
        )
    )
    sent: list[Delivery] = []
    engine = TriggerEngine(state, sent.extend, clock=lambda: NOON)
    engine.reload(force=True)
    engine.on_events([Event("c1", {"type": "track", "event": "x"})])
    assert sent[0].payload is not None and sent[0].payload["message"] is None


def test_the_dispatcher_checks_the_message_purpose_right_before_the_send(tmp_path: Path) -> None:
    state = ActivationState(tmp_path / "home")
    gate = ConsentGate()
    now = time.time()
    for customer, email in (("yes", True), ("withdrew", False)):
        gate.set_decision(customer, "advertising", True, now)
        gate.set_decision(customer, "email_marketing", email, now)
    dispatcher = Dispatcher(state, gate.allowed, RetryPolicy(2, 0.01, 0.01))
    message = {"channel": "email", "text": "Hi", "purpose": "email_marketing"}
    try:
        with WebhookReceiver(SECRET) as receiver:
            spec = {"name": "ads", "kind": "webhook", "purpose": "advertising"}
            state.add_destination(load_destination({**spec, "url": receiver.url, "secret": SECRET}))
            dispatcher.start()
            dispatcher.submit(
                [
                    new_delivery("ads", c, "advertising", {"customer_id": c, "message": message})
                    for c in ("yes", "withdrew")
                ]
                + [new_delivery("ads", "withdrew", "advertising", {"customer_id": "withdrew"})]
            )
            assert dispatcher.wait_idle(5)
    finally:
        dispatcher.stop()
    got = sorted((r.body["customer_id"], "message" in r.body) for r in receiver.received)
    assert got == [("withdrew", False), ("yes", True)]
    blocked = [d for d in state.deliveries() if d.status == "blocked"]
    assert [(d.customer_id, d.last_error) for d in blocked] == [
        ("withdrew", "no consent for purpose 'email_marketing' of the message")
    ]
