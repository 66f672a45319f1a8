"""Word error rate: (substitutions + deletions + insertions) / words in the reference.

Uses ``jiwer`` when installed; otherwise the same Levenshtein distance over words computed
here. Both see text normalised the same way (lower case, no punctuation, numbers as written).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence


def normalise_words(text: str) -> list[str]:
    """Lower-case words without punctuation (apostrophes inside words are kept)."""
    cleaned = re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " "))
    return [word.strip("'") for word in cleaned.split() if word.strip("'")]


def word_edits(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Levenshtein distance between two word sequences (unit costs)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, start=1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp_word in enumerate(hypothesis, start=1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (ref_word != hyp_word),
            )
        previous = current
    return previous[-1]


def word_error_rate(
    references: Sequence[str], hypotheses: Sequence[str], *, use_jiwer: bool = True
) -> float:
    """Corpus WER: total word edits over total reference words.

    Args:
        references: What was said.
        hypotheses: What the recogniser wrote, in the same order.
        use_jiwer: Use jiwer when it is installed (same result, faster on long texts).

    Raises:
        ValueError: The lists differ in length or the references hold no words.
    """
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references for {len(hypotheses)} hypotheses")
    refs = [" ".join(normalise_words(text)) for text in references]
    hyps = [" ".join(normalise_words(text)) for text in hypotheses]
    total = sum(len(ref.split()) for ref in refs)
    if total == 0:
        raise ValueError("the references hold no words")
    if use_jiwer and importlib.util.find_spec("jiwer") is not None:
        import jiwer

        return float(jiwer.wer(refs, hyps))
    edits = sum(word_edits(r.split(), h.split()) for r, h in zip(refs, hyps, strict=True))
    return edits / total
