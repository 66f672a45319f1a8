"""Prompt templates: versioned YAML files with variables, few-shot examples, evaluation sets.

A template file (``<name>/<version>.yaml`` in this folder, or any path) holds::

    name: describe
    version: v1
    description: Product copy from attributes.
    variables: [name, category, attributes, tone, length]
    system: You write product descriptions ...
    template: |                # Jinja2; may use only the declared variables
      Product: {{ name }} ...
    options: {max_tokens: 80, temperature: 0}
    examples:                  # few-shot pairs, sent before the real input
      - input: {name: ..., ...}
        output: ...
    eval:                      # evaluation set scored by ``vantage genai eval``
      - input: {...}
        reference: ...         # for ROUGE (optional)
        attributes: [...]      # must be mentioned (optional)

Rendering checks every declared variable is given (the error names the missing one) and that
the template uses no undeclared variable (checked when the file is loaded).
"""

from vantage.solutions.genai.prompts.templates import (
    EvalCase,
    FewShotExample,
    PromptTemplate,
    available_prompts,
    load_prompt,
)

__all__ = [
    "EvalCase",
    "FewShotExample",
    "PromptTemplate",
    "available_prompts",
    "load_prompt",
]
