"""Personalised messages through next best action and triggers, end to end, consent first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from vantage.activate.nba import load_catalogue
from vantage.activate.receiver import WebhookReceiver
from vantage.services import activation, activation_nba
from vantage.services import identity as identity_service
from vantage.services.activation_runtime import ActivationRuntime
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.genai_content import message_for
from vantage.services.live import LiveProfiles
from vantage.solutions.genai.messages import CustomerProfile

NOW = datetime.now(UTC)
SECRET = "g" * 32
CATALOGUE = """
control_share: 0
actions:
  - name: come-back
    kind: message
    value: 5
    message: {channel: email, goal: win back}
  - name: voucher
    value: 2
"""


def ingest(ctx: ServiceContext, messages: list[dict[str, Any]]) -> None:
    ctx.log.append([ctx.ingestor.prepare("web", messages, correct_skew=False)])


def identify(user: str, name: str, email: bool) -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": user,
        "messageId": f"id-{user}",
        "timestamp": (NOW - timedelta(hours=1)).isoformat(),
        "traits": {"email": f"{user}@example.com", "first_name": name},
        "context": {"consent": {"categoryPreferences": {"email": email, "advertising": True}}},
    }


def order(user: str) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "Order Completed",
        "userId": user,
        "messageId": f"o-{user}",
        "timestamp": NOW.isoformat(),
        "properties": {"revenue": 30},
    }


@pytest.fixture
def ctx(home: Path) -> ServiceContext:
    ctx = ServiceContext()
    ctx.workspace.init()
    ingest(ctx, [identify("ann", "Ann", True), identify("bob", "Bob", False)])
    compact_and_sync(ctx)
    identity_service.refresh(ctx)
    return ctx


@pytest.fixture
def live(ctx: ServiceContext) -> LiveProfiles:
    found = LiveProfiles(ctx.settings)
    found.load()
    found.poll()
    return found


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as found:
        yield found


def test_message_for_writes_only_with_consent_and_names_the_purpose(home: Path) -> None:
    settings = ServiceContext().settings
    allowed = CustomerProfile(customer_id="c1", first_name="Ann", consent={"sms_marketing": True})
    written = message_for(settings, allowed, "sms", goal="thank")
    assert written is not None
    assert written["purpose"] == "sms_marketing" and written["text"].startswith("Hi Ann!")
    assert written["method"] == "template" and written["invented"] == []
    assert message_for(settings, allowed, "email") is None


def test_next_best_message_carries_the_text_and_its_checks(
    ctx: ServiceContext, live: LiveProfiles
) -> None:
    catalogue = load_catalogue(CATALOGUE)
    ann = live.customer_of("email", "ann@example.com")
    bob = live.customer_of("email", "bob@example.com")
    assert ann is not None and bob is not None
    decided = activation_nba.next_best_action(ctx, ann, live=live, catalogue=catalogue)
    action = decided["action"]
    assert action["action"] == "come-back" and action["kind"] == "message"
    message = action["message"]
    assert (message["channel"], message["purpose"], message["goal"]) == (
        "email",
        "email_marketing",
        "win back",
    )
    assert message["subject"] == "We miss you, Ann!"
    assert "Ann" in message["text"] and message["method"] == "template"
    assert (message["invented"], message["problems"]) == ([], [])
    refused = activation_nba.next_best_action(ctx, bob, live=live, catalogue=catalogue)
    assert refused["action"]["action"] == "voucher" and "message" not in refused["action"]
    assert refused["ineligible"] == {"come-back": "no consent for email messages"}


def test_trigger_payload_carries_the_message_only_with_channel_consent(
    ctx: ServiceContext, live: LiveProfiles, receiver: WebhookReceiver
) -> None:
    activation.add_destination(
        ctx,
        {
            "name": "ads",
            "kind": "webhook",
            "purpose": "advertising",
            "url": receiver.url,
            "secret": SECRET,
        },
    )
    activation.add_trigger(
        ctx,
        {
            "name": "thanks",
            "when": {"event": "Order Completed"},
            "destination": "ads",
            "message": {"channel": "email", "goal": "thank"},
        },
    )
    runtime = ActivationRuntime(ctx.settings, live)
    runtime.start()
    try:
        ingest(ctx, [order("ann"), order("bob")])
        assert live.poll() == 2
        assert receiver.wait_for(2, 10)
        assert runtime.dispatcher.wait_idle(5)
    finally:
        runtime.stop()
    bodies = {r.body["event"]["userId"]: r.body for r in receiver.received}
    assert all(r.verified for r in receiver.received)
    ann = bodies["ann"]["message"]
    assert ann["text"] == "Hi Ann, thanks for shopping with us. See you soon!"
    assert (ann["purpose"], ann["invented"], ann["problems"]) == ("email_marketing", [], [])
    assert bodies["bob"]["message"] is None  # advertising allowed, e-mail consent refused


def test_nba_decide_prints_the_message(ctx: ServiceContext, live: LiveProfiles) -> None:
    from typer.testing import CliRunner

    from vantage.cli.main import app

    path = Path(ctx.settings.home) / "activate" / "actions.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CATALOGUE)
    ann = live.customer_of("email", "ann@example.com")
    assert ann is not None
    result = CliRunner().invoke(app, ["nba", "decide", ann, "--preview"])
    assert result.exit_code == 0, result.output
    assert "Next best action" in result.output and "come-back" in result.output
    assert "email message: We miss you, Ann!: Hi Ann," in result.output
