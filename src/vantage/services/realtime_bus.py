"""The server's in-process real-time bus: live event batches and segment membership changes.

The live view (:class:`vantage.services.live.LiveProfiles`) hands every applied batch of events
to its listeners; the server's :class:`RealtimeBus` re-publishes them to its event subscribers
(triggers) and carries the membership changes the real-time segment evaluator finds
(:mod:`vantage.services.segments_realtime`) to its membership subscribers (destinations,
triggers). One bus per live view (:func:`bus_for`), created on first use, never at import time.

Subscribers run on the publishing thread, in subscription order; one that raises is logged and
does not stop the others.

Example:
    >>> bus = RealtimeBus()
    >>> seen = []
    >>> bus.subscribe_membership(seen.extend)
    >>> bus.publish_membership([MembershipChange("c1", "vip", True, datetime.now(UTC))])
    >>> seen[0].segment
    'vip'
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog

from vantage.services.live import LiveEvent, LiveProfiles

__all__ = ["MembershipChange", "RealtimeBus", "bus_for"]


@dataclass(frozen=True)
class MembershipChange:
    """A customer entered or left a segment.

    Attributes:
        customer_id: The customer.
        segment: The segment's name.
        entered: True when the customer entered, False when they left.
        at: When the change was found (aware datetime).
    """

    customer_id: str
    segment: str
    entered: bool
    at: datetime

    @property
    def event(self) -> str:
        """The track event name recorded in the history: ``Segment Entered`` or ``Exited``."""
        return "Segment Entered" if self.entered else "Segment Exited"

    def as_dict(self) -> dict[str, object]:
        """Plain data (JSON-ready)."""
        return {
            "customer_id": self.customer_id,
            "segment": self.segment,
            "entered": self.entered,
            "event": self.event,
            "at": self.at.astimezone(UTC).isoformat(),
        }


MembershipCallback = Callable[[list[MembershipChange]], None]
EventsCallback = Callable[[list[LiveEvent]], None]


class RealtimeBus:
    """Publish/subscribe for live event batches and membership changes (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._membership: list[MembershipCallback] = []
        self._events: list[EventsCallback] = []
        self._log = structlog.get_logger("vantage.realtime_bus")

    def subscribe_membership(self, callback: MembershipCallback) -> None:
        """Call ``callback`` with each published list of membership changes."""
        with self._lock:
            self._membership.append(callback)

    def subscribe_events(self, callback: EventsCallback) -> None:
        """Call ``callback`` with each batch of live events (as the live view applied them)."""
        with self._lock:
            self._events.append(callback)

    def publish_membership(self, changes: Sequence[MembershipChange]) -> None:
        """Hand membership changes to every membership subscriber (nothing when empty)."""
        if not changes:
            return
        with self._lock:
            callbacks = list(self._membership)
        self._deliver(callbacks, list(changes))

    def publish_events(self, events: Sequence[LiveEvent]) -> None:
        """Hand a batch of live events to every event subscriber (nothing when empty).

        Register it as a live listener: ``live.add_listener(bus.publish_events)``.
        """
        if not events:
            return
        with self._lock:
            callbacks = list(self._events)
        self._deliver(callbacks, list(events))

    def _deliver(self, callbacks: Sequence[Callable[[Any], None]], items: list[Any]) -> None:
        for callback in callbacks:
            try:
                callback(items)
            except Exception:  # one failing subscriber must not stop the others
                self._log.exception("realtime_subscriber_failed", subscriber=repr(callback))


_BUSES: weakref.WeakKeyDictionary[LiveProfiles, RealtimeBus] = weakref.WeakKeyDictionary()
_BUSES_LOCK = threading.Lock()


def bus_for(live: LiveProfiles) -> RealtimeBus:
    """The bus of a live view, created (and fed the live event batches) on first use.

    Every part of one server (segments, triggers) gets the same bus from its live view.
    """
    with _BUSES_LOCK:
        bus = _BUSES.get(live)
        if bus is None:
            bus = RealtimeBus()
            live.add_listener(bus.publish_events)
            _BUSES[live] = bus
        return bus
