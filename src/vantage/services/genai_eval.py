"""``vantage genai eval``: score a prompt template on its evaluation set, or compare versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vantage.core.settings import Settings
from vantage.services.genai import get_backend
from vantage.solutions.genai.evaluate import compare, evaluate_prompt
from vantage.solutions.genai.prompts import available_prompts, load_prompt


def list_prompts() -> dict[str, list[str]]:
    """Built-in prompt names and their versions."""
    return available_prompts()


def evaluate(settings: Settings, prompt: str, versions: list[str] | None = None) -> dict[str, Any]:
    """Score ``prompt`` (a name, ``name@version`` or a YAML path) with the configured backend.

    Args:
        settings: Settings (the backend).
        prompt: The template.
        versions: Two or more versions of a named prompt to compare side by side.

    Returns:
        ``reports`` (one per version: mean and per-case metrics) and ``comparison`` (one row
        per metric).

    Raises:
        NoBackendError: No backend is configured.
        PromptError: Unknown prompt or version, or a template without evaluation set.
    """
    backend = get_backend(settings)
    if versions:
        name = prompt.partition("@")[0]
        templates = [load_prompt(name, version=v) for v in versions]
    else:
        templates = [load_prompt(Path(prompt) if prompt.endswith((".yaml", ".yml")) else prompt)]
    reports = [evaluate_prompt(t, backend) for t in templates]
    return {
        "backend": backend.kind,
        "model": backend.model,
        "reports": [r.as_dict() for r in reports],
        "comparison": compare(reports),
    }
