"""Triggers: turn live events and segment membership changes into deliveries.

:class:`TriggerEngine` holds the enabled triggers; for each event (or membership change) that
matches one it checks the frequency cap (atomically, in the activation state), works out when
the send is due (after the delay, then after the quiet hours in the trigger's time zone) and
hands a :class:`~vantage.activate.state.Delivery` to the dispatcher. Consent is checked by the
dispatcher right before the send, so a withdrawal during a delay still stops it. A trigger
with ``message`` adds the customer's personalised message to the payload (written by the
``compose`` callback when it fires; ``null`` for a customer without consent for the channel).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from vantage.activate.conditions import condition_holds
from vantage.activate.specs import (
    AdsDestinationSpec,
    DestinationSpec,
    EventWhen,
    MessageSpec,
    QuietHours,
    SegmentWhen,
    TriggerSpec,
)
from vantage.activate.state import ActivationState, Delivery, new_delivery


class EventLike(Protocol):
    """What the engine reads from a live event (see ``vantage.services.live.LiveEvent``)."""

    @property
    def customer_id(self) -> str:
        """The customer."""
        ...

    @property
    def timestamp(self) -> float:
        """Event time, seconds since the epoch."""
        ...

    @property
    def message(self) -> dict[str, Any]:
        """The Segment message."""
        ...


class MembershipLike(Protocol):
    """What the engine reads from a membership change (``realtime_bus.MembershipChange``)."""

    @property
    def customer_id(self) -> str:
        """The customer."""
        ...

    @property
    def segment(self) -> str:
        """The segment."""
        ...

    @property
    def entered(self) -> bool:
        """Entered (True) or exited (False)."""
        ...

    @property
    def at(self) -> datetime:
        """When it changed."""
        ...


def event_matches(when: EventWhen, message: Mapping[str, Any]) -> bool:
    """Whether a Segment ``track`` message is the trigger's event and meets every condition."""
    if message.get("event") != when.event:
        return False
    properties = message.get("properties") or {}
    return all(condition_holds(c, properties) for c in when.where)


def quiet_until(quiet: QuietHours, at: datetime) -> datetime | None:
    """When the quiet window containing ``at`` ends (UTC), or None when ``at`` is not quiet."""
    zone = ZoneInfo(quiet.timezone)
    local = at.astimezone(zone)
    now = local.timetz().replace(tzinfo=None)
    start, end = quiet.start, quiet.end
    if start == end:
        return None
    if start < end:
        inside = start <= now < end
        end_day = local.date()
    else:
        inside = now >= start or now < end
        end_day = local.date() + timedelta(days=1) if now >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)


def due_time(trigger: TriggerSpec, fired_at: datetime) -> datetime:
    """When a send fired at ``fired_at`` goes out: after the delay, then out of quiet hours."""
    due = fired_at + timedelta(seconds=trigger.delay)
    if trigger.quiet_hours is not None:
        due = quiet_until(trigger.quiet_hours, due) or due
    return due


class TriggerEngine:
    """Match events and membership changes against the triggers and produce deliveries.

    Args:
        state: The activation state (definitions and frequency caps).
        submit: Receives the deliveries, already recorded in the outbox (the dispatcher's
            ``route``).
        customer_info: For ad-list destinations, a customer's identifiers and names.
        clock: The current time (tests).
        compose: For triggers with ``message``, the customer's message on the channel (a
            dict with ``purpose``, the channel's consent purpose), or None when the customer
            did not consent to the channel; without it such payloads carry ``message: null``.
    """

    def __init__(
        self,
        state: ActivationState,
        submit: Callable[[list[Delivery]], None],
        customer_info: Callable[[str], dict[str, Any]] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        compose: Callable[[str, MessageSpec], dict[str, Any] | None] | None = None,
    ) -> None:
        self.state = state
        self.submit = submit
        self.customer_info = customer_info
        self.clock = clock
        self.compose = compose
        self.triggers: list[TriggerSpec] = []
        self.destinations: dict[str, DestinationSpec] = {}
        self.revision = -1
        self._lock = threading.Lock()

    def reload(self, *, force: bool = False) -> None:
        """Re-read triggers and destinations when they changed (or when ``force``)."""
        revision = self.state.revision()
        if revision == self.revision and not force:
            return
        destinations = {d.name: d for d in self.state.destinations() if d.enabled}
        triggers = [t for t in self.state.triggers() if t.enabled and t.destination in destinations]
        with self._lock:
            self.triggers, self.destinations, self.revision = triggers, destinations, revision

    def on_events(self, events: Sequence[EventLike]) -> list[Delivery]:
        """Fire event triggers for a batch of live events; returns the deliveries made."""
        with self._lock:
            triggers = [t for t in self.triggers if isinstance(t.when, EventWhen)]
        candidates: list[tuple[Delivery, int | None, float]] = []
        for event in events:
            if not event.customer_id or event.message.get("type") != "track":
                continue
            for trigger in triggers:
                assert isinstance(trigger.when, EventWhen)
                if event_matches(trigger.when, event.message):
                    payload = {
                        "kind": "event",
                        "event": {
                            k: event.message.get(k)
                            for k in ("event", "messageId", "timestamp", "userId", "properties")
                        },
                    }
                    candidates.append(self._candidate(trigger, event.customer_id, payload))
        return self._fire(candidates)

    def on_membership(self, changes: Sequence[MembershipLike]) -> list[Delivery]:
        """Fire segment triggers for a batch of membership changes."""
        with self._lock:
            triggers = [t for t in self.triggers if isinstance(t.when, SegmentWhen)]
        candidates: list[tuple[Delivery, int | None, float]] = []
        for change in changes:
            direction = "entered" if change.entered else "exited"
            for trigger in triggers:
                assert isinstance(trigger.when, SegmentWhen)
                if trigger.when.segment == change.segment and trigger.when.change == direction:
                    payload = {
                        "kind": f"segment_{direction}",
                        "segment": change.segment,
                        "changed_at": change.at.isoformat(),
                    }
                    candidates.append(self._candidate(trigger, change.customer_id, payload))
        return self._fire(candidates)

    def _candidate(
        self, trigger: TriggerSpec, customer_id: str, body: dict[str, Any]
    ) -> tuple[Delivery, int | None, float]:
        destination = self.destinations[trigger.destination]
        fired = self.clock()
        payload: dict[str, Any] = {
            "trigger": trigger.name,
            "customer_id": customer_id,
            "fired_at": fired.isoformat(),
            **body,
        }
        if isinstance(destination, AdsDestinationSpec) and self.customer_info is not None:
            payload["customer"] = self.customer_info(customer_id)
        if trigger.message is not None:
            compose = self.compose
            payload["message"] = compose(customer_id, trigger.message) if compose else None
        delivery = new_delivery(
            destination.name,
            customer_id,
            destination.purpose,
            payload,
            trigger=trigger.name,
            due_at=due_time(trigger, fired).timestamp(),
        )
        cap = trigger.frequency_cap
        return delivery, cap.max if cap else None, cap.per if cap else 0.0

    def _fire(self, candidates: list[tuple[Delivery, int | None, float]]) -> list[Delivery]:
        made = self.state.fire(candidates) if candidates else []
        if made:
            self.submit(made)
        return made
