"""The analyst's offline grammar: questions to segment definitions or measures."""

from __future__ import annotations

import pytest

from vantage.solutions.assistant.analyst import QuerySpec, parse_question
from vantage.solutions.assistant.errors import AssistantError


def test_bought_twice_last_month_but_not_since() -> None:
    plan = parse_question("How many customers bought twice in the last month but not since?")
    assert plan.kind == "segment" and plan.answer == "count"
    assert plan.segment is not None
    assert plan.segment["where"] == {
        "all": [
            {"event": "Order Completed", "count": {"op": ">=", "value": 2}, "within": "60d"},
            {"event": "Order Completed", "count": {"op": "=", "value": 0}, "within": "30d"},
        ]
    }


def test_audience_of_lapsed_high_spenders_with_email_consent() -> None:
    plan = parse_question("build an audience of lapsed high spenders who consented to e-mail")
    assert plan.answer == "list" and plan.segment is not None
    where = plan.segment["where"]["all"]
    assert {"trait": "revenue", "op": ">=", "value": 500} in where
    assert {"consent": "email_marketing"} in where
    assert plan.segment["name"].startswith("lapsed_high_spenders")


def test_segment_ranking_and_measures() -> None:
    ranked = parse_question("which segment has the highest churn risk")
    assert ranked.query == QuerySpec(measure="segment_score", score_model="churn_risk")
    monthly = parse_question("total revenue by month in the last 3 months")
    assert monthly.query == QuerySpec(measure="revenue", group_by="month", within_days=90)
    assert parse_question("how many customers do we have").query == QuerySpec(measure="customers")


def test_questions_outside_the_grammar_list_what_is_understood() -> None:
    with pytest.raises(AssistantError, match="offline grammar") as info:
        parse_question("what is the meaning of life")
    assert "docs/assistant.md" in str(info.value)
    with pytest.raises(AssistantError, match="empty"):
        parse_question("  ")


def test_out_of_range_period_is_a_clear_error() -> None:
    with pytest.raises(AssistantError, match="within_days out of range"):
        parse_question("how many orders in the last 99999 years")
