"""Score a prompt template on its evaluation set, and compare two versions side by side.

Each case of the template's ``eval`` list is rendered, sent to the backend and scored with
the automatic metrics of :mod:`vantage.solutions.genai.metrics`: ROUGE-1/2/L against the
reference (when given), coverage of the listed attributes, share of invented facts (against
the case's input) and length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from vantage.solutions.genai import metrics
from vantage.solutions.genai.errors import PromptError
from vantage.solutions.genai.prompts import PromptTemplate

METRICS = ("rouge1", "rouge2", "rougeL", "coverage", "invented_share", "words")


@dataclass(frozen=True)
class EvalReport:
    """Scores of one template version on its evaluation set."""

    prompt: str
    cases: list[dict[str, Any]] = field(default_factory=list)
    means: dict[str, float] = field(default_factory=dict)
    usage: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "prompt": self.prompt,
            "means": self.means,
            "cases": self.cases,
            "usage": self.usage,
        }


def score_answer(
    answer: str, case_input: dict[str, Any], reference: str | None, facts: list[str]
) -> dict[str, Any]:
    """The metrics of one answer."""
    source = orjson.dumps(case_input, default=str).decode()
    out: dict[str, Any] = {}
    if reference:
        out.update(metrics.rouge(answer, reference))
    if facts:
        out["coverage"] = metrics.attribute_coverage(answer, facts)
    invented = metrics.invented_facts(answer, source)
    out["invented_share"] = invented.share
    out["invented"] = invented.invented
    out["words"] = metrics.length(answer)["words"]
    return out


def evaluate_prompt(template: PromptTemplate, backend: Any) -> EvalReport:
    """Run every evaluation case of ``template`` through ``backend`` and score the answers.

    Raises:
        PromptError: The template has no evaluation set.
    """
    if not template.eval:
        raise PromptError(
            f"Prompt {template.ref} has no evaluation set.",
            "Add an eval: list of cases (input, reference, attributes) to its YAML file.",
        )
    cases = []
    for case in template.eval:
        completion = backend.complete(template.messages(**case.input), **template.options)
        scores = score_answer(completion.text, case.input, case.reference, case.attributes)
        cases.append({"input": case.input, "answer": completion.text, **scores})
    means = {
        name: sum(c[name] for c in cases if name in c) / n
        for name in METRICS
        if (n := sum(name in c for c in cases))
    }
    return EvalReport(template.ref, cases, means, backend.accounting.as_dict())


def compare(reports: list[EvalReport]) -> list[dict[str, Any]]:
    """One row per metric with each version's mean, for a side-by-side table."""
    names = [m for m in METRICS if any(m in r.means for r in reports)]
    return [{"metric": m, **{r.prompt: r.means.get(m) for r in reports}} for m in names]
