"""The assistant's actions on the platform: orders, loyalty, consent, complaints, FAQ, stores.

:class:`PlatformActions` implements :class:`vantage.solutions.assistant.state.Actions` over a
data directory. Every account read filters the warehouse by the verified ``customer_id`` the
dialogue manager passes (an order of someone else is "not found"), and every change (consent,
complaint) is written as an event through the ingest path, so it lands on the profile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
import pandas as pd

from vantage.core.errors import VantageError
from vantage.services.assistant_events import write_events
from vantage.services.assistant_store import AssistantStore
from vantage.services.context import ServiceContext
from vantage.solutions.assistant.knowledge import Hit, HybridRetriever
from vantage.solutions.assistant.state import ConversationState
from vantage.solutions.assistant.training import StoreInfo

ORDER_EVENT = "Order Completed"
STATUS_OF_EVENT = {
    "Order Completed": "confirmed and being prepared",
    "Order Shipped": "dispatched",
    "Order Delivered": "delivered",
    "Order Cancelled": "cancelled",
    "Order Refunded": "refunded",
}
LOYALTY_TRAITS = ("loyalty_points", "points_balance", "loyalty_balance")
PURPOSE_OF_CHANNEL = {"email": "email", "sms": "sms"}


def _customer_events(ctx: ServiceContext, customer_id: str) -> pd.DataFrame:
    """Every warehouse event of one customer (empty before the first sync)."""
    from vantage.profiles.computed import customer_events
    from vantage.services.warehouse import open_warehouse

    with open_warehouse(ctx.settings, timeout_s=30) as store:
        if not store.has_table("identity_map"):
            return pd.DataFrame(columns=["timestamp", "type", "event", "payload"])
        ids = store.table("identity_map")
        mine = ids.filter(ids.customer_id == customer_id)
        return store.execute(
            customer_events(store.table("events"), mine).select(
                "timestamp", "type", "event", "payload"
            )
        )


def _orders(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Orders by id: date, total, products and the status of the latest order event."""
    orders: dict[str, dict[str, Any]] = {}
    for row in frame.sort_values("timestamp").itertuples(index=False):
        if not str(row.event or "").startswith("Order "):
            continue
        props = orjson.loads(str(row.payload)).get("properties") or {}
        order_id = str(props.get("order_id") or "")
        if not order_id:
            continue
        order = orders.setdefault(order_id, {"order_id": order_id})
        if row.event == ORDER_EVENT:
            order.update(
                date=pd.Timestamp(str(row.timestamp)).date().isoformat(),
                total=props.get("total", props.get("revenue")),
                currency=props.get("currency"),
                products=[str(p.get("name")) for p in props.get("products") or [] if p.get("name")],
            )
        order["status"] = STATUS_OF_EVENT.get(str(row.event), str(row.event).lower())
    return {k: v for k, v in orders.items() if "date" in v}


@dataclass
class PlatformActions:
    """Actions for one conversation.

    Args:
        ctx: The workspace.
        state: The conversation (its session id and verified identifier are used).
        directory: The store directory.
        retriever: FAQ retrieval.
        min_score: Blended retrieval score under which a passage is not used as an answer.
        clock: Returns the local time (tests pass a fixed one).
    """

    ctx: ServiceContext
    state: ConversationState
    directory: list[StoreInfo]
    retriever: HybridRetriever
    min_score: float = 0.35
    clock: Callable[[], datetime] = datetime.now
    _events: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def session_id(self) -> str:
        """The conversation's id."""
        return self.state.session_id

    @property
    def identifier(self) -> tuple[str, str] | None:
        """``(id_type, id_value)`` the customer was verified with."""
        return self.state.identifier

    def _mine(self, customer_id: str) -> pd.DataFrame:
        if customer_id not in self._events:
            self._events[customer_id] = _customer_events(self.ctx, customer_id)
        return self._events[customer_id]

    def verify(self, email: str, order_id: str) -> str | None:
        """The customer with this e-mail if this order is theirs, else None."""
        from vantage.services.profiles import ProfileNotFoundError, find_customer
        from vantage.services.warehouse import open_warehouse

        try:
            with open_warehouse(self.ctx.settings, timeout_s=30) as store:
                customer = find_customer(store, "email", email)
        except ProfileNotFoundError:
            return None
        return customer if order_id.upper() in _orders(self._mine(customer)) else None

    def order_status(self, customer_id: str, order_id: str) -> dict[str, Any] | None:
        """The customer's order ``order_id``, None when they have no such order."""
        return _orders(self._mine(customer_id)).get(order_id.upper())

    def purchase_history(self, customer_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """The customer's latest orders, newest first."""
        orders = sorted(_orders(self._mine(customer_id)).values(), key=lambda o: o["date"])
        return orders[::-1][:limit]

    def loyalty_balance(self, customer_id: str) -> dict[str, Any]:
        """Points from a loyalty trait, else earned by the scheme's rule (1 point per pound)."""
        frame = self._mine(customer_id)
        traits: dict[str, Any] = {}
        for row in frame[frame["type"] == "identify"].sort_values("timestamp").itertuples():
            traits.update(orjson.loads(str(row.payload)).get("traits") or {})
        for name in LOYALTY_TRAITS:
            if isinstance(traits.get(name), int | float):
                return {"points": int(traits[name]), "source": f"trait {name}"}
        if not traits.get("loyalty_card_no") and not traits.get("loyalty_card"):
            return {"points": None, "source": "no loyalty card on the profile"}
        spent = sum(float(o.get("total") or 0) for o in _orders(frame).values())
        return {"points": int(spent), "source": "1 point per pound spent"}

    def set_consent(self, customer_id: str, channel: str, granted: bool) -> dict[str, Any]:
        """Record the decision for ``channel`` marketing in an event and the consent ledger."""
        if self.identifier is None:
            raise VantageError(
                "The customer's verified identifier is unknown, so consent cannot be recorded.",
                "Verify the customer with an e-mail or a user id first.",
            )
        category = PURPOSE_OF_CHANNEL.get(channel, channel)
        id_type, id_value = self.identifier
        key = "userId" if id_type == "user_id" else None
        message: dict[str, Any] = {
            "type": "identify",
            "context": {"consent": {"categoryPreferences": {category: granted}}},
            "traits": {} if key else {id_type: id_value},
        }
        if key:
            message[key] = id_value
        else:
            message["anonymousId"] = f"assistant-{self.session_id}"
        recorded = write_events(self.ctx, [message], record_consent=True)
        return {"channel": channel, "granted": granted, **recorded}

    def open_complaint(self, customer_id: str, text: str, order_id: str | None) -> dict[str, Any]:
        """Queue a complaint and add a ``Complaint Opened`` event to the profile."""
        row = AssistantStore(self.ctx.settings.home).add_complaint(
            self.session_id, customer_id, text, order_id
        )
        message = self._track("Complaint Opened", {"complaint_id": row["id"], "text": text})
        if message is not None:
            write_events(self.ctx, [message])
        return row

    def _track(self, event: str, properties: dict[str, Any]) -> dict[str, Any] | None:
        if self.identifier is None:
            return None
        id_type, id_value = self.identifier
        message: dict[str, Any] = {"type": "track", "event": event, "properties": properties}
        if id_type == "user_id":
            message["userId"] = id_value
        else:
            message["anonymousId"] = f"assistant-{self.session_id}"
            message["context"] = {"traits": {id_type: id_value}}
        return message

    def answer(self, question: str) -> Hit | None:
        """The best FAQ passage when its blended score reaches ``min_score``."""
        hits = self.retriever.search(question, k=1)
        return hits[0] if hits and hits[0].score >= self.min_score else None

    def stores(self) -> list[StoreInfo]:
        """The store directory."""
        return self.directory

    def now(self) -> datetime:
        """Local time."""
        return self.clock()
