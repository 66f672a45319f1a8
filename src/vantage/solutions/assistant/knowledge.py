"""Knowledge answers: hybrid BM25 + embedding retrieval over a folder of FAQ / policy markdown.

Each markdown file is split into passages at its ``##`` headings (a file without them is one
passage); a passage's source is ``file.md#Heading``. A query is scored against every passage by
BM25 (``rank_bm25``, with Lucene's always-positive IDF) on words and, when an embedder is
given, by the cosine similarity of sentence embeddings; the two are blended into one score
between 0 and 1, so one threshold decides whether the best passage answers the question.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from vantage.solutions.assistant.errors import AssistantError

_WORD = re.compile(r"[a-z0-9]+")
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Passage:
    """A retrievable piece of a document.

    Attributes:
        title: The section heading (or the file's title).
        text: The section's text.
        source: ``file.md#heading``: where the passage comes from.
    """

    title: str
    text: str
    source: str


@dataclass(frozen=True)
class Hit:
    """A passage and how well it answers the query (``score`` in 0..1)."""

    passage: Passage
    score: float
    bm25: float
    cosine: float | None


def tokens(text: str) -> list[str]:
    """Lower-case words without English stop words."""
    return [w for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]


def split_markdown(name: str, text: str) -> list[Passage]:
    """The passages of one markdown document (sections under ``##`` headings)."""
    title_match = re.search(r"^#\s+(.+?)\s*$", text, re.MULTILINE)
    doc_title = title_match.group(1) if title_match else name
    heads = list(_HEADING.finditer(text))
    if not heads:
        body = _HEADING.sub("", text).strip()
        return [Passage(doc_title, body, name)] if body else []
    out = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[head.end() : end].strip()
        if body:
            out.append(Passage(head.group(1), body, f"{name}#{head.group(1)}"))
    return out


def load_passages(folder: Path | str | None = None) -> list[Passage]:
    """Every passage of the ``*.md`` files in ``folder`` (the shipped demo FAQ when None).

    Raises:
        AssistantError: The folder does not exist or holds no markdown.
    """
    if folder is None:
        root = resources.files("vantage.solutions.assistant").joinpath("data", "faq")
        files = sorted((f.name, f.read_text()) for f in root.iterdir() if f.name.endswith(".md"))
    else:
        path = Path(folder)
        if not path.is_dir():
            raise AssistantError(
                f"FAQ folder {path} does not exist.",
                "Point [assistant] faq_dir in vantage.toml at a folder of .md files.",
            )
        files = [(f.name, f.read_text(encoding="utf-8")) for f in sorted(path.glob("*.md"))]
    passages = [p for name, text in files for p in split_markdown(name, text)]
    if not passages:
        raise AssistantError(
            f"FAQ folder {folder or 'data/faq'} holds no markdown passages.",
            "Add .md files with ## headings, one question or policy per section.",
        )
    return passages


class HybridRetriever:
    """BM25 and embedding retrieval blended into one score.

    Args:
        passages: What to search.
        embedder: Callable turning texts into unit-length embeddings; None uses BM25 alone.
        weight: Share of the embedding similarity in the blended score (0..1).
        bm25_scale: BM25 score that counts as half-relevant (``s / (s + scale)``).
    """

    def __init__(
        self,
        passages: list[Passage],
        embedder: Callable[[list[str]], np.ndarray] | None = None,
        weight: float = 0.6,
        bm25_scale: float = 4.0,
    ) -> None:
        from rank_bm25 import BM25Okapi

        if not passages:
            raise AssistantError("No passages to search.", "Load a FAQ folder with passages.")
        self.passages = passages
        self.embedder = embedder
        self.weight = weight if embedder is not None else 0.0
        self.bm25_scale = bm25_scale
        docs = [tokens(f"{p.title} {p.title} {p.text}") or ["_"] for p in passages]
        self._bm25: Any = BM25Okapi(docs)
        # Lucene's IDF, positive even for words in most passages: with a handful of FAQ files,
        # Okapi's IDF goes negative and a lone matching passage would score nothing.
        seen = Counter(w for doc in docs for w in set(doc))
        self._bm25.idf = {
            w: math.log(1 + (len(docs) - n + 0.5) / (n + 0.5)) for w, n in seen.items()
        }
        self._vectors = (
            np.asarray(embedder([f"{p.title}. {p.text}" for p in passages]), dtype=np.float32)
            if embedder is not None
            else None
        )

    def search(self, query: str, k: int = 3) -> list[Hit]:
        """The ``k`` best passages for ``query``, best first."""
        raw = np.asarray(self._bm25.get_scores(tokens(query)), dtype=float)
        lexical = raw / (raw + self.bm25_scale)
        cosine = None
        if self._vectors is not None and self.embedder is not None:
            cosine = self._vectors @ np.asarray(self.embedder([query]), dtype=np.float32)[0]
            score = self.weight * np.clip(cosine, 0.0, 1.0) + (1 - self.weight) * lexical
        else:
            score = lexical
        order = np.argsort(-score, kind="stable")[:k]
        return [
            Hit(
                self.passages[i],
                float(score[i]),
                float(raw[i]),
                None if cosine is None else float(cosine[i]),
            )
            for i in order
        ]
