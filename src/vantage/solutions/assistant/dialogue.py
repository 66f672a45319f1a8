"""The dialogue manager: forms that collect slots, confirmations, identification, hand-off.

One call of :meth:`DialogueManager.respond` handles one customer message:

1. the NLU reads an intent, its confidence and the slot values in the message;
2. if the last reply asked something (a slot, a yes/no, an identification detail), the message
   answers it first: values fill the slot (a new value during a confirmation corrects it),
   "no" cancels, a clear new request switches task;
3. otherwise the intent starts a task: account tasks first identify the customer (e-mail and
   an order number that must match one profile) unless the caller already verified one;
   missing slots are asked one by one; tasks that change something ask for confirmation;
4. questions go to the FAQ retriever; what is neither understood nor found counts as a
   fallback, and the second fallback in a row (or asking for a person) hands the conversation
   to a human.

Follow-ups keep context: "and in Leeds?" after a store-hours answer reuses that task with the
new store. Account data is only ever fetched for the verified customer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from vantage.solutions.assistant.intents import OUT_OF_SCOPE
from vantage.solutions.assistant.knowledge import Hit
from vantage.solutions.assistant.state import Actions, ConversationState, Reply, Understanding
from vantage.solutions.assistant.tasks import TASKS, confirmation
from vantage.solutions.assistant.training import TrainingData

YES = re.compile(
    r"^\s*(yes|yeah|yep|yup|sure|ok(ay)?|correct|go ahead|please do|confirm|do it)\b", re.I
)
NO = re.compile(r"^\s*(no|nope|nah|cancel|stop|don'?t|never ?mind)\b", re.I)
MAX_FALLBACKS = 2
SWITCH_CONFIDENCE = 0.5
DIALOGUE_INTENTS = frozenset({"affirm", "deny"})
NOT_YOURS = (
    "I can only help with the account you're verified for, so I can't look at another "
    "customer's details."
)


class DialogueManager:
    """Turns messages into replies, keeping each conversation's state.

    Args:
        nlu: Callable reading a message into an :class:`Understanding`.
        data: The training data (intents, slots, responses).
        actions: What the assistant can do on the platform.
    """

    def __init__(
        self,
        nlu: Callable[[str], Understanding],
        data: TrainingData,
        actions: Actions,
    ) -> None:
        self.nlu = nlu
        self.data = data
        self.actions = actions

    def respond(self, state: ConversationState, text: str) -> Reply:
        """Answer one customer message and update ``state`` (turns included)."""
        understood = self.nlu(text)
        state.turns.append({"role": "customer", "text": text, "intent": understood.intent})
        if state.handed_off:
            reply = self._reply(
                understood, "A colleague has your conversation and will reply here.", "handoff"
            )
        else:
            reply = self._step(state, understood, text)
        reply.slots = dict(state.slots)
        state.turns.append(
            {
                "role": "assistant",
                "text": reply.text,
                "intent": reply.intent,
                "outcome": reply.outcome,
            }
        )
        return reply

    def _reply(self, u: Understanding, text: str, outcome: str, **extra: Any) -> Reply:
        return Reply(text=text, intent=u.intent, confidence=u.confidence, outcome=outcome, **extra)

    def _handoff(self, state: ConversationState, u: Understanding) -> Reply:
        state.handed_off, state.awaiting, state.task = True, None, None
        return self._reply(u, self.data.reply("handoff"), "handoff")

    def _step(self, state: ConversationState, u: Understanding, text: str) -> Reply:
        if u.intent == "human":
            return self._handoff(state, u)
        if state.awaiting is not None:
            reply = self._answer_question(state, u, text)
            if reply is not None:
                return reply
        return self._new_request(state, u, text)

    def _switches(self, state: ConversationState, u: Understanding) -> bool:
        """Whether a message is clearly a new request rather than an answer."""
        return (
            u.intent in self.data.intents
            and u.intent not in DIALOGUE_INTENTS
            and u.intent != state.task
            and u.confidence >= SWITCH_CONFIDENCE
        )

    def _answer_question(
        self, state: ConversationState, u: Understanding, text: str
    ) -> Reply | None:
        awaiting = state.awaiting or ""
        if awaiting.startswith("identify:"):
            given = u.slots.get("email") or u.slots.get("order_id")
            if not given and self._switches(state, u):
                state.awaiting, state.pending = None, {}
                return None
            return self._identify(state, u, text)
        if awaiting == "confirm":
            corrected = self._fill(state, u, text, only_given=True)
            if corrected:
                return self._continue(state, u)
            if YES.match(text) or u.intent == "affirm":
                return self._execute(state, u)
            if NO.match(text) or u.intent == "deny":
                return self._cancel(state, u)
            state.awaiting = None
            return None
        slot = awaiting.removeprefix("slot:")
        if self.data.slots[slot].type in u.slots and self._fill(state, u, text, wanted=slot):
            return self._continue(state, u)
        if self._switches(state, u):
            state.awaiting = None
            return None
        if self._fill(state, u, text, wanted=slot):
            return self._continue(state, u)
        if NO.match(text) or u.intent == "deny":
            return self._cancel(state, u)
        return self._fallback(
            state, u, self.data.slots[slot].prompt.format(stores=self._store_names())
        )

    def _cancel(self, state: ConversationState, u: Understanding) -> Reply:
        state.task, state.awaiting = None, None
        return self._reply(u, self.data.reply("cancelled") or "OK, cancelled.", "cancelled")

    def _fill(
        self,
        state: ConversationState,
        u: Understanding,
        text: str,
        wanted: str | None = None,
        only_given: bool = False,
    ) -> bool:
        """Copy the values of the task's slots found in the message into the state."""
        if state.task is None:
            return False
        changed = False
        for name in self.data.intents[state.task].slots:
            spec = self.data.slots[name]
            value = u.slots.get(spec.type)
            if value is None and spec.type == "text" and name == wanted and not only_given:
                value = text.strip()
            if value is not None and state.slots.get(name) != value:
                state.slots[name] = value
                changed = True
        for extra in ("date", "store"):
            if extra in u.slots and not only_given:
                state.slots[extra] = u.slots[extra]
        return changed

    def _new_request(self, state: ConversationState, u: Understanding, text: str) -> Reply:
        intent = u.intent
        follow_up = state.last_task
        unsure = u.confidence < SWITCH_CONFIDENCE or intent in (OUT_OF_SCOPE, *DIALOGUE_INTENTS)
        if unsure and follow_up in TASKS:
            relevant = {self.data.slots[s].type for s in self.data.intents[follow_up].slots}
            if relevant & set(u.slots):
                intent = follow_up
        spec = self.data.intents.get(intent)
        if spec is not None and spec.response is not None and intent not in TASKS:
            state.fallbacks = 0
            return self._reply(u, self.data.reply(spec.response), "answered")
        if intent in TASKS and u.confidence < SWITCH_CONFIDENCE and not u.slots:
            # An unsure task reading of a message the FAQ answers well is a question.
            hit = self.actions.answer(text)
            if hit is not None:
                return self._knowledge(state, u, text, hit)
        if intent in TASKS:
            state.fallbacks = 0
            other = u.slots.get("email")
            verified = state.identifier
            if (
                spec is not None
                and spec.account
                and verified
                and other
                and verified != ("email", other)
            ):
                return self._reply(u, NOT_YOURS, "refused")
            carried = {k: v for k, v in state.slots.items() if intent == state.last_task}
            state.task, state.slots, state.awaiting = intent, carried, None
            long_text = len(text.split()) > 8 and not u.slots.get("order_id")
            self._fill(state, u, text, wanted="complaint_text" if long_text else None)
            if intent == "store_locations" and "store" not in state.slots:
                return self._execute(state, u)
            return self._continue(state, u)
        return self._knowledge(state, u, text)

    def _knowledge(
        self, state: ConversationState, u: Understanding, text: str, hit: Hit | None = None
    ) -> Reply:
        hit = hit or self.actions.answer(text)
        if hit is not None:
            state.fallbacks = 0
            return self._reply(
                u,
                f"{hit.passage.text}\n(Source: {hit.passage.source})",
                "answered",
                sources=[hit.passage.source],
                data={"title": hit.passage.title, "score": round(hit.score, 3)},
            )
        return self._fallback(state, u, self.data.reply("fallback"))

    def _fallback(self, state: ConversationState, u: Understanding, text: str) -> Reply:
        state.fallbacks += 1
        if state.fallbacks >= MAX_FALLBACKS:
            return self._handoff(state, u)
        return self._reply(u, text, "fallback")

    def _continue(self, state: ConversationState, u: Understanding) -> Reply:
        task = state.task
        if task is None:
            return self._reply(u, self.data.reply("fallback"), "fallback")
        spec = self.data.intents[task]
        if spec.account and state.customer_id is None:
            return self._identify(state, u, "")
        for name in spec.slots:
            if name not in state.slots:
                state.awaiting = f"slot:{name}"
                prompt = self.data.slots[name].prompt.format(stores=self._store_names())
                return self._reply(u, prompt, "asked")
        if spec.confirm:
            state.awaiting = "confirm"
            return self._reply(u, confirmation(task, state.slots), "asked")
        return self._execute(state, u)

    def _execute(self, state: ConversationState, u: Understanding) -> Reply:
        task = state.task or ""
        text, data = TASKS[task](state, self.actions)
        state.awaiting, state.task, state.last_task = None, None, task
        state.fallbacks = 0
        return self._reply(u, text, "answered", data=data)

    def _identify(self, state: ConversationState, u: Understanding, text: str) -> Reply:
        """Collect e-mail and order number, then verify them against one profile."""
        asked = bool(state.awaiting and state.awaiting.startswith("identify:"))
        if asked and (NO.match(text) or u.intent == "deny"):
            state.pending = {}
            return self._cancel(state, u)
        for key in ("email", "order_id"):
            if u.slots.get(key):
                state.pending[key] = str(u.slots[key])
        if "email" not in state.pending:
            state.awaiting = "identify:email"
            return self._reply(u, self.data.reply("identify_email"), "asked")
        if "order_id" not in state.pending:
            state.awaiting = "identify:order_id"
            return self._reply(u, self.data.reply("identify_order"), "asked")
        customer = self.actions.verify(state.pending["email"], state.pending["order_id"])
        email = state.pending["email"]
        state.pending, state.awaiting = {}, None
        if customer is None:
            state.task = None
            return self._reply(u, self.data.reply("identify_failed"), "refused")
        state.customer_id, state.verified_by = customer, "email+order"
        state.identifier = ("email", email)
        reply = self._continue(state, u)
        reply.text = f"{self.data.reply('identified')} {reply.text}".strip()
        return reply

    def _store_names(self) -> str:
        return ", ".join(s.name for s in self.actions.stores())
