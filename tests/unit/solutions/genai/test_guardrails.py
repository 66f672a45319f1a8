from __future__ import annotations

import pytest

from solutions.genai.fake_openai import FakeOpenAI
from vantage.solutions.genai.backends import OpenAICompatibleBackend
from vantage.solutions.genai.errors import GuardrailError
from vantage.solutions.genai.guardrails import (
    GuardedBackend,
    PIIRedactor,
    check_output,
    contains_pii,
    enforce_output,
)

PROMPT = (
    "Write to Ann Lee (ann.lee@example.com, +44 7700 900123) about her order. "
    "Her colleague Mark Jones called from (212) 555-0142."
)


def test_redactor_replaces_and_restores_pii() -> None:
    redactor = PIIRedactor(names=["Ann Lee"], ner=False)
    redacted = redactor.redact(PROMPT)
    assert "ann.lee@example.com" not in redacted and "7700" not in redacted
    assert "Ann Lee" not in redacted and "555-0142" not in redacted
    assert "[EMAIL_1]" in redacted and "[PHONE_1]" in redacted and "[NAME_1]" in redacted
    assert redactor.restore("Dear [NAME_1], we will call [PHONE_1].").startswith("Dear Ann Lee")


def test_external_backend_receives_no_pii(fake_llm: FakeOpenAI) -> None:
    fake_llm.replies = ["Hi [NAME_1], your order ships today.", "one [NAME_1] two"]
    inner = OpenAICompatibleBackend("m", base_url=fake_llm.url)
    guarded = GuardedBackend(inner, names=["Ann Lee"])
    out = guarded.complete([{"role": "user", "content": PROMPT}])
    sent = fake_llm.sent_text()
    assert contains_pii(sent, names=["Ann Lee", "Mark Jones"]) == []
    assert "Mark Jones" not in sent, "spaCy NER should find the other person's name"
    assert out.text == "Hi Ann Lee, your order ships today."
    assert "".join(guarded.stream(PROMPT)) == "one Ann Lee two"


def test_pii_is_sent_when_allowed(fake_llm: FakeOpenAI) -> None:
    inner = OpenAICompatibleBackend("m", base_url=fake_llm.url)
    GuardedBackend(inner, allow_pii=True).complete(PROMPT)
    assert "ann.lee@example.com" in fake_llm.sent_text()


def test_image_prompts_are_redacted_too(fake_llm: FakeOpenAI) -> None:
    inner = OpenAICompatibleBackend("m", base_url=fake_llm.url)
    images = GuardedBackend(inner, ner=False).generate_images("poster for bob@example.com")
    assert images[0].data is not None
    assert "bob@example.com" not in fake_llm.sent_text()


def test_output_checks_name_the_problem() -> None:
    assert check_output("A miracle cure!") == [
        "contains the banned term 'miracle'",
        "contains the banned term 'cure'",
    ]
    assert check_output("secure payment") == []
    assert check_output("x" * 20, max_chars=10) == ["is 20 characters long, over the limit of 10"]
    with pytest.raises(GuardrailError, match="banned term 'cheap'"):
        enforce_output("So cheap!", banned_terms=["cheap"])
    assert enforce_output("Fine copy.") == "Fine copy."
