"""The assistant's training data (YAML) and store directory, validated with pydantic.

The default files ship inside the package (``data/assistant.yml``, ``data/stores.yml``); a
user's own file has the same shape. Errors name the field and say how to fix it.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vantage.solutions.assistant.errors import AssistantError
from vantage.solutions.assistant.intents import OUT_OF_SCOPE

SlotType = Literal["order_id", "date", "product", "store", "channel", "email", "text"]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAME = r"^[a-z][a-z0-9_]{0,63}$"
_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class IntentSpec(BaseModel):
    """One intent: its examples and, for a task, the slots to fill before acting."""

    model_config = ConfigDict(extra="forbid")

    examples: list[str] = Field(min_length=2)
    slots: list[str] = []
    account: bool = Field(False, description="The customer must be identified first.")
    confirm: bool = Field(False, description="Ask for a yes before acting.")
    response: str | None = Field(None, description="Name of a fixed reply in responses.")


class SlotSpec(BaseModel):
    """A slot: what the filler extracts for it and the question asked when it is missing."""

    model_config = ConfigDict(extra="forbid")

    type: SlotType
    prompt: str = Field(min_length=1)


class TrainingData(BaseModel):
    """Intents with examples, slots, fixed responses and out-of-scope examples."""

    model_config = ConfigDict(extra="forbid")

    intents: dict[str, IntentSpec] = Field(min_length=2)
    slots: dict[str, SlotSpec] = {}
    responses: dict[str, str] = {}
    out_of_scope: list[str] = Field(default=[], description="Requests the assistant declines.")

    @model_validator(mode="after")
    def _references(self) -> TrainingData:
        for name, intent in self.intents.items():
            if not re.match(_NAME, name) or name == OUT_OF_SCOPE:
                raise ValueError(
                    f"intent name {name!r} must be lower-case letters, digits and _ "
                    f"(and not {OUT_OF_SCOPE!r}, which is built in)"
                )
            for slot in intent.slots:
                if slot not in self.slots:
                    raise ValueError(
                        f"intents.{name}.slots names {slot!r}, which is not under slots:; "
                        "declare it there with a type and a prompt"
                    )
            if intent.response is not None and intent.response not in self.responses:
                raise ValueError(
                    f"intents.{name}.response is {intent.response!r}, which is not under "
                    "responses:; add that reply"
                )
        return self

    def examples(self) -> tuple[list[str], list[str]]:
        """Utterances and their intents, out-of-scope examples included."""
        texts = [e for spec in self.intents.values() for e in spec.examples]
        labels = [name for name, spec in self.intents.items() for _ in spec.examples]
        return texts + self.out_of_scope, labels + [OUT_OF_SCOPE] * len(self.out_of_scope)

    def reply(self, name: str, **values: Any) -> str:
        """The response ``name`` with ``{placeholders}`` filled (empty when not defined)."""
        text = self.responses.get(name, "")
        return text.format(**values) if values else text


class StoreInfo(BaseModel):
    """A store of the directory: name, aliases, address and opening hours per weekday."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    aliases: list[str] = []
    address: str = ""
    hours: dict[str, str] = {}

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: dict[str, str]) -> dict[str, str]:
        for day, span in value.items():
            if day not in DAYS:
                raise ValueError(f"hours day {day!r} must be one of {', '.join(DAYS)}")
            if span != "closed" and not _HOURS.match(span):
                raise ValueError(f"hours.{day} is {span!r}; write HH:MM-HH:MM or closed")
        return value

    def opening(self, day: str) -> tuple[time, time] | None:
        """Opening and closing time on ``day`` (mon..sun), None when closed or unknown."""
        span = self.hours.get(day, "closed")
        match = _HOURS.match(span)
        if match is None:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        return time(h1, m1), time(h2, m2)

    def is_open(self, at: datetime) -> bool:
        """Whether the store is open at local time ``at``."""
        span = self.opening(DAYS[at.weekday()])
        return span is not None and span[0] <= at.time() < span[1]


def _problems(exc: ValidationError, where: str) -> str:
    return "; ".join(
        f"{where}{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
    )


def _read_yaml(source: Path | str | None, default: str) -> dict[str, Any]:
    if source is None:
        text = resources.files("vantage.solutions.assistant").joinpath("data", default).read_text()
    else:
        path = Path(source)
        if not path.is_file():
            raise AssistantError(
                f"Assistant file {path} does not exist.", "Check the path (--data or settings)."
            )
        text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise AssistantError(
            f"{source or default} is not valid YAML: {exc}", "Fix the YAML."
        ) from exc
    if not isinstance(data, dict):
        raise AssistantError(
            f"{source or default} must hold a mapping at the top level.",
            "Start the file with intents:, slots:, responses: and out_of_scope:.",
        )
    return data


def load_training_data(source: Path | str | None = None) -> TrainingData:
    """Read and validate training data (the shipped default when ``source`` is None).

    Raises:
        AssistantError: Missing file, bad YAML, or a field that fails validation (named).
    """
    data = _read_yaml(source, "assistant.yml")
    try:
        return TrainingData.model_validate(data)
    except ValidationError as exc:
        raise AssistantError(
            f"Invalid assistant training data: {_problems(exc, '')}.",
            "Correct the named field; see docs/assistant.md for the format.",
        ) from exc


def load_stores(stores: list[dict[str, Any]] | None = None) -> list[StoreInfo]:
    """The store directory: ``stores`` from settings when given, else the shipped demo stores.

    Raises:
        AssistantError: A store entry fails validation (the field is named).
    """
    raw = stores if stores else _read_yaml(None, "stores.yml").get("stores", [])
    out = []
    for i, item in enumerate(raw):
        try:
            out.append(StoreInfo.model_validate(item))
        except ValidationError as exc:
            raise AssistantError(
                f"Invalid store: {_problems(exc, f'assistant.stores[{i}].')}.",
                "Correct that entry under [[assistant.stores]] in vantage.toml.",
            ) from exc
    return out
