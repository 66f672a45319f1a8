"""Real-time segment membership: each live event re-evaluates its customer's real-time segments.

:class:`RealtimeSegments` is a listener of :class:`vantage.services.live.LiveProfiles` (register
it with ``live.add_listener``). For every batch of applied events it reads the affected
customers' current state (computed traits from the warehouse plus the live counters of events
not synced yet, predictions, consent), evaluates the segments saved with ``realtime: true``,
records the entries and exits (``segment_membership`` and ``segment_membership_history``,
source ``realtime``) and publishes them on the :class:`~vantage.services.realtime_bus.RealtimeBus`.
Other customers are not touched. The listener only queues customers; a worker thread of its own
evaluates them (several batches at once when events arrive faster), so the live view and event
triggers never wait for segment evaluation. The state is read with a few plain filters per
batch (no profile-wide queries), so a batch costs one warehouse session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import pandas as pd
import structlog

from vantage.core.errors import StoreError
from vantage.core.settings import Settings
from vantage.profiles.customer_traits import CustomerEvent, evaluate_traits
from vantage.profiles.live_counters import overlay
from vantage.segments.catalog import Catalog, expand, walk
from vantage.segments.evaluate import CustomerState, matches
from vantage.segments.spec import (
    ConsentCondition,
    Node,
    PredictionCondition,
    ProfileCondition,
    TraitCondition,
)
from vantage.services.live import LiveEvent, LiveProfiles
from vantage.services.realtime_bus import MembershipChange, RealtimeBus
from vantage.services.segments import apply_changes, build_catalog, current_members
from vantage.services.segments_profile import profile_values
from vantage.services.warehouse import open_warehouse
from vantage.store.migrations import CONSENT_LEDGER_TABLE, PREDICTIONS_TABLE
from vantage.store.warehouse import Store

StateReader = Callable[[Store, Sequence[str], frozenset[str]], Mapping[str, CustomerState]]
_KINDS = {
    TraitCondition: "trait",
    ProfileCondition: "profile",
    PredictionCondition: "prediction",
    ConsentCondition: "consent",
}
# Seconds before customers whose evaluation found the warehouse busy are tried again.
_RETRY_S = 1.0


def live_states(
    live: LiveProfiles,
    store: Store,
    customers: Sequence[str],
    as_of: datetime | None = None,
    *,
    needs: frozenset[str] = frozenset({"trait", "profile", "prediction", "consent"}),
) -> dict[str, CustomerState]:
    """The current state of some customers, as the live profile would show it.

    Computed traits are evaluated from the customers' warehouse events and overlaid with the
    live counters of the events the warehouse does not have yet; predictions are each model's
    latest score; consent is the latest decision per purpose across the customer's identifiers;
    profile traits are the merged ``profile_traits`` rows (as of the last sync), as in batch.

    Args:
        live: The live view.
        store: The open warehouse.
        customers: The customers to read.
        as_of: The time traits are evaluated at (now by default).
        needs: Which parts to read (``trait``, ``profile``, ``prediction``, ``consent``); the
            others are
            left empty, saving their queries.
    """
    moment = as_of or datetime.now(UTC)
    identities = live.identities(customers)
    members = {c: ms for c, (ms, _) in identities.items()}
    nodes = {c: ns for c, (_, ns) in identities.items()}
    by_user = {m.value: c for c, ms in members.items() for m in ms if m.type == "user_id"}
    by_device = {m.value: c for c, ms in members.items() for m in ms if m.type == "anonymous_id"}
    owner = {(m.type, m.value): c for c, ms in members.items() for m in ms}
    mine: dict[str, list[CustomerEvent]] = {c: [] for c in customers}
    synced = 0
    if "trait" in needs:
        synced = _customer_events(store, by_user, by_device, mine)
    scores = _predictions(store, customers) if "prediction" in needs else {}
    decisions = _consent(store, owner) if "consent" in needs else {}
    profiles = profile_values(store, customers) if "profile" in needs else {}
    states = {}
    for customer in customers:
        traits: dict[str, object] = {}
        if "trait" in needs:
            values = evaluate_traits(live.traits, mine[customer], moment)
            partials = live.partials(nodes[customer], after_seq=synced, as_of=moment)
            traits = overlay(live.traits, values, partials, moment)
        states[customer] = CustomerState(
            traits=traits,
            predictions=scores.get(customer, {}),
            consent=decisions.get(customer, {}),
            profile=profiles.get(customer, {}),
        )
    return states


def _customer_events(
    store: Store,
    by_user: Mapping[str, str],
    by_device: Mapping[str, str],
    mine: dict[str, list[CustomerEvent]],
) -> int:
    """Fill ``mine`` with each customer's warehouse events; return the warehouse's last seq."""
    events = store.table("events")
    synced = int(store.scalar(events.seq.max()) or 0)
    rows = store.execute(
        events.filter(
            events.user_id.isin(list(by_user) or [""])
            | events.anonymous_id.isin(list(by_device) or [""])
        ).select("seq", "timestamp", "type", "event", "user_id", "anonymous_id", "payload")
    )
    for seq, ts, kind, name, user, device, payload in rows.itertuples(index=False, name=None):
        customer = by_user.get(user) if isinstance(user, str) else None
        if customer is None and isinstance(device, str):
            customer = by_device.get(device)
        if customer is not None:
            mine[customer].append(CustomerEvent.from_row(seq, ts, kind, name, payload))
    return synced


def _predictions(store: Store, customers: Sequence[str]) -> dict[str, dict[str, float]]:
    table = store.table(PREDICTIONS_TABLE)
    rows = store.execute(table.filter(table.customer_id.isin(list(customers))))
    out: dict[str, dict[str, float]] = {}
    rows = rows.sort_values("computed_at")
    for customer, model, score in zip(rows.customer_id, rows.model, rows.score, strict=True):
        out.setdefault(str(customer), {})[str(model)] = float(score)
    return out


def _consent(store: Store, owner: Mapping[tuple[str, str], str]) -> dict[str, dict[str, bool]]:
    table = store.table(CONSENT_LEDGER_TABLE)
    values = sorted({value for _, value in owner})
    rows = store.execute(table.filter(table.id_value.isin(values or [""])))
    rows["customer_id"] = [
        owner.get((t, v)) for t, v in zip(rows.id_type, rows.id_value, strict=True)
    ]
    rows = rows[rows["customer_id"].notna()].sort_values(["ts", "seq"])
    out: dict[str, dict[str, bool]] = {}
    for customer, purpose, granted in zip(
        rows.customer_id, rows.purpose, rows.granted, strict=True
    ):
        out.setdefault(str(customer), {})[str(purpose)] = bool(granted)
    return out


class RealtimeSegments:
    """Keeps real-time segments current as the live view applies events.

    Args:
        settings: The server's settings.
        live: The live view (its graph and counters give each customer's current state).
        bus: Where membership changes are published (none: only recorded).
        states: Reads customers' states from the open warehouse (default: :func:`live_states`).
        refresh_s: How long saved definitions are reused before they are read again (a new
            or changed real-time segment is picked up within this time).
    """

    def __init__(
        self,
        settings: Settings,
        live: LiveProfiles | None = None,
        bus: RealtimeBus | None = None,
        *,
        states: StateReader | None = None,
        refresh_s: float = 5.0,
    ) -> None:
        if states is None:
            if live is None:
                raise ValueError("give the live view or a state reader")
            view = live

            def states(
                store: Store, customers: Sequence[str], needs: frozenset[str]
            ) -> Mapping[str, CustomerState]:
                return live_states(view, store, customers, needs=needs)

        self.settings = settings
        self.bus = bus
        self._states = states
        self.refresh_s = refresh_s
        self._loaded_at = float("-inf")
        self._segments: dict[str, Node] = {}
        self._catalog: Catalog | None = None
        self._pending: dict[str, None] = {}
        self._busy = False
        self._wake = threading.Condition()
        self._worker: threading.Thread | None = None
        self._log = structlog.get_logger("vantage.segments")

    def _definitions(self, store: Store) -> tuple[dict[str, Node], Catalog]:
        if self._catalog is None or time.monotonic() - self._loaded_at > self.refresh_s:
            catalog = build_catalog(store)
            self._segments = {
                name: expand(spec, catalog)
                for name, spec in catalog.segments.items()
                if spec.realtime
            }
            self._catalog = catalog
            self._loaded_at = time.monotonic()
        return self._segments, self._catalog

    def __call__(self, events: list[LiveEvent]) -> None:
        """The live listener: queue the batch's customers for the worker thread.

        The tailing thread only queues; evaluation runs on this listener's own thread (started
        on first use), so event triggers and the live view never wait for segments. Customers
        queued while the worker is busy are evaluated together.
        """
        customers = [e.customer_id for e in events if e.customer_id]
        if not customers:
            return
        with self._wake:
            self._pending.update(dict.fromkeys(customers))
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._run, name="vantage-segments", daemon=True
                )
                self._worker.start()
            self._wake.notify()

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until every queued customer has been evaluated; False on timeout."""
        deadline = time.monotonic() + timeout_s
        with self._wake:
            while self._pending or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.wait(left)
        return True

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending:
                    self._wake.wait()
                customers = list(self._pending)
                self._pending.clear()
                self._busy = True
            retry = False
            try:
                self.process_customers(customers)
            except StoreError as exc:  # the warehouse is busy (a long import or sync): retry
                self._log.info(
                    "realtime_segments_deferred", reason=exc.message, customers=len(customers)
                )
                retry = True
            except Exception:  # keep serving later events; this batch is retried by batch runs
                self._log.exception("realtime_segments_failed", customers=len(customers))
            finally:
                with self._wake:
                    if retry:
                        self._pending.update(dict.fromkeys(customers))
                    self._busy = False
                    self._wake.notify_all()
            if retry:
                time.sleep(_RETRY_S)

    def process(self, events: list[LiveEvent]) -> list[MembershipChange]:
        """Re-evaluate, now and on this thread, the real-time segments of ``events``' customers.

        Returns:
            The membership changes found (also recorded and published).
        """
        return self.process_customers(
            list(dict.fromkeys(e.customer_id for e in events if e.customer_id))
        )

    def process_customers(self, customers: list[str]) -> list[MembershipChange]:
        """Re-evaluate the real-time segments of some customers; record and publish changes.

        Returns:
            The membership changes found.
        """
        fresh = time.monotonic() - self._loaded_at <= self.refresh_s
        if not customers or (fresh and not self._segments):
            return []  # no real-time segment: the tail is not slowed by a warehouse session
        with open_warehouse(self.settings, timeout_s=30) as store:
            segments, catalog = self._definitions(store)
            if not segments:
                return []
            needs = frozenset(
                _KINDS[type(n)]
                for node in segments.values()
                for n, _ in walk(node)
                if type(n) in _KINDS
            )
            states = self._states(store, customers, needs)
            changes = self._changes(store, states, segments, catalog)
            apply_changes(store, changes, source="realtime")
        if changes and self.bus is not None:
            self.bus.publish_membership(changes)
        return changes

    @staticmethod
    def _changes(
        store: Store,
        states: Mapping[str, CustomerState],
        segments: Mapping[str, Node],
        catalog: Catalog,
    ) -> list[MembershipChange]:
        now = datetime.now(UTC)
        current: pd.DataFrame = current_members(store, segments, states)
        held = set(zip(current["segment"], current["customer_id"], strict=True))
        changes = []
        for customer, state in states.items():
            for name, node in segments.items():
                inside = matches(node, state, catalog)
                if inside != ((name, customer) in held):
                    changes.append(MembershipChange(customer, name, inside, now))
        return changes

    def __repr__(self) -> str:
        return f"RealtimeSegments({self.settings.home})"
