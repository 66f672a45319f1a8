"""Generative AI: language-model backends, prompt templates, and the use cases clients buy.

* :mod:`~vantage.solutions.genai.backends`: one interface (:class:`LLMBackend`) over
  OpenAI-compatible HTTP endpoints, local Hugging Face models and local GGUF files, with
  streaming, retries, a response cache and token/cost accounting.
* :mod:`~vantage.solutions.genai.prompts`: versioned YAML templates with declared variables,
  few-shot examples and evaluation sets; :mod:`~vantage.solutions.genai.evaluate` scores them.
* Use cases: :mod:`~vantage.solutions.genai.summarize` (extractive offline default,
  abstractive with a model), :mod:`~vantage.solutions.genai.minutes`,
  :mod:`~vantage.solutions.genai.describe` (product copy),
  :mod:`~vantage.solutions.genai.messages` (personalised, consent-checked).
* :mod:`~vantage.solutions.genai.guardrails`: PII redaction for external models, banned terms,
  length limits. :mod:`~vantage.solutions.genai.metrics`: ROUGE, coverage, invented facts.

Importing this package loads no model; torch and transformers load with the first local call.
"""
