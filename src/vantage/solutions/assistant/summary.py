"""A short extractive summary of a conversation for the agent who takes it over.

The customer's sentences are scored by the sum of their TF-IDF weights (words that are
frequent in this conversation but rare in general phrasing score high); the best few are kept
in their original order, preceded by the intents seen.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SKIP = frozenset({"affirm", "deny", "greet", "goodbye", "thanks", "human"})


def summarise(turns: list[dict[str, Any]], sentences: int = 3) -> str:
    """Intents and the most informative customer sentences of a conversation.

    Args:
        turns: ``{"role", "text", "intent"}`` dicts, oldest first.
        sentences: How many customer sentences to keep.
    """
    said = [
        s.strip()
        for t in turns
        if t.get("role") == "customer"
        for s in _SENTENCE.split(str(t.get("text", "")))
        if len(s.split()) >= 2
    ]
    intents = list(
        dict.fromkeys(
            str(t["intent"])
            for t in turns
            if t.get("role") == "customer" and t.get("intent") and t["intent"] not in _SKIP
        )
    )
    head = f"Intents: {', '.join(intents) or 'none recognised'}."
    if not said:
        return head
    try:
        weights = TfidfVectorizer(stop_words="english").fit_transform(said)
        scores = np.asarray(weights.sum(axis=1)).ravel()
    except ValueError:
        scores = np.array([len(s) for s in said], dtype=float)
    keep = sorted(np.argsort(-scores, kind="stable")[:sentences])
    return head + " Customer: " + " / ".join(said[i] for i in keep)
