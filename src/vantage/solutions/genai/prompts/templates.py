"""Loading, validating and rendering prompt templates (see the package docstring)."""

from __future__ import annotations

import re
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vantage.solutions.genai.backends.base import Message
from vantage.solutions.genai.errors import PromptError

NAME = r"^[a-z][a-z0-9_-]{0,63}$"
VERSION = r"^v[0-9]+[a-z0-9._-]*$"
_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
)


class FewShotExample(BaseModel):
    """One worked example: the variables and the answer the model should give."""

    model_config = ConfigDict(extra="forbid")

    input: dict[str, Any]
    output: str


class EvalCase(BaseModel):
    """One case of an evaluation set."""

    model_config = ConfigDict(extra="forbid")

    input: dict[str, Any]
    reference: str | None = Field(default=None, description="Expected answer (for ROUGE).")
    attributes: list[str] = Field(
        default_factory=list, description="Facts the answer must mention (attribute coverage)."
    )


class PromptTemplate(BaseModel):
    """A versioned prompt template."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME)
    version: str = Field(pattern=VERSION)
    description: str = ""
    variables: list[str] = Field(default_factory=list)
    system: str = ""
    template: str = Field(min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)
    examples: list[FewShotExample] = Field(default_factory=list)
    eval: list[EvalCase] = Field(default_factory=list)

    @model_validator(mode="after")
    def _uses_declared_variables(self) -> PromptTemplate:
        for part, text in (("template", self.template), ("system", self.system)):
            try:
                used = jinja2.meta.find_undeclared_variables(_ENV.parse(text))
            except jinja2.TemplateSyntaxError as exc:
                raise ValueError(f"{part} is not valid Jinja2 (line {exc.lineno}): {exc}") from exc
            undeclared = sorted(used - set(self.variables))
            if undeclared:
                raise ValueError(
                    f"{part} uses variable {undeclared[0]!r}, which is not declared; add it "
                    "to variables"
                )
        for i, example in enumerate(self.examples):
            missing = sorted(set(self.variables) - set(example.input))
            if missing:
                raise ValueError(
                    f"examples[{i}].input lacks variable {missing[0]!r}; give every declared "
                    "variable a value"
                )
        return self

    @property
    def ref(self) -> str:
        """``name@version``."""
        return f"{self.name}@{self.version}"

    @cached_property
    def _compiled(self) -> tuple[jinja2.Template, jinja2.Template]:
        return _ENV.from_string(self.template), _ENV.from_string(self.system)

    def check_variables(self, values: dict[str, Any]) -> None:
        """Refuse values that lack a declared variable.

        Raises:
            PromptError: A declared variable is missing (the message names it).
        """
        missing = [v for v in self.variables if v not in values or values[v] is None]
        if missing:
            raise PromptError(
                f"Prompt {self.ref} needs variable {missing[0]!r}, which was not given.",
                f"Pass a value for every declared variable: {', '.join(self.variables)}.",
            )

    def render(self, **values: Any) -> str:
        """The user prompt for ``values``.

        Raises:
            PromptError: A declared variable is missing.
        """
        self.check_variables(values)
        return self._compiled[0].render(**values).strip()

    def messages(self, **values: Any) -> list[Message]:
        """System prompt, few-shot examples as user/assistant turns, then the real input.

        Raises:
            PromptError: A declared variable is missing.
        """
        self.check_variables(values)
        out = []
        system = self._compiled[1].render(**values).strip()
        if system:
            out.append(Message(role="system", content=system))
        for example in self.examples:
            out.append(Message(role="user", content=self.render(**example.input)))
            out.append(Message(role="assistant", content=example.output.strip()))
        out.append(Message(role="user", content=self.render(**values)))
        return out


def _builtin_root() -> Path:
    return Path(str(resources.files("vantage.solutions.genai.prompts")))


def available_prompts(root: Path | None = None) -> dict[str, list[str]]:
    """Prompt names and their versions (oldest first) under ``root`` (default: built-in)."""
    base = root or _builtin_root()
    out: dict[str, list[str]] = {}
    for path in sorted(base.glob("*/v*.yaml")):
        out.setdefault(path.parent.name, []).append(path.stem)
    return {k: sorted(v, key=_version_key) for k, v in out.items()}


def _version_key(version: str) -> tuple[int, str]:
    match = re.match(r"v(\d+)", version)
    return (int(match.group(1)) if match else 0, version)


def load_prompt(
    ref: str | Path, version: str | None = None, root: Path | None = None
) -> PromptTemplate:
    """Load a template by ``name``, ``name@version`` or path to a YAML file.

    Args:
        ref: Built-in prompt name (optionally ``@version``) or a file path.
        version: Version to load when ``ref`` is a name (default: the newest).
        root: Folder of named prompts (default: the built-in ones).

    Raises:
        PromptError: Unknown name or version, unreadable file, or an invalid template (the
            message names the field).
    """
    path = Path(ref)
    if isinstance(ref, Path) or path.suffix in (".yaml", ".yml"):
        return _read(path)
    name, _, at = str(ref).partition("@")
    version = at or version
    known = available_prompts(root)
    if name not in known:
        raise PromptError(
            f"No prompt named {name!r}.",
            f"Use one of: {', '.join(sorted(known))}, or the path of a YAML template.",
        )
    chosen = version or known[name][-1]
    if chosen not in known[name]:
        raise PromptError(
            f"Prompt {name!r} has no version {chosen!r}.",
            f"Use one of: {', '.join(known[name])}.",
        )
    return _read((root or _builtin_root()) / name / f"{chosen}.yaml")


def _read(path: Path) -> PromptTemplate:
    if not path.is_file():
        raise PromptError(f"Prompt file {path} does not exist.", "Check the path.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PromptError(f"{path.name} is not valid YAML: {exc}", "Fix the YAML syntax.") from exc
    if not isinstance(data, dict):
        raise PromptError(f"{path.name} must hold a mapping.", "See docs/genai.md for the format.")
    try:
        return PromptTemplate.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "template"
        raise PromptError(
            f"{path.name}: {where}: {first['msg']}.", "See docs/genai.md for the format."
        ) from exc
