"""Consent on the send path: the ledger's current state plus decisions seen in live events.

The warehouse's consent ledger is read into memory (:meth:`ConsentGate.replace_ledger`, by a
background refresh) so a send never waits for the warehouse; consent carried by events that
arrived since (``context.consent.categoryPreferences`` and the like) is applied at once with
:meth:`ConsentGate.observe`. For each customer and purpose the most recent decision wins; a
purpose nobody decided on falls back to the configured default (False unless configured), as
:func:`vantage.profiles.consent.can_contact` decides everywhere else.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from vantage.profiles.consent import ConsentConfig, can_contact, message_decisions

Decisions = dict[str, dict[str, tuple[bool, float]]]


def _seconds(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return float(pd.Timestamp(value).timestamp())


class ConsentGate:
    """Answers "may this customer be sent to for this purpose?" from memory.

    Args:
        config: Purposes and defaults (the standard configuration when None).
        ready: Whether answers may be given before the ledger was read once; when False,
            :meth:`allowed` waits up to ``wait_s`` for :meth:`replace_ledger` (or
            :meth:`mark_ready`) and refuses when it does not come.
        wait_s: How long :meth:`allowed` waits for the first ledger read.
    """

    def __init__(
        self, config: ConsentConfig | None = None, *, ready: bool = True, wait_s: float = 30.0
    ) -> None:
        self.config = config or ConsentConfig()
        self._ledger: Decisions = {}
        self._live: Decisions = {}
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self.wait_s = wait_s
        if ready:
            self._ready.set()

    def mark_ready(self) -> None:
        """Answer from what is known (there is no ledger to read yet)."""
        self._ready.set()

    def replace_ledger(self, frame: pd.DataFrame) -> None:
        """Install the ledger's current state (``customer_id, purpose, granted, ts`` rows)."""
        fresh: Decisions = {}
        for customer, purpose, granted, ts in zip(
            frame["customer_id"], frame["purpose"], frame["granted"], frame["ts"], strict=True
        ):
            fresh.setdefault(str(customer), {})[str(purpose)] = (bool(granted), _seconds(ts))
        with self._lock:
            self._ledger = fresh
        self._ready.set()

    def set_decision(self, customer_id: str, purpose: str, granted: bool, at: float) -> None:
        """Apply one decision seen outside the ledger (kept when newer than what is known)."""
        with self._lock:
            known = self._live.setdefault(customer_id, {}).get(purpose)
            if known is None or known[1] <= at:
                self._live[customer_id][purpose] = (granted, at)

    def observe(self, customer_id: str, message: Mapping[str, Any], at: float) -> None:
        """Apply the consent decisions an event carries (Segment and RudderStack fields)."""
        for purpose, granted in message_decisions(message, self.config).items():
            self.set_decision(customer_id, purpose, granted, at)

    def state(self, customer_id: str) -> dict[str, bool]:
        """The customer's current decision per purpose (purposes never decided are absent)."""
        with self._lock:
            merged = dict(self._ledger.get(customer_id, {}))
            for purpose, decision in self._live.get(customer_id, {}).items():
                known = merged.get(purpose)
                if known is None or known[1] <= decision[1]:
                    merged[purpose] = decision
        return {purpose: granted for purpose, (granted, _) in merged.items()}

    def allowed(self, customer_id: str, purpose: str) -> bool:
        """Whether the customer may be sent to for ``purpose``.

        Refuses while the ledger has not been read once (after ``wait_s``).

        Raises:
            ConfigError: ``purpose`` is not a configured purpose.
        """
        if not self._ready.is_set() and not self._ready.wait(self.wait_s):
            return False
        return can_contact(self.state(customer_id), purpose, self.config)
