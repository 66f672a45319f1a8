from __future__ import annotations

import pytest

from solutions.genai.fake_openai import FakeOpenAI
from vantage.solutions.genai.backends import OpenAICompatibleBackend
from vantage.solutions.genai.describe import (
    ProductInput,
    llm_description,
    measure,
    split_demo_name,
    template_description,
)
from vantage.solutions.genai.errors import ConsentError
from vantage.solutions.genai.messages import (
    CustomerProfile,
    choose_goal,
    compose_message,
)

MAT = ProductInput(
    name="Yoga Mat", category="sports", attributes={"colour": "purple", "price": 25.0}
)


def profile(**consent: bool) -> CustomerProfile:
    return CustomerProfile(
        customer_id="cus_1",
        first_name="Ann",
        traits={"orders": 6, "city": "Leeds"},
        predictions={"churn_90d": 0.8},
        recommendations=["Yoga Mat", "Water Bottle"],
        consent=consent,
    )


@pytest.mark.parametrize("tone", ["neutral", "friendly", "premium", "playful"])
@pytest.mark.parametrize("length", ["short", "medium", "long"])
def test_template_states_every_attribute_and_invents_nothing(tone: str, length: str) -> None:
    text = template_description(MAT, tone, length)
    result = measure(text, MAT, "template")
    assert result.coverage == 1.0
    assert result.invented == []
    assert result.problems == []


def test_length_changes_the_template_copy() -> None:
    short = template_description(MAT, "friendly", "short")
    long = template_description(MAT, "friendly", "long")
    assert len(long.split()) > len(short.split())


def test_llm_copy_is_measured_for_invented_facts(fake_llm: FakeOpenAI) -> None:
    fake_llm.replies = ["A purple Yoga Mat in organic cotton, 4 mm thick, for 25.00."]
    backend = OpenAICompatibleBackend("m", base_url=fake_llm.url)
    text = llm_description(backend, MAT, "friendly", "short")
    result = measure(text, MAT, "llm")
    assert result.coverage == 1.0
    assert result.invented == ["4", "cotton", "organic"]
    assert (
        "Attributes: colour: purple; price: 25.00"
        in fake_llm.requests[0]["messages"][-1]["content"]
    )


def test_banned_terms_and_demo_names() -> None:
    result = measure("Guaranteed to cure back pain: the purple Yoga Mat, 25.", MAT, "llm")
    assert any("guaranteed" in p for p in result.problems)
    assert split_demo_name("Yoga Mat (purple)") == ("Yoga Mat", "purple")
    assert split_demo_name("Gift Card") == ("Gift Card", None)


def test_no_message_without_consent_for_the_channel() -> None:
    with pytest.raises(ConsentError, match="has not consented to sms_marketing"):
        compose_message(profile(email_marketing=True, sms_marketing=False), "sms")
    with pytest.raises(ConsentError, match="has not consented to email_marketing"):
        compose_message(profile(), "email")
    with pytest.raises(ConsentError, match="Unknown channel 'fax'"):
        compose_message(profile(email_marketing=True), "fax")


def test_template_message_follows_predictions_and_channel_limits() -> None:
    consented = profile(email_marketing=True, sms_marketing=True)
    assert choose_goal(consented) == "win back"
    email = compose_message(consented, "email")
    assert email.subject == "We miss you, Ann!"
    assert "Yoga Mat" in email.text and email.invented == [] and email.problems == []
    sms = compose_message(consented, "sms")
    assert len(sms.text) <= 160 and sms.subject is None


def test_llm_message_that_invents_a_discount_falls_back_to_template(fake_llm: FakeOpenAI) -> None:
    backend = OpenAICompatibleBackend("m", base_url=fake_llm.url)
    consented = profile(sms_marketing=True)
    fake_llm.replies = ["Ann, get 30% off the Yoga Mat today!"]
    rejected = compose_message(consented, "sms", backend=backend)
    assert rejected.method == "template"
    assert "invented 30" in rejected.warnings[0]
    fake_llm.replies = ["Ann, we saved the Yoga Mat for you. Come back soon!"]
    accepted = compose_message(consented, "sms", backend=backend)
    assert accepted.method == "llm (m)"
    assert accepted.text.startswith("Ann, we saved")
