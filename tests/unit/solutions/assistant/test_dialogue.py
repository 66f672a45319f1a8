"""Scripted conversations: happy paths, corrections, out of scope, hand-off, identification."""

from __future__ import annotations

from vantage.solutions.assistant.dialogue import DialogueManager
from vantage.solutions.assistant.state import ConversationState, Reply

from .conftest import FakeActions


def talk(
    manager: DialogueManager, *messages: str, state: ConversationState | None = None
) -> list[Reply]:
    state = state or ConversationState("s1")
    return [manager.respond(state, m) for m in messages]


def test_order_status_happy_path_identifies_then_answers(manager: DialogueManager) -> None:
    replies = talk(manager, "hi", "where is my order HP1000001", "ann@example.com")
    assert replies[0].intent == "greet" and replies[0].outcome == "answered"
    assert replies[1].intent == "order_status" and replies[1].outcome == "asked"
    assert "e-mail" in replies[1].text
    assert replies[2].outcome == "answered"
    assert "dispatched" in replies[2].text and replies[2].data["order_id"] == "HP1000001"


def test_form_asks_for_missing_order_number(manager: DialogueManager) -> None:
    state = ConversationState("s2", customer_id="c-ann", verified_by="user_id")
    replies = talk(manager, "where is my order", "it's HP1000001", state=state)
    assert replies[0].outcome == "asked" and "order number" in replies[0].text
    assert state.slots["order_id"] == "HP1000001"
    assert replies[1].outcome == "answered" and "dispatched" in replies[1].text


def test_unsubscribe_confirms_then_changes_consent(
    manager: DialogueManager, actions: FakeActions
) -> None:
    state = ConversationState("s3", customer_id="c-ann", verified_by="user_id")
    replies = talk(manager, "stop emailing me", "yes", state=state)
    assert replies[0].outcome == "asked" and "e-mail" in replies[0].text
    assert replies[1].outcome == "answered"
    assert actions.consent == [("c-ann", "email", False)]


def test_correction_during_confirmation_changes_the_slot(
    manager: DialogueManager, actions: FakeActions
) -> None:
    state = ConversationState("s4", customer_id="c-ann", verified_by="user_id")
    replies = talk(manager, "stop emailing me", "no, I meant text messages", "yes", state=state)
    assert "SMS" in replies[1].text and replies[1].outcome == "asked"
    assert actions.consent == [("c-ann", "sms", False)]


def test_deny_cancels_without_acting(manager: DialogueManager, actions: FakeActions) -> None:
    state = ConversationState("s5", customer_id="c-ann", verified_by="user_id")
    replies = talk(manager, "unsubscribe me from your emails", "no", state=state)
    assert replies[1].outcome == "cancelled"
    assert actions.consent == []


def test_complaint_collects_text_and_opens_it(
    manager: DialogueManager, actions: FakeActions
) -> None:
    state = ConversationState("s6", customer_id="c-bob", verified_by="user_id")
    replies = talk(
        manager,
        "I want to make a complaint",
        "the jacket zip broke after one day",
        "yes",
        state=state,
    )
    assert replies[1].outcome == "asked" and "zip broke" in replies[1].text
    assert replies[2].outcome == "answered" and "CMP-1" in replies[2].text
    assert actions.complaints[0][:2] == ("c-bob", "the jacket zip broke after one day")


def test_store_hours_with_context_follow_up(manager: DialogueManager) -> None:
    replies = talk(manager, "what time does the Leeds store open on sunday", "and Glasgow?")
    assert replies[0].intent == "store_hours"
    assert "Leeds Trinity" in replies[0].text and "11:00" in replies[0].text
    assert "Glasgow Buchanan is closed" in replies[1].text


def test_knowledge_answer_quotes_passage_and_source(manager: DialogueManager) -> None:
    [reply] = talk(manager, "how long do refunds take")
    assert reply.outcome == "answered"
    assert reply.sources == ["returns.md#How long do refunds take?"]
    assert "5 working days" in reply.text


def test_out_of_scope_falls_back_then_hands_off(manager: DialogueManager) -> None:
    state = ConversationState("s7")
    replies = talk(manager, "tell me a joke", "what's the weather tomorrow", state=state)
    assert replies[0].intent == "out_of_scope" and replies[0].outcome == "fallback"
    assert replies[1].outcome == "handoff" and state.handed_off


def test_asking_for_a_person_hands_off_at_once(manager: DialogueManager) -> None:
    state = ConversationState("s8")
    replies = talk(manager, "can I talk to a human", "hello?", state=state)
    assert replies[0].handoff and replies[1].outcome == "handoff"


def test_unidentified_customer_gets_no_account_data(
    manager: DialogueManager, actions: FakeActions
) -> None:
    replies = talk(manager, "how many loyalty points do I have", "ann@example.com", "HP1000002")
    assert replies[-1].outcome == "refused"
    assert "1,234" not in replies[-1].text and "7 loyalty" not in replies[-1].text
    assert actions.looked_up == []


def test_verified_customer_cannot_read_another_customers_order(
    manager: DialogueManager, actions: FakeActions
) -> None:
    state = ConversationState("s9", customer_id="c-ann", verified_by="user_id")
    [reply] = talk(manager, "where is my order HP1000002", state=state)
    assert "can't find order HP1000002" in reply.text
    assert "dispatched" not in reply.text
    assert actions.looked_up == ["c-ann"]


def test_verified_customer_cannot_ask_about_another_email(manager: DialogueManager) -> None:
    state = ConversationState(
        "s10",
        customer_id="c-ann",
        verified_by="email+order",
        identifier=("email", "ann@example.com"),
    )
    [reply] = talk(manager, "how many loyalty points does bob@example.com have", state=state)
    assert reply.outcome == "refused"


def test_state_round_trips_through_plain_data(manager: DialogueManager) -> None:
    state = ConversationState("s11")
    talk(manager, "where is my order HP1000001", state=state)
    again = ConversationState.from_dict(state.to_dict())
    [reply] = talk(manager, "ann@example.com", state=again)
    assert reply.outcome == "answered" and again.customer_id == "c-ann"


def test_a_slot_answer_is_not_mistaken_for_a_new_request(manager: DialogueManager) -> None:
    replies = talk(manager, "are you open on sunday", "Leeds")
    assert replies[0].outcome == "asked" and "Which store?" in replies[0].text
    assert replies[1].outcome == "answered"
    assert replies[1].text == "Leeds Trinity is open on Sunday from 11:00 to 17:00."


def test_store_locations_for_one_store(manager: DialogueManager) -> None:
    [reply] = talk(manager, "what's the address of your Bristol shop")
    assert reply.text == "Bristol Cabot Circus: Cabot Circus, Glass Walk, Bristol BS1 3BX."
