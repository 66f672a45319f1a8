"""Automatic quality measures of generated text.

* :func:`rouge`: ROUGE-1/2/L F-measures (``rouge-score``, the ROUGE-1.5.5 reimplementation,
  Porter stemming).
* :func:`attribute_coverage`: share of the given facts that the text mentions.
* :func:`invented_facts`: facts in the text (numbers, and attribute words such as colours and
  materials) that the input does not contain, and their share of all facts in the text.
* :func:`length` and :func:`readability` (Flesch reading ease, syllables from ``pyphen``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
ATTRIBUTE_WORDS = frozenset(
    {
        "black", "white", "red", "blue", "green", "yellow", "orange", "purple", "pink", "brown",
        "grey", "gray", "navy", "beige", "silver", "gold", "cream", "teal", "olive", "charcoal",
        "cotton", "linen", "wool", "silk", "leather", "denim", "polyester", "nylon", "cashmere",
        "bamboo", "ceramic", "glass", "steel", "aluminium", "aluminum", "wood", "wooden", "oak",
        "plastic", "rubber", "organic", "waterproof", "wireless", "vegan", "recycled",
        "xs", "xl", "xxl", "small", "medium", "large",
    }
)  # fmt: skip


def normalise_number(token: str) -> str:
    """``1,299.00`` -> ``1299``; ``12.50`` -> ``12.5``: numbers compare by value."""
    plain = token.replace(",", "")
    try:
        value = float(plain)
    except ValueError:
        return plain
    return f"{value:g}"


def numbers(text: str) -> set[str]:
    """The numbers in ``text``, normalised."""
    return {normalise_number(m.group()) for m in NUMBER.finditer(text)}


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return WORD.findall(text.lower())


@cache
def _scorer() -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def rouge(prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F-measures of ``prediction`` against ``reference``."""
    scores = _scorer().score(reference, prediction)
    return {name: float(score.fmeasure) for name, score in scores.items()}


def mentions(text: str, fact: Any) -> bool:
    """Whether ``text`` states ``fact`` (numbers by value, other facts as whole words)."""
    fact_text = str(fact).strip()
    if not fact_text:
        return True
    if NUMBER.fullmatch(fact_text):
        return normalise_number(fact_text) in numbers(text)
    wanted = words(fact_text)
    have = words(text)
    n = len(wanted)
    return any(have[i : i + n] == wanted for i in range(len(have) - n + 1))


def attribute_coverage(text: str, facts: Iterable[Any]) -> float:
    """Share of ``facts`` mentioned in ``text`` (1.0 when there are none)."""
    given = [f for f in facts if str(f).strip()]
    if not given:
        return 1.0
    return sum(mentions(text, f) for f in given) / len(given)


@dataclass(frozen=True)
class Invented:
    """Facts in a text that its input does not support."""

    facts: int
    invented: list[str]

    @property
    def share(self) -> float:
        """Invented facts over all facts in the text (0 when the text states none)."""
        return len(self.invented) / self.facts if self.facts else 0.0


def invented_facts(text: str, source: str) -> Invented:
    """Numbers and attribute words of ``text`` that do not occur in ``source``.

    Args:
        text: The generated text.
        source: Everything the generator was given (attributes, profile, article).
    """
    source_numbers = numbers(source)
    source_words = set(words(source))
    found_numbers = numbers(text)
    found_words = {w for w in words(text) if w in ATTRIBUTE_WORDS}
    invented = sorted(found_numbers - source_numbers) + sorted(found_words - source_words)
    return Invented(len(found_numbers) + len(found_words), invented)


def length(text: str) -> dict[str, int]:
    """Characters, words and sentences."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    return {"chars": len(text), "words": len(words(text)), "sentences": len(sentences)}


@cache
def _hyphenator() -> Any:
    import pyphen

    return pyphen.Pyphen(lang="en_GB")


def syllables(word: str) -> int:
    """Syllables of an English word, from the Hunspell hyphenation dictionary (pyphen)."""
    return max(1, len(_hyphenator().positions(word)) + 1)


def readability(text: str) -> float:
    """Flesch reading ease (higher is easier; 60-70 is plain English).

    Syllables come from pyphen's hyphenation dictionary: ``textstat`` would fetch NLTK's
    cmudict at run time, which machines without internet cannot.
    """
    tokens = words(text)
    if not tokens:
        return 0.0
    n_sentences = max(1, length(text)["sentences"])
    n_syllables = sum(syllables(w) for w in tokens)
    return 206.835 - 1.015 * len(tokens) / n_sentences - 84.6 * n_syllables / len(tokens)
