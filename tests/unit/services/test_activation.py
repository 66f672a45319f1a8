"""Activation end to end: live events, triggers, consent, webhooks, exports, next best action."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from vantage.activate.receiver import WebhookReceiver
from vantage.activate.state import ActivationError, ConflictError
from vantage.core.errors import ConfigError
from vantage.services import activation, activation_nba
from vantage.services import identity as identity_service
from vantage.services.activation_runtime import ActivationRuntime
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.live import LiveProfiles
from vantage.services.realtime_bus import MembershipChange, bus_for

NOW = datetime.now(UTC)
SECRET = "k" * 32


def _at(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).isoformat()


def ingest(ctx: ServiceContext, messages: list[dict[str, Any]]) -> None:
    ctx.log.append([ctx.ingestor.prepare("web", messages, correct_skew=False)])


def identify(user: str, email: str, granted: bool) -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": user,
        "messageId": f"id-{user}",
        "timestamp": _at(60),
        "traits": {"email": email, "first_name": user.upper()},
        "context": {"consent": {"categoryPreferences": {"email": granted, "advertising": granted}}},
    }


def order(user: str, message_id: str, revenue: float) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "Order Completed",
        "userId": user,
        "messageId": message_id,
        "timestamp": _at(0),
        "properties": {"revenue": revenue},
    }


@pytest.fixture
def ctx(home: Path) -> ServiceContext:
    ctx = ServiceContext()
    ctx.workspace.init()
    ingest(ctx, [identify("u1", "ann@example.com", True), identify("u2", "bob@example.com", False)])
    compact_and_sync(ctx)
    identity_service.refresh(ctx)
    return ctx


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as found:
        yield found


def hook(ctx: ServiceContext, url: str, name: str = "crm") -> dict[str, Any]:
    return activation.add_destination(
        ctx,
        {
            "name": name,
            "kind": "webhook",
            "purpose": "email_marketing",
            "url": url,
            "secret": SECRET,
        },
    )


def test_destination_crud_and_test_send(home: Path, receiver: WebhookReceiver) -> None:
    ctx = ServiceContext()
    made = hook(ctx, receiver.url)
    assert made["secret"] == SECRET and "secret" not in activation.list_destinations(ctx)[0]
    result = activation.test_destination(ctx, "crm")
    assert result["ok"] and result["status_code"] == 200
    assert receiver.received[0].verified is True
    assert activation.get_destination(ctx, "crm")["deliveries"] == {"sent": 1}
    with pytest.raises(ConflictError, match="already exists"):
        hook(ctx, receiver.url)
    activation.add_trigger(ctx, "name: t\nwhen: {event: x}\ndestination: crm\n")
    with pytest.raises(ConflictError, match=r"used by trigger\(s\) t"):
        activation.remove_destination(ctx, "crm")
    activation.remove_trigger(ctx, "t")
    activation.remove_destination(ctx, "crm")
    assert activation.list_destinations(ctx) == []


def test_unknown_customers_have_no_consent_and_are_not_exported(home: Path, tmp_path: Path) -> None:
    ctx = ServiceContext()
    activation.add_destination(
        ctx, {"name": "f", "kind": "file", "purpose": "analytics", "folder": str(tmp_path)}
    )
    result = activation.export_audience(ctx, "f", ["c1"])
    assert (result["exported"], result["blocked"]) == (0, 1)
    assert Path(result["file"]).is_file()
    assert [d.status for d in activation.deliveries(ctx, destination="f")] == ["blocked"]


def test_unknown_purpose_is_refused(home: Path) -> None:
    with pytest.raises(ConfigError, match="purpose: unknown consent purpose 'spam'") as info:
        activation.add_destination(
            ServiceContext(), {"name": "x", "kind": "webhook", "purpose": "spam", "url": "http://x"}
        )
    assert info.value.fix is not None and "email_marketing" in info.value.fix


def test_live_event_to_webhook_only_with_consent(
    ctx: ServiceContext, receiver: WebhookReceiver
) -> None:
    hook(ctx, receiver.url)
    activation.add_trigger(
        ctx,
        {
            "name": "thanks",
            "when": {
                "event": "Order Completed",
                "where": [{"property": "revenue", "op": ">", "value": 5}],
            },
            "destination": "crm",
        },
    )
    live = LiveProfiles(ctx.settings)
    runtime = ActivationRuntime(ctx.settings, live)
    live.load()
    live.poll()
    runtime.start()
    try:
        ingest(ctx, [order("u1", "o1", 20), order("u2", "o2", 20), order("u1", "o3", 1)])
        assert live.poll() == 3
        assert receiver.wait_for(1, 5)
        assert runtime.dispatcher.wait_idle(5)
    finally:
        runtime.stop()
    (got,) = receiver.received
    assert got.verified is True
    assert got.body["trigger"] == "thanks"
    assert got.body["event"]["messageId"] == "o1"
    statuses = sorted(d.status for d in activation.deliveries(ctx))
    assert statuses == ["blocked", "sent"]  # u2 denied e-mail consent: never sent


def test_consent_in_a_live_event_applies_at_once(
    ctx: ServiceContext, receiver: WebhookReceiver
) -> None:
    hook(ctx, receiver.url)
    activation.add_trigger(
        ctx, {"name": "t", "when": {"event": "Order Completed"}, "destination": "crm"}
    )
    live = LiveProfiles(ctx.settings)
    runtime = ActivationRuntime(ctx.settings, live)
    live.load()
    live.poll()
    runtime.start()
    try:
        withdraw = identify("u1", "ann@example.com", False) | {
            "messageId": "w1",
            "timestamp": _at(1),
        }
        ingest(ctx, [withdraw, order("u1", "o9", 30)])
        live.poll()
        assert runtime.dispatcher.wait_idle(5)
    finally:
        runtime.stop()
    assert receiver.received == []
    assert [d.status for d in activation.deliveries(ctx)] == ["blocked"]


def test_segment_membership_from_the_bus(ctx: ServiceContext, receiver: WebhookReceiver) -> None:
    hook(ctx, receiver.url)
    activation.add_trigger(ctx, {"name": "vip", "when": {"segment": "vip"}, "destination": "crm"})
    live = LiveProfiles(ctx.settings)
    runtime = ActivationRuntime(ctx.settings, live)
    live.load()
    live.poll()
    runtime.start()
    customer = live.customer_of("email", "ann@example.com")
    assert customer is not None
    try:
        bus_for(live).publish_membership([MembershipChange(customer, "vip", True, NOW)])
        assert receiver.wait_for(1, 5)
    finally:
        runtime.stop()
    assert receiver.received[0].body["kind"] == "segment_entered"
    assert receiver.received[0].body["customer_id"] == customer


def test_ad_list_export_leaves_out_customers_without_consent(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    activation.add_destination(
        ctx,
        {"name": "google", "kind": "ads", "purpose": "advertising", "folder": str(tmp_path)},
    )
    from vantage.services.warehouse import open_warehouse

    with open_warehouse(ctx.settings) as store:
        customers = sorted(set(store.execute(store.table("identity_map")).customer_id))
    result = activation.export_audience(ctx, "google", customers)
    assert (result["exported"], result["blocked"]) == (1, 1)
    frame = pd.read_csv(result["file"], dtype=str)
    import hashlib

    assert list(frame["Email"]) == [hashlib.sha256(b"ann@example.com").hexdigest()]
    audit = {d.status for d in activation.deliveries(ctx, destination="google")}
    assert audit == {"sent", "blocked"}
    with pytest.raises(ActivationError, match="is a webhook"):
        hook(ctx, "http://127.0.0.1:9/x", name="hook")
        activation.export_audience(ctx, "hook", customers)


CATALOGUE = """
control_share: 0.0
outcome_window: 1d
actions:
  - name: thank-you
    value: 20
    base_rate: 0.2
    goal_event: Order Completed
  - name: newsletter
    value: 1
    consent: email_marketing
  - name: vip-voucher
    value: 100
    segments: [vip]
"""


def test_next_best_action_logs_and_learns_the_outcome(ctx: ServiceContext) -> None:
    with pytest.raises(ActivationError, match="No action catalogue"):
        activation_nba.next_best_action(ctx, "nobody")
    path = Path(ctx.settings.home) / "activate" / "actions.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CATALOGUE)
    live = LiveProfiles(ctx.settings)
    live.load()
    live.poll()
    customer = live.customer_of("email", "bob@example.com")
    assert customer is not None
    decided = activation_nba.next_best_action(ctx, customer, live=live)
    assert decided["group"] == "treatment"
    assert decided["action"]["action"] == "thank-you"
    assert decided["action"]["basis"] == "rule"
    assert decided["ineligible"] == {
        "newsletter": "no consent for email_marketing",
        "vip-voucher": "not in segment(s) vip",
    }
    runtime = ActivationRuntime(ctx.settings, live)
    runtime.start()
    try:
        ingest(ctx, [order("u2", "o5", 42.0)])
        live.poll()
    finally:
        runtime.stop()
    (row,) = activation_nba.report(ctx)[1:]
    assert (row.action, row.treated, row.treated_conversions, row.value) == (
        "thank-you",
        1,
        1,
        42.0,
    )
    with pytest.raises(ActivationError, match="already has an outcome"):
        activation_nba.record_outcome(ctx, decided["decision_id"], converted=False)
