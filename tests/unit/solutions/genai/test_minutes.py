from __future__ import annotations

from datetime import date

import pytest

from solutions.genai.fake_openai import FakeOpenAI
from vantage.solutions.genai.backends import OpenAICompatibleBackend
from vantage.solutions.genai.errors import GenAIError
from vantage.solutions.genai.minutes import llm_minutes, parse_transcript, resolve_due, rule_minutes

TRANSCRIPT = """\
Alice: Thanks for joining. We need to sort out the spring launch.
Bob: The printer said the brochures can be ready in two weeks.
Alice: OK. We decided to move the launch to April.
Bob: I will update the press release by Friday.
Alice: Carol, please book the venue by 10 March.
Carol: Sure. Dan will send the invitations before the end of the month.
Dan: Fine. Let's go with the blue design for the banners.
Alice: Action: review the budget with finance next week.
"""
MONDAY = date(2026, 3, 2)


def test_rules_find_decisions_owners_and_due_dates() -> None:
    minutes = rule_minutes(TRANSCRIPT, MONDAY)
    assert minutes.decisions == [
        "We decided to move the launch to April.",
        "Let's go with the blue design for the banners.",
    ]
    items = {a.task: a for a in minutes.action_items}
    assert set(items) == {
        "update the press release",
        "book the venue",
        "send the invitations",
        "review the budget with finance",
    }
    assert (items["update the press release"].owner, items["update the press release"].due) == (
        "Bob",
        date(2026, 3, 6),
    )
    assert items["book the venue"].owner == "Carol"
    assert items["book the venue"].due == date(2026, 3, 10)
    assert items["send the invitations"].due == date(2026, 3, 31)
    assert items["review the budget with finance"].owner is None
    assert minutes.attendees == ["Alice", "Bob", "Carol", "Dan"]
    assert minutes.summary


def test_sentences_without_commitments_are_not_action_items() -> None:
    minutes = rule_minutes("Ann: It will rain tomorrow.\nBen: We went to the park.", MONDAY)
    assert minutes.action_items == []
    assert minutes.decisions == []


def test_due_phrases_resolve_against_the_meeting_date() -> None:
    assert resolve_due("tomorrow", MONDAY) == date(2026, 3, 3)
    assert resolve_due("end of the week", MONDAY) == date(2026, 3, 6)
    assert resolve_due("next Friday", MONDAY) == date(2026, 3, 6)
    assert resolve_due("end of quarter", MONDAY) == date(2026, 3, 31)
    assert resolve_due("EOD", MONDAY) == MONDAY


def test_transcript_lines_without_speaker_continue_the_turn() -> None:
    turns = parse_transcript("Ann: first part\nsecond part\n\nBen: reply")
    assert [(t.speaker, t.text) for t in turns] == [
        ("Ann", "first part second part"),
        ("Ben", "reply"),
    ]
    with pytest.raises(GenAIError, match="transcript is empty"):
        parse_transcript("  \n ")


def test_llm_minutes_parse_the_models_json(fake_llm: FakeOpenAI) -> None:
    fake_llm.replies = [
        'Here you go: {"summary": "Launch moved.", "decisions": ["Launch in April"], '
        '"action_items": [{"task": "update press release", "owner": "Bob", "due": "Friday"}]}'
    ]
    backend = OpenAICompatibleBackend("m", base_url=fake_llm.url)
    minutes = llm_minutes(backend, TRANSCRIPT, MONDAY)
    assert minutes.decisions == ["Launch in April"]
    assert minutes.action_items[0].due == date(2026, 3, 6)
    assert minutes.method == "llm (m)"
    assert "2026-03-02" in fake_llm.requests[0]["messages"][-1]["content"]
    fake_llm.replies = ["no json here"]
    with pytest.raises(GenAIError, match="not JSON"):
        llm_minutes(backend, TRANSCRIPT, MONDAY)
