from __future__ import annotations

from collections.abc import Iterator

import pytest

from solutions.genai.fake_openai import FakeOpenAI, fake_openai_server


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    with fake_openai_server() as state:
        yield state
