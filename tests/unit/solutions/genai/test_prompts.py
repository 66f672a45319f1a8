from __future__ import annotations

from pathlib import Path

import pytest

from solutions.genai.fake_openai import FakeOpenAI
from vantage.solutions.genai.backends import OpenAICompatibleBackend
from vantage.solutions.genai.errors import PromptError
from vantage.solutions.genai.evaluate import compare, evaluate_prompt
from vantage.solutions.genai.prompts import available_prompts, load_prompt

TEMPLATE = """
name: greet
version: v1
variables: [name]
template: "Say hello to {{ name }}."
eval:
  - input: {name: Ann}
    reference: hello Ann
    attributes: [Ann]
"""


def test_builtin_prompts_are_versioned_and_valid() -> None:
    found = available_prompts()
    assert found["describe"] == ["v1", "v2"]
    assert found["summarize"] == ["v1", "v2"]
    for name, versions in found.items():
        for version in versions:
            template = load_prompt(name, version=version)
            assert template.ref == f"{name}@{version}"
            assert template.eval, f"{template.ref} has no evaluation set"


def test_render_names_the_missing_variable() -> None:
    template = load_prompt("describe@v2")
    with pytest.raises(PromptError, match="needs variable 'tone'"):
        template.render(name="Mug", category="home", attributes="colour: white", words=20)


def test_few_shot_examples_become_chat_turns() -> None:
    template = load_prompt("describe", version="v2")
    messages = template.messages(
        name="Mug", category="home", attributes="colour: white", tone="friendly", words=20
    )
    roles = [m.role for m in messages]
    assert roles == ["system"] + ["user", "assistant"] * len(template.examples) + ["user"]
    assert "Product: Mug" in messages[-1].content
    assert messages[2].content == template.examples[0].output.strip()


def test_undeclared_variable_in_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(TEMPLATE.replace("variables: [name]", "variables: []"))
    with pytest.raises(PromptError, match="uses variable 'name', which is not declared"):
        load_prompt(path)


def test_unknown_prompt_and_version_say_what_exists() -> None:
    with pytest.raises(PromptError, match="No prompt named 'nope'") as info:
        load_prompt("nope")
    assert "describe" in (info.value.fix or "")
    with pytest.raises(PromptError, match="has no version 'v9'"):
        load_prompt("describe@v9")


def test_invalid_yaml_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(TEMPLATE.replace("version: v1", "version: one"))
    with pytest.raises(PromptError, match="version"):
        load_prompt(path)


def test_eval_scores_each_version_and_compares(fake_llm: FakeOpenAI, tmp_path: Path) -> None:
    path = tmp_path / "greet.yaml"
    path.write_text(TEMPLATE)
    template = load_prompt(path)
    backend = OpenAICompatibleBackend("m", base_url=fake_llm.url)
    fake_llm.replies = ["hello Ann, 42 times"]
    report = evaluate_prompt(template, backend)
    case = report.cases[0]
    assert case["coverage"] == 1.0
    assert case["invented"] == ["42"]
    assert 0 < case["rouge1"] < 1
    fake_llm.replies = ["hello Ann"]
    second = evaluate_prompt(template, backend)
    assert second.means["rouge1"] == 1.0 and second.means["invented_share"] == 0.0
    rows = {r["metric"]: r for r in compare([report, second])}
    assert rows["rouge1"]["greet@v1"] == 1.0
