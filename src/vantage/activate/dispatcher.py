"""Deliveries to destinations: one worker, queue and connection pool per destination.

Each destination has its own :class:`DestinationWorker` (a time-ordered queue and its own
threads), so a slow or failing endpoint only ever delays its own deliveries. A delivery is
written to the outbox (:class:`~vantage.activate.state.ActivationState`) before it is queued,
consent for the destination's purpose (and for the purpose of a personalised message in the
payload, ``message.purpose``) is checked right before each send, and a failed attempt
is retried after an exponential backoff with full jitter (a uniform wait between 0 and
``min(cap, base * 2 ** (attempt - 1))``, which spreads retries of many deliveries apart).
Deliveries still failing after ``max_attempts`` become dead letters, kept with their payload
and error until re-queued.
"""

from __future__ import annotations

import heapq
import itertools
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import orjson
import structlog

from vantage.activate.exports import write_customer_list, write_file_export
from vantage.activate.specs import (
    AdsDestinationSpec,
    DestinationSpec,
    FileDestinationSpec,
    WebhookDestinationSpec,
)
from vantage.activate.state import ActivationState, Delivery
from vantage.activate.webhook import Attempt, WebhookSender

SendFunc = Callable[[Delivery, int], Attempt]
ConsentCheck = Callable[[str, str], bool]


@dataclass(frozen=True)
class RetryPolicy:
    """How failed attempts are retried.

    Attributes:
        max_attempts: Attempts before a delivery becomes a dead letter.
        base_s: The first retry waits up to this long.
        cap_s: No wait is longer than this.
    """

    max_attempts: int = 6
    base_s: float = 0.5
    cap_s: float = 60.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (full jitter)."""
        return rng.uniform(0.0, min(self.cap_s, self.base_s * 2 ** max(0, attempt - 1)))


class _Sender:
    """Turns a destination into the one-attempt send function its worker calls."""

    def __init__(self, spec: DestinationSpec, secret: str | None) -> None:
        self.spec = spec
        self.webhook = (
            WebhookSender(spec, secret or "") if isinstance(spec, WebhookDestinationSpec) else None
        )

    def __call__(self, delivery: Delivery, attempt: int) -> Attempt:
        payload = delivery.payload or {}
        if self.webhook is not None:
            return self.webhook.send(orjson.dumps(payload), delivery.id, attempt)
        try:
            if isinstance(self.spec, FileDestinationSpec):
                write_file_export(self.spec, [payload])
            elif isinstance(self.spec, AdsDestinationSpec):
                write_customer_list(self.spec, [payload.get("customer", payload)])
        except OSError as exc:
            return Attempt(False, True, None, f"{type(exc).__name__}: {exc}")
        return Attempt(True, False)

    def close(self) -> None:
        if self.webhook is not None:
            self.webhook.close()


def sender_for(spec: DestinationSpec, secret: str | None) -> SendFunc:
    """The send function of a destination (webhook POST, file, or customer list)."""
    return _Sender(spec, secret)


class DestinationWorker:
    """The queue and threads of one destination.

    Args:
        spec: The destination.
        send: One attempt at one delivery.
        state: Where results are recorded.
        allowed: ``(customer_id, purpose) -> bool``; checked right before each send.
        policy: Retries.
        rng: Random source for the jitter.
        threads: Threads sending at once (default: the webhook's ``concurrency``, else 1).
    """

    def __init__(
        self,
        spec: DestinationSpec,
        send: SendFunc,
        state: ActivationState,
        allowed: ConsentCheck,
        policy: RetryPolicy,
        rng: random.Random | None = None,
        threads: int | None = None,
    ) -> None:
        self.spec = spec
        self.send = send
        self.state = state
        self.allowed = allowed
        self.policy = RetryPolicy(
            spec.max_attempts if isinstance(spec, WebhookDestinationSpec) else policy.max_attempts,
            policy.base_s,
            policy.cap_s,
        )
        self.rng = rng or random.Random()
        count = threads or (spec.concurrency if isinstance(spec, WebhookDestinationSpec) else 1)
        self._heap: list[tuple[float, int, Delivery]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._busy = 0
        self._ids: set[str] = set()
        self._stop = False
        self._log = structlog.get_logger("vantage.activate").bind(destination=spec.name)
        self._threads = [
            threading.Thread(target=self._run, name=f"vantage-dest-{spec.name}-{i}", daemon=True)
            for i in range(count)
        ]
        self.on_done: Callable[[Delivery, str], None] | None = None

    def start(self) -> None:
        """Start the threads."""
        for thread in self._threads:
            thread.start()

    def submit(self, delivery: Delivery) -> None:
        """Queue a delivery (already in the outbox) for its ``due_at``."""
        with self._wake:
            self._ids.add(delivery.id)
            heapq.heappush(self._heap, (delivery.due_at, next(self._order), delivery))
            self._wake.notify()

    def knows(self, delivery_id: str) -> bool:
        """Whether the delivery is queued or being sent here."""
        with self._wake:
            return delivery_id in self._ids

    def queued(self) -> int:
        """Deliveries waiting or being sent."""
        with self._wake:
            return len(self._heap) + self._busy

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the threads (queued deliveries stay pending in the outbox)."""
        with self._wake:
            self._stop = True
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(timeout=timeout_s)
        close = getattr(self.send, "close", None)
        if callable(close):
            close()

    def _next(self) -> Delivery | None:
        with self._wake:
            while not self._stop:
                if self._heap:
                    wait = self._heap[0][0] - time.time()
                    if wait <= 0:
                        self._busy += 1
                        return heapq.heappop(self._heap)[2]
                    self._wake.wait(wait)
                else:
                    self._wake.wait()
            return None

    def _run(self) -> None:
        while (delivery := self._next()) is not None:
            status = "error"
            try:
                status = self._deliver(delivery)
            except Exception:  # a bug in one delivery must not kill the worker
                self._log.exception("delivery_failed", delivery=delivery.id)
            with self._wake:
                self._busy -= 1
                if status != "pending":
                    self._ids.discard(delivery.id)
            if self.on_done is not None and status != "pending":
                self.on_done(delivery, status)

    def _deliver(self, delivery: Delivery) -> str:
        if not self.allowed(delivery.customer_id, delivery.purpose):
            self.state.update(
                delivery.id,
                status="blocked",
                attempts=delivery.attempts,
                error=f"no consent for purpose {delivery.purpose!r}",
            )
            return "blocked"
        message = (delivery.payload or {}).get("message")
        purpose = message.get("purpose") if isinstance(message, dict) else None
        if isinstance(purpose, str) and not self.allowed(delivery.customer_id, purpose):
            self.state.update(
                delivery.id,
                status="blocked",
                attempts=delivery.attempts,
                error=f"no consent for purpose {purpose!r} of the message",
            )
            return "blocked"
        attempt_no = delivery.attempts + 1
        result = self.send(delivery, attempt_no)
        if result.ok:
            self.state.update(
                delivery.id, status="sent", attempts=attempt_no, response_status=result.status
            )
            return "sent"
        if result.retryable and attempt_no < self.policy.max_attempts:
            due = time.time() + self.policy.delay(attempt_no, self.rng)
            self.state.update(
                delivery.id,
                status="pending",
                attempts=attempt_no,
                due_at=due,
                response_status=result.status,
                error=result.error,
            )
            retry = Delivery(**{**delivery.public(), "attempts": attempt_no, "due_at": due})
            self.submit(retry)
            return "pending"
        self.state.update(
            delivery.id,
            status="dead",
            attempts=attempt_no,
            response_status=result.status,
            error=result.error,
        )
        self._log.warning("delivery_dead", delivery=delivery.id, error=result.error)
        return "dead"


class Dispatcher:
    """Route deliveries to their destination's worker; reload when definitions change.

    Args:
        state: The activation state (definitions, outbox, audit).
        allowed: Consent check ``(customer_id, purpose) -> bool``.
        policy: Retries for every destination (webhooks may lower ``max_attempts``).
        sender: Builds a destination's send function (tests replace it).
    """

    def __init__(
        self,
        state: ActivationState,
        allowed: ConsentCheck,
        policy: RetryPolicy | None = None,
        sender: Callable[[DestinationSpec, str | None], SendFunc] = sender_for,
    ) -> None:
        self.state = state
        self.allowed = allowed
        self.policy = policy or RetryPolicy()
        self.sender = sender
        self.workers: dict[str, DestinationWorker] = {}
        self._lock = threading.Lock()
        self.on_done: Callable[[Delivery, str], None] | None = None

    def sync(self) -> None:
        """Start workers for new or changed destinations and stop those removed."""
        wanted = {d.name: d for d in self.state.destinations() if d.enabled}
        with self._lock:
            for name in list(self.workers):
                if name not in wanted or self.workers[name].spec != wanted[name]:
                    self.workers.pop(name).stop()
            for name, spec in wanted.items():
                if name not in self.workers:
                    worker = DestinationWorker(
                        spec,
                        self.sender(spec, self.state.secret(name)),
                        self.state,
                        self.allowed,
                        self.policy,
                    )
                    worker.on_done = self.on_done
                    worker.start()
                    self.workers[name] = worker

    def start(self) -> None:
        """Start every destination's worker and re-queue the outbox's pending deliveries."""
        self.sync()
        self._route(self.state.pending())

    def adopt_pending(self) -> int:
        """Queue the outbox's pending deliveries no worker knows (re-queued dead letters)."""
        fresh = []
        with self._lock:
            for delivery in self.state.pending():
                worker = self.workers.get(delivery.destination)
                if worker is not None and not worker.knows(delivery.id):
                    fresh.append(delivery)
        self._route(fresh)
        return len(fresh)

    def submit(self, deliveries: Iterable[Delivery]) -> None:
        """Record deliveries in the outbox, then queue each on its destination's worker."""
        batch = list(deliveries)
        self.state.record(batch)
        self._route(batch)

    def route(self, deliveries: Iterable[Delivery]) -> None:
        """Queue deliveries already recorded in the outbox on their destination's worker."""
        self._route(deliveries)

    def _route(self, deliveries: Iterable[Delivery]) -> None:
        with self._lock:
            for delivery in deliveries:
                worker = self.workers.get(delivery.destination)
                if worker is not None:
                    worker.submit(delivery)

    def queued(self) -> int:
        """Deliveries waiting or being sent, over all destinations."""
        with self._lock:
            return sum(w.queued() for w in self.workers.values())

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until nothing is queued (tests and the demo); False on timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.queued() == 0:
                return True
            time.sleep(0.01)
        return False

    def stop(self) -> None:
        """Stop every worker (pending deliveries stay in the outbox for the next start)."""
        with self._lock:
            workers, self.workers = list(self.workers.values()), {}
        for worker in workers:
            worker.stop()
