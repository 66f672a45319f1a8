"""Activation inside the server: triggers fired from the real-time bus, sent by the dispatcher.

:class:`ActivationRuntime` subscribes to the live view's
:class:`~vantage.services.realtime_bus.RealtimeBus`: each batch of live events updates the
consent gate (consent carried by the events applies at once), fires event triggers and closes
next-best-action decisions whose goal event happened; each batch of membership changes fires
segment triggers. Deliveries go to the per-destination workers of a
:class:`~vantage.activate.dispatcher.Dispatcher`. A background thread picks up changed
definitions (and re-queued dead letters) every second and re-reads the consent ledger from the
warehouse every ``[activate] consent_refresh_s``, so the send path never waits for the
warehouse.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import structlog

from vantage.activate.consent_gate import ConsentGate
from vantage.activate.dispatcher import Dispatcher, RetryPolicy
from vantage.activate.specs import MessageSpec
from vantage.activate.state import ActivationState
from vantage.activate.triggers import EventLike, MembershipLike, TriggerEngine
from vantage.core.errors import StoreError
from vantage.core.settings import Settings
from vantage.services.warehouse import open_warehouse

if TYPE_CHECKING:
    from vantage.services.live import LiveProfiles
    from vantage.services.realtime_bus import RealtimeBus

_RELOAD_EVERY_S = 0.5


class ActivationRuntime:
    """Triggers, dispatcher and consent gate of one server.

    Args:
        settings: The server's settings.
        live: The server's live view (identifiers for ad lists; its bus feeds the triggers).
        bus: The bus to subscribe to (default: the live view's); with neither, feed
            :meth:`on_events` and :meth:`on_membership` directly (tests).
    """

    def __init__(
        self,
        settings: Settings,
        live: LiveProfiles | None = None,
        bus: RealtimeBus | None = None,
    ) -> None:
        config = settings.activate
        self.settings = settings
        self.live = live
        self.state = ActivationState(settings.home)
        self.gate = ConsentGate(ready=False)
        self.dispatcher = Dispatcher(
            self.state,
            self.gate.allowed,
            RetryPolicy(config.max_attempts, config.backoff_base_s, config.backoff_max_s),
        )
        self.engine = TriggerEngine(
            self.state,
            self.dispatcher.route,
            customer_info=self.customer_info,
            compose=self.compose_message,
        )
        self._goal_events: frozenset[str] = frozenset()
        self._checked = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._log = structlog.get_logger("vantage.activate")
        if bus is None and live is not None:
            from vantage.services.realtime_bus import bus_for

            bus = bus_for(live)
        if bus is not None:
            bus.subscribe_events(self.on_events)
            bus.subscribe_membership(self.on_membership)

    def start(self) -> None:
        """Load definitions, start the workers and the thread that reads the consent ledger.

        Sends wait for the first read of the ledger (so nobody is sent on incomplete consent);
        the server itself starts without waiting for the warehouse.
        """
        self.reload(force=True)
        self.dispatcher.start()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._refresh_loop, name="vantage-activate-consent", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the refresh thread and the workers (pending deliveries stay in the outbox)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.dispatcher.stop()

    def reload(self, *, force: bool = False) -> None:
        """Pick up changed destinations and triggers (and re-queued dead letters)."""
        revision = self.engine.revision
        self.engine.reload(force=force)
        if force or self.engine.revision != revision:
            self.dispatcher.sync()
            self.dispatcher.adopt_pending()
            self._goal_events = self._catalogue_goals()
        self._checked = time.monotonic()

    def _catalogue_goals(self) -> frozenset[str]:
        from vantage.services.activation_nba import catalogue_path, load_catalogue_of

        if not catalogue_path(self.settings).is_file():
            return frozenset()
        try:
            return frozenset(a.goal_event for a in load_catalogue_of(self.settings).actions)
        except Exception:  # a broken catalogue must not stop triggers
            self._log.exception("nba_catalogue_unreadable")
            return frozenset()

    def _maybe_reload(self) -> None:
        if time.monotonic() - self._checked >= _RELOAD_EVERY_S:
            self.reload()

    def on_events(self, events: Sequence[EventLike]) -> None:
        """Handle a batch of live events: consent, event triggers, decision outcomes."""
        self._maybe_reload()
        for event in events:
            if event.customer_id:
                self.gate.observe(event.customer_id, event.message, event.timestamp)
        self.engine.on_events(events)
        if self._goal_events:
            self._close_decisions(events)

    def on_membership(self, changes: Sequence[MembershipLike]) -> None:
        """Handle a batch of segment membership changes: segment triggers."""
        self._maybe_reload()
        self.engine.on_membership(changes)

    def _close_decisions(self, events: Sequence[EventLike]) -> None:
        for event in events:
            name = event.message.get("event")
            if not event.customer_id or name not in self._goal_events:
                continue
            revenue = (event.message.get("properties") or {}).get("revenue")
            value = float(revenue) if isinstance(revenue, int | float) else None
            # Arrival time, not the client's clock: a goal counts when it comes after the decision.
            now = time.time()
            for decision in self.state.open_decisions(event.customer_id, name, now):
                self.state.record_outcome(decision, converted=True, value=value, at=now)

    def customer_info(self, customer_id: str) -> dict[str, Any]:
        """A customer's e-mails and phones from the live identity graph (for ad lists)."""
        info: dict[str, Any] = {"customer_id": customer_id}
        if self.live is None:
            return info
        with self.live._lock:
            members = list(self.live.graph.members(customer_id))
        for identifier in members:
            key = {"email": "emails", "phone": "phones"}.get(identifier.type)
            if key is not None:
                info.setdefault(key, []).append(identifier.value)
        return info

    def compose_message(self, customer_id: str, spec: MessageSpec) -> dict[str, Any] | None:
        """The customer's personalised message for a trigger with ``message``.

        Written from the live profile (the warehouse's without a live view), with the consent
        gate's current decisions over the profile's; None without consent for the channel or
        when it cannot be written (logged; the trigger still sends, without a message).
        """
        from vantage.services.genai_content import message_for, profile_from_view
        from vantage.services.profiles import profile

        try:
            if self.live is not None:
                found = self.live.profile(customer_id)
            else:
                with open_warehouse(self.settings, timeout_s=5) as store:
                    found = profile(store, customer_id)
            found["consent"] = {**(found.get("consent") or {}), **self.gate.state(customer_id)}
            person = profile_from_view(customer_id, found)
            return message_for(
                self.settings, person, spec.channel, goal=spec.goal, method=spec.method
            )
        except Exception:  # a message that cannot be written must not stop the trigger
            self._log.exception("trigger_message_failed", customer=customer_id)
            return None

    def refresh_consent(self) -> bool:
        """Re-read the consent ledger into the gate; False when the warehouse was busy."""
        from vantage.profiles.consent_ledger import ConsentLedger

        try:
            with open_warehouse(self.settings, timeout_s=5) as store:
                if not (store.has_table("consent_ledger") and store.has_table("identity_map")):
                    self.gate.mark_ready()
                    return True
                frame = store.execute(ConsentLedger(store).for_customers())
        except StoreError as exc:  # the warehouse is busy (a long job): retry next time
            self._log.info("consent_refresh_deferred", reason=exc.message)
            return False
        except Exception:  # keep the last state; the next refresh retries
            self._log.exception("consent_refresh_failed")
            return False
        self.gate.replace_ledger(frame)
        return True

    def _refresh_loop(self) -> None:
        self.refresh_consent()
        last_consent = time.monotonic()
        while not self._stop.wait(_RELOAD_EVERY_S * 2):
            self.reload()
            if time.monotonic() - last_consent >= self.settings.activate.consent_refresh_s:
                self.refresh_consent()
                last_consent = time.monotonic()
