"""The tasks the assistant carries out once a form is complete, and their replies.

Each task takes the conversation state (customer and slots) and the platform
:class:`~vantage.solutions.assistant.state.Actions`, and returns the reply text and the data
behind it. Account tasks are only reached with a verified ``customer_id`` (the dialogue
manager enforces it) and only ever pass that id to the actions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from vantage.solutions.assistant.state import Actions, ConversationState
from vantage.solutions.assistant.training import DAYS, StoreInfo

TaskResult = tuple[str, dict[str, Any]]
CHANNEL_NAMES = {"email": "e-mail", "sms": "SMS"}


def _customer(state: ConversationState) -> str:
    if state.customer_id is None:
        raise RuntimeError("account task reached without a verified customer")
    return state.customer_id


def order_status(state: ConversationState, actions: Actions) -> TaskResult:
    """Status of the order in the ``order_id`` slot, if it is the customer's."""
    order_id = str(state.slots["order_id"])
    order = actions.order_status(_customer(state), order_id)
    if order is None:
        return (
            f"I can't find order {order_id} on your account. Please check the number.",
            {"order_id": order_id, "found": False},
        )
    items = ", ".join(order.get("products", [])[:3]) or "your items"
    return (
        f"Order {order_id} ({items}, {order.get('total', '?')}) placed on "
        f"{order.get('date', '?')}: {order.get('status', 'being processed')}.",
        {**order, "found": True},
    )


def purchase_history(state: ConversationState, actions: Actions) -> TaskResult:
    """The customer's latest orders."""
    orders = actions.purchase_history(_customer(state))
    if not orders:
        return "I can't see any purchases on your account yet.", {"orders": []}
    lines = [
        f"{o.get('date', '?')}: {o.get('order_id', '?')} ({o.get('total', '?')})" for o in orders
    ]
    return "Your latest orders: " + "; ".join(lines) + ".", {"orders": orders}


def loyalty_balance(state: ConversationState, actions: Actions) -> TaskResult:
    """The customer's loyalty points."""
    balance = actions.loyalty_balance(_customer(state))
    if balance.get("points") is None:
        return "I can't find a loyalty card on your account.", balance
    return f"You have {balance['points']:,} loyalty points.", balance


def _store(state: ConversationState, actions: Actions) -> StoreInfo | None:
    wanted = state.slots.get("store")
    return next((s for s in actions.stores() if s.id == wanted), None)


def store_hours(state: ConversationState, actions: Actions) -> TaskResult:
    """Opening hours of the store in the ``store`` slot, on the asked date or today."""
    store = _store(state, actions)
    if store is None:
        return "I don't know that store.", {}
    now = actions.now()
    day = date.fromisoformat(state.slots["date"]) if state.slots.get("date") else now.date()
    name = DAYS[day.weekday()]
    span = store.opening(name)
    when = "today" if day == now.date() else f"on {day.strftime('%A')}"
    if span is None:
        text = f"{store.name} is closed {when}."
    else:
        text = f"{store.name} is open {when} from {span[0]:%H:%M} to {span[1]:%H:%M}."
        if day == now.date():
            text += " It's open now." if store.is_open(now) else " It's closed right now."
    return text, {"store": store.model_dump(), "day": name}


def store_locations(state: ConversationState, actions: Actions) -> TaskResult:
    """The store in the ``store`` slot, or the whole directory."""
    store = _store(state, actions)
    stores = [store] if store is not None else actions.stores()
    text = "; ".join(f"{s.name}: {s.address}" for s in stores)
    return f"Our stores: {text}." if store is None else f"{text}.", {
        "stores": [s.model_dump() for s in stores]
    }


def _consent(granted: bool) -> Callable[[ConversationState, Actions], TaskResult]:
    def run(state: ConversationState, actions: Actions) -> TaskResult:
        channel = str(state.slots["channel"])
        result = actions.set_consent(_customer(state), channel, granted)
        label = CHANNEL_NAMES.get(channel, channel)
        text = (
            f"Done: you'll get our marketing by {label} again."
            if granted
            else f"Done: we won't send you marketing by {label} any more."
        )
        return text, result

    run.__doc__ = f"Record a consent decision (granted={granted}) for the ``channel`` slot."
    return run


def complaint(state: ConversationState, actions: Actions) -> TaskResult:
    """Open a complaint with the ``complaint_text`` slot (and the order, when known)."""
    result = actions.open_complaint(
        _customer(state), str(state.slots["complaint_text"]), state.slots.get("order_id")
    )
    return (
        f"I've opened complaint {result['id']}. Our team will get back to you within two "
        "working days.",
        result,
    )


TASKS: dict[str, Callable[[ConversationState, Actions], TaskResult]] = {
    "order_status": order_status,
    "purchase_history": purchase_history,
    "loyalty_balance": loyalty_balance,
    "store_hours": store_hours,
    "store_locations": store_locations,
    "unsubscribe": _consent(False),
    "subscribe": _consent(True),
    "complaint": complaint,
}


def confirmation(task: str, slots: dict[str, Any]) -> str:
    """The yes/no question asked before a task that needs confirming."""
    channel = CHANNEL_NAMES.get(str(slots.get("channel")), str(slots.get("channel")))
    if task == "unsubscribe":
        return f"Shall I stop all marketing to you by {channel}?"
    if task == "subscribe":
        return f"Shall I sign you up for marketing by {channel}?"
    if task == "complaint":
        return f'I\'ll open a complaint saying: "{slots.get("complaint_text")}". Shall I go ahead?'
    return "Shall I go ahead?"
