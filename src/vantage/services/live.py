"""Real-time single customer view in the server: identities and counters updated per event.

:class:`LiveProfiles` tails the event log (every writer's events, in ``seq`` order, see
:mod:`vantage.store.tail`) and feeds each event to an in-memory identity graph and to the
per-identifier :class:`~vantage.profiles.live_counters.LiveCounters`, a fraction of a millisecond
per event. A profile read then combines the warehouse (everything synced, joined through the
live graph's identities) with the counters of the events the warehouse does not have yet, so an
order shows in ``orders_30d`` and a new identifier joins its customer within a poll interval,
not at the next background sync.

The graph is the same deterministic graph the background job maintains, fed the same events in
the same order, so both agree; when the saved graph changes otherwise (rebuild, split, erasure:
its *epoch* moves, see :func:`vantage.identity.persist.save_graph`), the live copy reloads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import structlog

from vantage.core.identifiers import Identifier
from vantage.core.settings import Settings
from vantage.identity.extract import extract_identifiers
from vantage.identity.graph import IdentityGraph
from vantage.identity.persist import load_graph, read_epoch
from vantage.identity.rules import load_rules
from vantage.profiles.computed import ComputedTrait, load_computed_traits
from vantage.profiles.live_counters import LiveCounters, overlay
from vantage.services.profiles import find_customer, profile
from vantage.services.warehouse import open_warehouse
from vantage.store.lake import EventLog
from vantage.store.tail import events_after
from vantage.store.warehouse import Store

_BATCH = 2_000


@dataclass(frozen=True)
class LiveEvent:
    """One event as the live view applied it, handed to listeners (segments, triggers).

    Attributes:
        customer_id: The event's customer after identity resolution (as of its batch).
        seq: The event's position in the log.
        timestamp: The event's time, seconds since the epoch.
        message: The stored event (Segment spec fields).
    """

    customer_id: str
    seq: int
    timestamp: float
    message: dict[str, Any]


LiveListener = Callable[[list[LiveEvent]], None]


@dataclass(frozen=True)
class LiveStatus:
    """Where the real-time view stands (for /health and tests)."""

    seq: int
    warehouse_seq: int
    pending_entries: int
    customers: int
    lag_s: float


def _seconds(column: pa.ChunkedArray) -> list[float]:
    micros = pc.cast(pc.cast(column, pa.timestamp("us", tz="UTC")), pa.int64())
    return [v / 1e6 if v is not None else 0.0 for v in micros.to_pylist()]


def _warehouse_seq(store: Store) -> int:
    if not store.has_table("events"):
        return 0
    value = store.scalar(store.table("events").seq.max())
    return int(value) if value is not None else 0


class LiveProfiles:
    """The server's real-time identity graph and counters.

    Args:
        settings: The server's settings.
        traits: Computed traits (default: vantage.toml's, else the defaults).
        poll_s: Seconds between looks at the log when it is quiet.
    """

    def __init__(
        self,
        settings: Settings,
        traits: tuple[ComputedTrait, ...] | None = None,
        poll_s: float = 0.05,
    ) -> None:
        self.settings = settings
        self.log = EventLog(settings.home)
        self.traits = load_computed_traits() if traits is None else traits
        self.poll_s = poll_s
        self.counters = LiveCounters(self.traits)
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._log = structlog.get_logger("vantage.live")
        self.lag_s = 0.0
        self.graph = IdentityGraph(load_rules())
        self.seq = 0
        self.epoch = -1
        self.counted_from = 0
        self._listeners: list[LiveListener] = []

    def add_listener(self, listener: LiveListener) -> None:
        """Call ``listener`` with each applied batch of new events (after the warehouse's seq).

        Listeners run on the tailing thread, outside the lock, in registration order; one that
        raises is logged and does not stop the others or the tail.
        """
        self._listeners.append(listener)

    def load(self) -> None:
        """(Re)load the saved graph and decide where counting starts (the warehouse's seq)."""
        rules = load_rules()
        graph = load_graph(self.settings.home, rules)
        with open_warehouse(self.settings, timeout_s=60) as store:
            synced = _warehouse_seq(store)
        with self._lock:
            self.graph = graph if graph is not None else IdentityGraph(rules)
            self.epoch = read_epoch(self.settings.home)
            self.counters.clear()
            self.counted_from = synced
            self.seq = min(self.graph.watermark, synced)

    def poll(self) -> int:
        """Apply the events stored since the last poll; returns how many were applied."""
        if read_epoch(self.settings.home) != self.epoch:
            self.load()
        table = events_after(self.log, self.seq, _BATCH)
        if table.num_rows:
            self.apply(table)
        return table.num_rows

    def apply(self, events: pa.Table) -> None:
        """Feed events (lake columns, ``seq`` order) to the graph and the counters."""
        seqs = events.column("seq").to_pylist()
        stamps = _seconds(events.column("timestamp"))
        columns = [events.column(c).to_pylist() for c in ("message_id", "payload")]
        users = events.column("user_id").to_pylist()
        devices = events.column("anonymous_id").to_pylist()
        fresh: list[tuple[int, int, float, dict[str, Any]]] = []
        with self._lock:
            graph, rules = self.graph, self.graph.rules
            for i, seq in enumerate(seqs):
                message = orjson.loads(columns[1][i])
                if not isinstance(message, dict):
                    continue
                graph.add(extract_identifiers(message, rules), seq, stamps[i], columns[0][i])
                if seq <= self.counted_from:
                    continue
                node = None
                if users[i] is not None:
                    node = graph.lookup(("user_id", users[i]))
                if node is None and devices[i] is not None:
                    node = graph.lookup(("anonymous_id", devices[i]))
                if node is not None:
                    self.counters.add(node, seq, stamps[i], message)
                    fresh.append((node, seq, stamps[i], message))
            graph.apply_pending()
            self.seq = max(self.seq, seqs[-1])
            self.lag_s = max(0.0, time.time() - stamps[-1])
            live = [
                LiveEvent(graph.customer_of(graph.identifier(n)) or "", q, t, m)
                for n, q, t, m in fresh
            ]
        if live and self._listeners:
            self._notify(live)

    def _notify(self, events: list[LiveEvent]) -> None:
        for listener in self._listeners:
            try:
                listener(events)
            except Exception:  # one failing listener must not stop the tail or the others
                self._log.exception("live_listener_failed", listener=repr(listener))

    def customer_of(self, id_type: str, id_value: str) -> str | None:
        """The customer of an identifier as of the latest event (None when unknown)."""
        from vantage.core.identifiers import normalise

        identifier = normalise(id_type, id_value)
        if identifier is None:
            return None
        with self._lock:
            return self.graph.customer_of((identifier.type, identifier.value))

    def profile(self, customer_id: str, as_of: datetime | None = None) -> dict[str, Any]:
        """The customer's profile, current to the last event the server has seen.

        Raises:
            ProfileNotFoundError: Neither the live graph nor the warehouse knows the customer.
        """
        moment = as_of or datetime.now(UTC)
        with self._lock:
            members = self.graph.members(customer_id)
            nodes = [n for n in (self.graph.lookup(m) for m in members) if n is not None]
            identity = self.graph.identity_map(np.array(nodes, dtype=np.int64)) if nodes else None
        with open_warehouse(self.settings, timeout_s=30) as store:
            synced = _warehouse_seq(store)
            # Unknown to the live graph (still catching up after a start): the warehouse's view.
            view = profile(
                store, customer_id, as_of=moment, identity=identity, computed=self.traits
            )
        with self._lock:
            partials = self.counters.partials(nodes, after_seq=synced, as_of=moment)
            self.counters.forget_through(synced)
        view["computed_traits"] = overlay(self.traits, view["computed_traits"], partials, moment)
        view["live"] = {"seq": self.seq, "warehouse_seq": synced}
        return view

    def identities(self, customers: Iterable[str]) -> dict[str, tuple[list[Identifier], list[int]]]:
        """Each customer's identifiers and their graph nodes, read together under the lock.

        The nodes are what :meth:`partials` takes.
        """
        with self._lock:
            members = {c: self.graph.members(c) for c in customers}
            return {
                c: (ms, [n for n in map(self.graph.lookup, ms) if n is not None])
                for c, ms in members.items()
            }

    def partials(
        self, nodes: Iterable[int], *, after_seq: int, as_of: datetime
    ) -> dict[str, list[float]]:
        """The live counters of ``nodes`` for events after ``after_seq`` (see ``overlay``)."""
        with self._lock:
            return self.counters.partials(nodes, after_seq=after_seq, as_of=as_of)

    def lookup(self, id_type: str, id_value: str) -> dict[str, Any]:
        """The profile of the customer an identifier belongs to, live.

        Raises:
            ProfileNotFoundError: The identifier is junk or belongs to nobody.
        """
        customer = self.customer_of(id_type, id_value)
        if customer is None:
            with open_warehouse(self.settings, timeout_s=30) as store:
                customer = find_customer(store, id_type, id_value)
        return self.profile(customer)

    def status(self) -> LiveStatus:
        """Counters for monitoring."""
        with self._lock:
            return LiveStatus(
                self.seq,
                self.counted_from,
                self.counters.entries,
                self.graph.customer_count,
                self.lag_s,
            )

    def start(self) -> None:
        """Start tailing the log in a daemon thread (it loads the saved state first).

        Until the state is loaded, profile reads fall back to the warehouse's view.
        """
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="vantage-live", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop tailing."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                applied = self.poll()
            except Exception:  # keep tailing; the next poll retries
                self._log.exception("live_poll_failed")
                applied = 0
            if applied < _BATCH:
                self._stop.wait(self.poll_s)
