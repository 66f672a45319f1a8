"""Training data and store directory: the shipped defaults load, bad files say what to fix."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from vantage.solutions.assistant.errors import AssistantError
from vantage.solutions.assistant.intents import OUT_OF_SCOPE
from vantage.solutions.assistant.training import load_stores, load_training_data


def test_shipped_data_has_tasks_slots_and_out_of_scope_examples() -> None:
    data = load_training_data()
    texts, labels = data.examples()
    assert len(texts) == len(labels) > 150
    assert labels.count(OUT_OF_SCOPE) == len(data.out_of_scope) >= 10
    assert data.intents["unsubscribe"].confirm and data.intents["order_status"].account
    assert data.slots["order_id"].type == "order_id"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "a.yml"
    path.write_text(text)
    return path


def test_undeclared_slot_is_named(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "intents:\n  a: {examples: [x, y], slots: [size]}\n  b: {examples: [z, w]}\n",
    )
    with pytest.raises(AssistantError, match=r"intents\.a\.slots names 'size'.*declare it"):
        load_training_data(path)


def test_too_few_examples_names_the_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "intents:\n  a: {examples: [x]}\n  b: {examples: [z, w]}\n")
    with pytest.raises(AssistantError, match=r"intents\.a\.examples"):
        load_training_data(path)


def test_reserved_intent_name_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "intents:\n  out_of_scope: {examples: [x, y]}\n  b: {examples: [z, w]}\n"
    )
    with pytest.raises(AssistantError, match="which is built in"):
        load_training_data(path)


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="does not exist"):
        load_training_data(tmp_path / "nope.yml")
    with pytest.raises(AssistantError, match="not valid YAML"):
        load_training_data(_write(tmp_path, "intents: [unclosed"))
    with pytest.raises(AssistantError, match="mapping at the top level"):
        load_training_data(_write(tmp_path, "- a list\n"))


def test_demo_stores_and_opening_hours() -> None:
    stores = {s.id: s for s in load_stores()}
    glasgow = stores["S06"]
    assert glasgow.opening("sun") is None
    assert glasgow.is_open(datetime(2026, 3, 4, 10, 0))
    assert not glasgow.is_open(datetime(2026, 3, 4, 21, 0))


def test_bad_store_hours_name_the_setting() -> None:
    with pytest.raises(AssistantError, match=r"assistant\.stores\[0\]\.hours.*HH:MM-HH:MM"):
        load_stores([{"id": "S1", "name": "X", "hours": {"mon": "9 to 5"}}])
