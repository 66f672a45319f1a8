"""Summarisation: extractive (offline default) and abstractive (through a backend).

:class:`ExtractiveSummarizer` ranks sentences by centrality (TextRank: PageRank over the cosine
similarity graph of sentence embeddings), optionally blended with a position prior (news puts
the gist first), and picks them with maximal marginal relevance (MMR) so that near-duplicates
are not picked twice. Sentence embeddings come from an ``embed`` function (the service passes
all-MiniLM-L6-v2); without one, TF-IDF vectors are used. :func:`lead_k` is the baseline to
beat; :func:`abstractive_summary` asks a language model through a prompt template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vantage.solutions.genai.errors import GenAIError
from vantage.solutions.genai.sentences import CLOSING, split_sentences

Embedder = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Summary:
    """A summary and how it was made."""

    text: str
    sentences: list[str]
    method: str
    indices: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "summary": self.text,
            "sentences": self.sentences,
            "method": self.method,
            "indices": self.indices,
        }


def sentence_count(n_sentences: int, sentences: int | None, ratio: float) -> int:
    """How many sentences to keep: ``sentences`` if given, else ``ratio`` of them (at least 1).

    Raises:
        GenAIError: ``sentences`` below 1 or ``ratio`` outside (0, 1].
    """
    if sentences is not None:
        if sentences < 1:
            raise GenAIError(f"sentences is {sentences}.", "Ask for at least one sentence.")
        return min(sentences, n_sentences)
    if not 0 < ratio <= 1:
        raise GenAIError(f"ratio is {ratio}.", "Use a ratio above 0 and at most 1, e.g. 0.3.")
    return max(1, min(n_sentences, round(n_sentences * ratio)))


def tfidf_embed(texts: list[str]) -> np.ndarray:
    """L2-normalised TF-IDF vectors (English stop words removed) as a dense array."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    except ValueError:
        return np.zeros((len(texts), 1), dtype=np.float32)
    return np.asarray(matrix.toarray(), dtype=np.float32)


def pagerank(similarity: np.ndarray, damping: float = 0.85, iterations: int = 100) -> np.ndarray:
    """PageRank scores of a weighted undirected graph given as a similarity matrix."""
    n = similarity.shape[0]
    weights = np.clip(similarity, 0.0, None)
    np.fill_diagonal(weights, 0.0)
    out_degree = weights.sum(axis=1, keepdims=True)
    transition = np.divide(
        weights, out_degree, out=np.full_like(weights, 1.0 / n), where=out_degree > 0
    )
    scores = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1 - damping) / n + damping * transition.T @ scores
        if np.abs(updated - scores).sum() < 1e-8:
            return updated
        scores = updated
    return scores


def lead_k(text: str, k: int) -> Summary:
    """The first ``k`` sentences: the baseline every news summariser must beat."""
    sentences = split_sentences(text)[: max(k, 0)]
    return Summary(" ".join(sentences), sentences, "lead", list(range(len(sentences))))


class ExtractiveSummarizer:
    """Centrality (TextRank) + position prior + MMR redundancy control.

    Args:
        embed: Function from sentences to L2-normalised vectors (default: TF-IDF).
        position_weight: Weight of the position prior ``1 / (1 + i)`` (normalised) against
            centrality; 0 for pure TextRank.
        diversity: MMR trade-off: 0 ranks by relevance only; higher values penalise sentences
            similar to those already chosen.
        skip_title: Treat a first line without final punctuation as a title (never picked).
    """

    def __init__(
        self,
        embed: Embedder | None = None,
        position_weight: float = 0.1,
        diversity: float = 0.2,
        skip_title: bool = True,
    ) -> None:
        self.embed = embed
        self.position_weight = position_weight
        self.diversity = diversity
        self.skip_title = skip_title

    def scores(self, sentences: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Relevance of each sentence and the sentence similarity matrix."""
        vectors = (self.embed or tfidf_embed)(sentences)
        similarity = np.asarray(vectors @ vectors.T, dtype=np.float64)
        centrality = pagerank(similarity)
        centrality = centrality / centrality.max() if centrality.max() > 0 else centrality
        position = 1.0 / (1.0 + np.arange(len(sentences)))
        w = self.position_weight
        return (1 - w) * centrality + w * position, similarity

    def select(self, relevance: np.ndarray, similarity: np.ndarray, k: int) -> list[int]:
        """Pick ``k`` sentences by maximal marginal relevance; indices in text order."""
        chosen: list[int] = []
        candidates = list(range(len(relevance)))
        while candidates and len(chosen) < k:
            penalty = similarity[np.ix_(candidates, chosen)].max(axis=1) if chosen else 0.0
            mmr = (1 - self.diversity) * relevance[candidates] - self.diversity * penalty
            best = candidates[int(np.argmax(mmr))]
            chosen.append(best)
            candidates.remove(best)
        return sorted(chosen)

    def summarize(self, text: str, sentences: int | None = None, ratio: float = 0.3) -> Summary:
        """Summarise ``text`` into ``sentences`` sentences (or ``ratio`` of them).

        Raises:
            GenAIError: The text is empty, or the length is invalid.
        """
        found = split_sentences(text)
        if not found:
            raise GenAIError("text is empty.", "Pass the text to summarise.")
        offset = 0
        if self.skip_title and len(found) > 1 and found[0].rstrip()[-1:] not in ".!?" + CLOSING:
            found, offset = found[1:], 1
        k = sentence_count(len(found), sentences, ratio)
        if k >= len(found):
            picked = list(range(len(found)))
        else:
            relevance, similarity = self.scores(found)
            picked = self.select(relevance, similarity, k)
        chosen = [found[i] for i in picked]
        return Summary(" ".join(chosen), chosen, "extractive", [i + offset for i in picked])


def abstractive_summary(
    backend: Any, text: str, sentences: int = 3, prompt: Any = None, **options: Any
) -> Summary:
    """Summarise through a language model with the ``summarize`` prompt template.

    Args:
        backend: An :class:`~vantage.solutions.genai.backends.LLMBackend`.
        text: The text.
        sentences: Sentences wanted.
        prompt: A :class:`~vantage.solutions.genai.prompts.PromptTemplate` (default: the
            newest built-in ``summarize``).
        **options: Generation options overriding the template's.
    """
    from vantage.solutions.genai.prompts import load_prompt

    template = prompt or load_prompt("summarize")
    completion = backend.complete(
        template.messages(text=text, sentences=sentences), **{**template.options, **options}
    )
    out = completion.text.strip()
    return Summary(out, split_sentences(out), f"abstractive ({completion.model})")
