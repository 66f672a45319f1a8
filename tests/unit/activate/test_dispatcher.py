"""Webhook deliveries through real local HTTP servers: signing, retries, dead letters, isolation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vantage.activate.consent_gate import ConsentGate
from vantage.activate.dispatcher import Dispatcher, RetryPolicy
from vantage.activate.receiver import WebhookReceiver
from vantage.activate.specs import load_destination
from vantage.activate.state import ActivationState, new_delivery
from vantage.activate.webhook import sign, verify_signature

SECRET = "s" * 32


@pytest.fixture
def state(tmp_path: Path) -> ActivationState:
    return ActivationState(tmp_path / "home")


def _hook(state: ActivationState, name: str, url: str, **extra: object) -> None:
    spec = {"name": name, "kind": "webhook", "purpose": "email_marketing", "url": url}
    state.add_destination(load_destination({**spec, "secret": SECRET, **extra}))


@pytest.fixture
def dispatcher(state: ActivationState) -> Iterator[Dispatcher]:
    everyone = Dispatcher(state, lambda _c, _p: True, RetryPolicy(4, base_s=0.01, cap_s=0.05))
    yield everyone
    everyone.stop()


def _send(dispatcher: Dispatcher, destination: str, customer: str = "c1") -> str:
    delivery = new_delivery(destination, customer, "email_marketing", {"customer_id": customer})
    dispatcher.submit([delivery])
    return delivery.id


def test_signature_round_trip_and_tamper() -> None:
    body = b'{"a": 1}'
    header = sign(SECRET, body, int(time.time()))
    assert verify_signature(SECRET, header, body)
    assert not verify_signature(SECRET, header, b'{"a": 2}')
    assert not verify_signature("x" * 32, header, body)
    old = sign(SECRET, body, int(time.time()) - 3600)
    assert not verify_signature(SECRET, old, body)
    assert not verify_signature(SECRET, None, body)


def test_delivered_signed_and_audited(state: ActivationState, dispatcher: Dispatcher) -> None:
    with WebhookReceiver(SECRET) as receiver:
        _hook(state, "crm", receiver.url)
        dispatcher.start()
        sent = _send(dispatcher, "crm")
        assert receiver.wait_for(1, 5)
        assert dispatcher.wait_idle(5)
    arrived = receiver.received[0]
    assert arrived.verified is True
    assert arrived.body == {"customer_id": "c1"}
    assert receiver.delivery_ids() == [sent]
    (row,) = state.deliveries(destination="crm")
    assert (row.status, row.attempts, row.response_status) == ("sent", 1, 200)
    assert row.sent_at is not None


def test_retries_with_backoff_then_succeeds(state: ActivationState, dispatcher: Dispatcher) -> None:
    with WebhookReceiver(SECRET, fail_first=2) as receiver:
        _hook(state, "flaky", receiver.url)
        dispatcher.start()
        _send(dispatcher, "flaky")
        assert receiver.wait_for(1, 5)
        assert dispatcher.wait_idle(5)
    assert receiver.requests == 3
    (row,) = state.deliveries(destination="flaky")
    assert (row.status, row.attempts) == ("sent", 3)


def test_dead_letter_then_requeue(state: ActivationState, dispatcher: Dispatcher) -> None:
    with WebhookReceiver(SECRET, fail_first=3, fail_status=500) as receiver:
        _hook(state, "down", receiver.url, max_attempts=3)
        dispatcher.start()
        _send(dispatcher, "down")
        assert dispatcher.wait_idle(5)
        (dead,) = state.deliveries(status="dead")
        assert dead.attempts == 3
        assert dead.last_error is not None and "HTTP 500" in dead.last_error
        assert dead.payload == {"customer_id": "c1"}
        # The endpoint recovered: re-queued dead letters go out.
        assert len(state.requeue_dead("down")) == 1
        assert dispatcher.adopt_pending() == 1
        assert receiver.wait_for(1, 5)
        assert dispatcher.wait_idle(5)
    assert state.deliveries(destination="down")[0].status == "sent"


def test_client_errors_are_not_retried(state: ActivationState, dispatcher: Dispatcher) -> None:
    with WebhookReceiver(SECRET, fail_first=5, fail_status=400) as receiver:
        _hook(state, "strict", receiver.url)
        dispatcher.start()
        _send(dispatcher, "strict")
        assert dispatcher.wait_idle(5)
    assert receiver.requests == 1
    assert state.deliveries()[0].status == "dead"


def test_a_slow_endpoint_never_delays_another(
    state: ActivationState, dispatcher: Dispatcher
) -> None:
    with (
        WebhookReceiver(SECRET, delay_s=1.5) as slow,
        WebhookReceiver(SECRET) as fast,
    ):
        _hook(state, "slow", slow.url, concurrency=1, timeout_s=10)
        _hook(state, "fast", fast.url)
        dispatcher.start()
        started = time.monotonic()
        for i in range(3):
            _send(dispatcher, "slow", f"s{i}")
        for i in range(10):
            _send(dispatcher, "fast", f"f{i}")
        assert fast.wait_for(10, 5)
        fast_done = time.monotonic() - started
        assert len(slow.received) == 0  # the slow one is still on its first request
        assert slow.wait_for(1, 5)
    assert fast_done < 1.0


def test_consent_checked_before_every_send(state: ActivationState) -> None:
    gate = ConsentGate()
    gate.set_decision("yes", "email_marketing", True, time.time())
    gate.set_decision("no", "email_marketing", False, time.time())
    dispatcher = Dispatcher(state, gate.allowed, RetryPolicy(2, 0.01, 0.01))
    try:
        with WebhookReceiver(SECRET) as receiver:
            _hook(state, "crm", receiver.url)
            dispatcher.start()
            for customer in ("yes", "no", "unknown"):
                _send(dispatcher, "crm", customer)
            assert dispatcher.wait_idle(5)
    finally:
        dispatcher.stop()
    assert [r.body["customer_id"] for r in receiver.received] == ["yes"]
    statuses = {d.customer_id: d.status for d in state.deliveries()}
    assert statuses == {"yes": "sent", "no": "blocked", "unknown": "blocked"}


def test_pending_deliveries_survive_a_restart(state: ActivationState) -> None:
    with WebhookReceiver(SECRET) as receiver:
        _hook(state, "crm", receiver.url)
        later = new_delivery("crm", "c1", "email_marketing", {"n": 1}, due_at=time.time() + 0.3)
        first = Dispatcher(state, lambda _c, _p: True)
        first.start()
        first.submit([later])
        first.stop()
        assert state.pending()[0].id == later.id
        second = Dispatcher(state, lambda _c, _p: True)
        second.start()
        try:
            assert receiver.wait_for(1, 5)
        finally:
            second.stop()
    assert receiver.received[0].body == {"n": 1}


def test_full_jitter_stays_within_the_exponential_bound() -> None:
    import random

    policy = RetryPolicy(6, base_s=0.5, cap_s=4.0)
    rng = random.Random(0)
    for attempt, bound in ((1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 4.0)):
        waits = [policy.delay(attempt, rng) for _ in range(200)]
        assert max(waits) <= bound
        assert min(waits) >= 0
        assert max(waits) > bound * 0.8  # spread over the whole range, not a fixed step
