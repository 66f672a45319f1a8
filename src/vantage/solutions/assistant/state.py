"""What the dialogue manager reads and writes: the conversation state, the NLU result, a reply.

:class:`ConversationState` is plain data (JSON round-trips through :meth:`to_dict` and
:meth:`from_dict`), so a service can keep one per session id in any store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, Protocol

from vantage.solutions.assistant.knowledge import Hit
from vantage.solutions.assistant.training import StoreInfo

OUTCOMES = ("answered", "asked", "cancelled", "fallback", "handoff", "refused")


@dataclass
class Understanding:
    """What the NLU read in one message.

    Attributes:
        intent: The intent (``out_of_scope`` when unsure).
        confidence: The classifier's probability of that intent.
        slots: Slot type -> first value found (see :mod:`~vantage.solutions.assistant.slots`).
    """

    intent: str
    confidence: float
    slots: dict[str, Any] = field(default_factory=dict)


@dataclass
class ConversationState:
    """One conversation, carried across turns.

    Attributes:
        session_id: The conversation's id.
        customer_id: The verified customer, None until identified.
        verified_by: How the customer was verified (``user_id``, ``email+order``).
        identifier: ``(id_type, id_value)`` the customer was verified with.
        task: The intent being served (a form in progress), or None.
        slots: Slot name -> value collected for the task (kept for follow-up questions).
        awaiting: What the last reply asked for: ``slot:<name>``, ``confirm``,
            ``identify:email``, ``identify:order_id``, or None.
        pending: Identification details collected so far.
        last_task: The last task served (context for follow-ups such as "and in Leeds?").
        fallbacks: Consecutive messages not understood.
        handed_off: Whether a human has taken over.
        turns: ``{"role", "text", "intent", "outcome"}`` per message, oldest first.
    """

    session_id: str
    customer_id: str | None = None
    verified_by: str | None = None
    identifier: tuple[str, str] | None = None
    task: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    awaiting: str | None = None
    pending: dict[str, str] = field(default_factory=dict)
    last_task: str | None = None
    fallbacks: int = 0
    handed_off: bool = False
    turns: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConversationState:
        """Rebuild a state from :meth:`to_dict` output (unknown keys are ignored)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("identifier") is not None:
            values["identifier"] = tuple(values["identifier"])
        return cls(**values)

    def customer_texts(self) -> list[str]:
        """What the customer said, in order."""
        return [t["text"] for t in self.turns if t["role"] == "customer"]


@dataclass
class Reply:
    """The assistant's answer to one message.

    Attributes:
        text: What to show the customer.
        intent: The intent the message was read as.
        confidence: The classifier's confidence in it.
        outcome: One of ``answered``, ``asked``, ``cancelled``, ``fallback``, ``handoff``,
            ``refused``.
        slots: The slots of the task after this message.
        sources: Where a knowledge answer came from (``file.md#heading``).
        data: Structured result of an action (an order, a balance, a store...).
    """

    text: str
    intent: str
    confidence: float
    outcome: str
    slots: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def handoff(self) -> bool:
        """Whether this reply hands the conversation to a human."""
        return self.outcome == "handoff"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {**asdict(self), "handoff": self.handoff}


class Actions(Protocol):
    """What the assistant can do on the platform (the service layer implements it)."""

    def verify(self, email: str, order_id: str) -> str | None:
        """The customer whose profile has this e-mail and this order, else None."""

    def order_status(self, customer_id: str, order_id: str) -> dict[str, Any] | None:
        """The order if it belongs to ``customer_id``, else None."""

    def purchase_history(self, customer_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """The customer's latest orders, newest first."""

    def loyalty_balance(self, customer_id: str) -> dict[str, Any]:
        """The customer's loyalty points (``points``, ``card``...)."""

    def set_consent(self, customer_id: str, channel: str, granted: bool) -> dict[str, Any]:
        """Record the customer's consent decision for marketing on ``channel``."""

    def open_complaint(self, customer_id: str, text: str, order_id: str | None) -> dict[str, Any]:
        """Open a complaint; returns at least its ``id``."""

    def answer(self, question: str) -> Hit | None:
        """The best FAQ passage for ``question`` when it is good enough, else None."""

    def stores(self) -> list[StoreInfo]:
        """The store directory."""

    def now(self) -> datetime:
        """The current local time (for opening hours)."""
