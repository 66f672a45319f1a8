"""Language-model backends behind one interface (:class:`LLMBackend`).

* :class:`OpenAICompatibleBackend`: any OpenAI-compatible HTTP endpoint (chat completions with
  streaming, images).
* :class:`TransformersBackend`: a local Hugging Face model.
* :class:`GGUFBackend`: a local GGUF file (default Gemma 3 270M from an offline package), its
  dequantised weights cached as safetensors.

Heavy libraries (torch, transformers) are imported only when a local model is loaded.
"""

from vantage.solutions.genai.backends.base import (
    Accounting,
    Completion,
    GeneratedImage,
    LLMBackend,
    Message,
    Pricing,
    RetryPolicy,
    Usage,
    as_messages,
)
from vantage.solutions.genai.backends.cache import ResponseCache
from vantage.solutions.genai.backends.local import GGUFBackend, TransformersBackend
from vantage.solutions.genai.backends.openai import OpenAICompatibleBackend

__all__ = [
    "Accounting",
    "Completion",
    "GGUFBackend",
    "GeneratedImage",
    "LLMBackend",
    "Message",
    "OpenAICompatibleBackend",
    "Pricing",
    "ResponseCache",
    "RetryPolicy",
    "TransformersBackend",
    "Usage",
    "as_messages",
]
