from __future__ import annotations

from pathlib import Path

import pytest

from solutions.genai.fake_openai import FakeOpenAI, fake_openai_server
from vantage.solutions.genai.backends import (
    Message,
    OpenAICompatibleBackend,
    Pricing,
    ResponseCache,
    RetryPolicy,
)
from vantage.solutions.genai.errors import BackendError, TransientBackendError


def backend(fake: FakeOpenAI, **kwargs: object) -> OpenAICompatibleBackend:
    kwargs.setdefault("sleep", lambda _s: None)
    return OpenAICompatibleBackend("fake-model", base_url=fake.url, timeout_s=5, **kwargs)  # type: ignore[arg-type]


def test_complete_sends_chat_messages_and_counts_tokens(fake_llm: FakeOpenAI) -> None:
    fake_llm.replies = ["Hello there, friend."]
    llm = backend(fake_llm, pricing=Pricing(prompt_per_1k=1.0, completion_per_1k=2.0))
    out = llm.complete(
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hi"}],
        max_tokens=10,
        temperature=0,
    )
    assert out.text == "Hello there, friend."
    assert out.usage.prompt_tokens == 4 and out.usage.completion_tokens == 3
    assert out.cost == pytest.approx((4 * 1.0 + 3 * 2.0) / 1000)
    sent = fake_llm.requests[0]
    assert sent["model"] == "fake-model" and sent["max_tokens"] == 10
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}
    assert llm.accounting.as_dict()["total_tokens"] == 7


def test_stream_yields_pieces_from_server_sent_events(fake_llm: FakeOpenAI) -> None:
    fake_llm.replies = ["one two three"]
    pieces = list(backend(fake_llm).stream("count"))
    assert pieces == ["one", " two", " three"]
    assert fake_llm.requests[0]["stream"] is True


def test_cache_answers_identical_calls_once(fake_llm: FakeOpenAI, tmp_path: Path) -> None:
    llm = backend(fake_llm, cache=ResponseCache(tmp_path / "cache.sqlite"))
    first = llm.complete("same question", temperature=0)
    second = llm.complete("same question", temperature=0)
    other = llm.complete("same question", temperature=0.5)
    assert len(fake_llm.requests) == 2
    assert second.cached and not first.cached and not other.cached
    assert second.text == first.text
    assert llm.accounting.cache_hits == 1
    reopened = backend(fake_llm, cache=ResponseCache(tmp_path / "cache.sqlite"))
    assert reopened.complete("same question", temperature=0).cached


def test_transient_failures_are_retried_with_backoff(fake_llm: FakeOpenAI) -> None:
    waits: list[float] = []
    fake_llm.failures = [503, 429]
    llm = backend(fake_llm, retry=RetryPolicy(attempts=3, backoff_s=0.5), sleep=waits.append)
    assert llm.complete("hi").text.startswith("echo:")
    assert waits == [0.5, 1.0]
    assert llm.accounting.retries == 2


def test_retries_give_up_after_the_last_attempt(fake_llm: FakeOpenAI) -> None:
    fake_llm.failures = [500, 500]
    llm = backend(fake_llm, retry=RetryPolicy(attempts=2, backoff_s=0.1))
    with pytest.raises(TransientBackendError, match="answered 500"):
        llm.complete("hi")


def test_wrong_api_key_is_not_retried_and_says_what_to_fix() -> None:
    with fake_openai_server(api_key="right") as fake:
        llm = backend(fake, api_key="wrong")
        with pytest.raises(BackendError, match="answered 401") as info:
            llm.complete("hi")
        assert "api_key" in (info.value.fix or "")
        assert len(fake.requests) == 1
        assert backend(fake, api_key="right").complete("hi").text.startswith("echo:")


def test_unreachable_server_times_out_as_transient() -> None:
    llm = OpenAICompatibleBackend(
        "m", base_url="http://127.0.0.1:9/v1", retry=RetryPolicy(attempts=1), timeout_s=1
    )
    with pytest.raises(TransientBackendError, match="did not answer"):
        llm.complete("hi")


def test_images_endpoint_returns_png_bytes(fake_llm: FakeOpenAI) -> None:
    images = backend(fake_llm).generate_images("a red shoe", n=2, size="256x256")
    assert len(images) == 2
    assert images[0].data is not None and images[0].data.startswith(b"\x89PNG")
    assert fake_llm.paths[-1] == "/v1/images/generations"
    assert fake_llm.requests[-1]["prompt"] == "a red shoe"


def test_bad_messages_and_options_name_the_field(fake_llm: FakeOpenAI) -> None:
    llm = backend(fake_llm)
    with pytest.raises(BackendError, match=r"messages\[0\]\.role"):
        llm.complete([{"role": "robot", "content": "x"}])
    with pytest.raises(BackendError, match="Unknown generation option 'temp'"):
        llm.complete("x", temp=1)
    with pytest.raises(BackendError, match="messages is empty"):
        llm.complete([])
    assert Message(role="user", content="x").role == "user"


def test_plain_prompt_puts_answers_after_their_prompts() -> None:
    from vantage.solutions.genai.backends.local import plain_prompt

    text = plain_prompt(
        [
            Message(role="system", content="Describe products."),
            Message(role="user", content="Product: Mug\nDescription:"),
            Message(role="assistant", content="A white mug."),
            Message(role="user", content="Product: Cup\nDescription:"),
        ]
    )
    assert text == (
        "Describe products.\n\nProduct: Mug\nDescription: A white mug.\n\nProduct: Cup\n"
        "Description:"
    )
