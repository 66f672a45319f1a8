"""Aspect-level sentiment: what a review or chat praises or criticises (delivery, price, ...).

Rule-assisted: each clause of a text is matched against keyword patterns per aspect, then scored
by a sentiment model (VADER by default, or any fitted classifier whose classes include
``negative`` and ``positive``). The result is a long table: one row per text and aspect.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from vantage.solutions.nlp.text._common import TextModelError, as_texts, check_fitted
from vantage.solutions.nlp.text.vader import compound_scores

DEFAULT_ASPECTS: dict[str, tuple[str, ...]] = {
    "delivery": (
        "deliver*",
        "arriv*",
        "courier",
        "parcel",
        "shipping",
        "shipped",
        "dispatch*",
        "tracking",
        "turned up",
        "late",
    ),
    "price": (
        "price*",
        "expensive",
        "cheap*",
        "value",
        "cost*",
        "overpriced",
        "sale",
        "money",
        "afford*",
    ),
    "quality": (
        "quality",
        "fabric",
        "material",
        "stitching",
        "seam*",
        "made",
        "broke*",
        "faded",
        "wash*",
        "durable",
        "pilled",
        "flimsy",
    ),
    "fit": ("fit", "fits", "size", "sizes", "sizing", "too small", "too big", "loose", "tight"),
    "staff": (
        "staff",
        "assistant",
        "employee*",
        "agent",
        "cashier",
        "rude",
        "helpful",
        "manager",
        "service",
        "till",
    ),
    "packaging": ("packaging", "packed", "box", "wrapped", "wrapping", "plastic", "crushed"),
    "returns": ("return*", "refund*", "exchange*", "label"),
    "payment": ("payment", "charged", "card", "checkout", "pay", "paid"),
}
DEFAULT_CUES: tuple[tuple[str, float], ...] = (
    (r"\b(?:far |way )?too (?:expensive|small|big|large|tight|loose|much|long|thin)\b", -0.5),
    (r"\b(?:overpriced|rip-?off|nightmare|useless|nobody|wrong|missing|still waiting)\b", -0.5),
    (r"\b(?:late|later|delayed|delays?)\b", -0.5),
    (r"\btook (?:almost |over |nearly )?(?:a|one|two|three|four|\d+) (?:weeks?|months?)\b", -0.5),
    (r"\b(?:came|fell) apart\b|\b(?:ripped|torn|faded|shrank|pilled|soaked|crushed)\b", -0.5),
    (r"\b(?:damaged|broken|broke|way off|chased?|never (?:arrived|came|turned up))\b", -0.5),
    (r"\b(?:quick|quickly|fast|speedy|prompt|next day|earlier than|spot on|easy)\b", 0.5),
    (r"\b(?:cheaper|bargain|value for money|brand new|true to size|well made)\b", 0.5),
)
_CLAUSE = re.compile(r"(?<=[.!?;])\s+|\s+but\s+|\s+however,?\s+", re.IGNORECASE)


def _pattern(keywords: Sequence[str]) -> re.Pattern[str]:
    parts = [re.escape(k[:-1]) + r"\w*" if k.endswith("*") else re.escape(k) for k in keywords]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """Split a text into sentences and contrastive clauses ("..., but ...")."""
    return [c.strip() for c in _CLAUSE.split(text) if c and c.strip()]


class AspectSentiment(BaseEstimator):
    """Find the aspects a text talks about and the sentiment of each.

    Args:
        aspects: Aspect name to keywords (``*`` at the end matches any ending); default
            :data:`DEFAULT_ASPECTS`. Add your own aspects here.
        model: A fitted sentiment classifier with ``predict_proba`` and ``negative`` /
            ``positive`` among its ``classes_``; ``None`` uses the VADER lexicon.
        threshold: Score beyond which an aspect is positive or negative, else neutral.
        cues: Domain phrases (regular expression, weight) added to the model's score, for
            retail wording general-purpose sentiment misses ("took two weeks", "came apart");
            default :data:`DEFAULT_CUES`, ``()`` for none.
    """

    def __init__(
        self,
        aspects: Mapping[str, Sequence[str]] | None = None,
        model: Any = None,
        threshold: float = 0.05,
        cues: Sequence[tuple[str, float]] | None = None,
    ) -> None:
        self.aspects = aspects
        self.model = model
        self.threshold = threshold
        self.cues = cues

    def fit(self, X: Any = None, y: Any = None) -> AspectSentiment:  # noqa: N803
        """Compile the keyword patterns (no training); returns self."""
        aspects = dict(self.aspects) if self.aspects is not None else DEFAULT_ASPECTS
        if not aspects or any(not words for words in aspects.values()):
            raise TextModelError(
                "Every aspect needs at least one keyword.",
                'Pass aspects such as {"delivery": ["deliver*", "courier"]}.',
            )
        if self.model is not None and not {"negative", "positive"} <= set(
            map(str, getattr(self.model, "classes_", []))
        ):
            raise TextModelError(
                "The aspect model must be a fitted sentiment classifier with classes "
                "negative and positive.",
                "Train one with task sentiment, or leave model empty to use VADER.",
            )
        self.patterns_ = {name: _pattern(words) for name, words in aspects.items()}
        cues = DEFAULT_CUES if self.cues is None else self.cues
        self.cues_ = [(re.compile(p, re.IGNORECASE), float(w)) for p, w in cues]
        return self

    def _cue_score(self, snippet: str) -> float:
        return sum(w for pattern, w in self.cues_ if pattern.search(snippet))

    def _scores(self, snippets: list[str]) -> np.ndarray:
        if not snippets:
            return np.zeros(0)
        if self.model is None:
            base = compound_scores(snippets)
        else:
            proba = np.asarray(self.model.predict_proba(snippets))
            classes = [str(c) for c in self.model.classes_]
            base = proba[:, classes.index("positive")] - proba[:, classes.index("negative")]
        cues = np.array([self._cue_score(s) for s in snippets])
        return np.clip(base + cues, -1.0, 1.0)

    def transform(self, X: Any) -> pd.DataFrame:  # noqa: N803
        """One row per (text, aspect): ``text_index, aspect, sentiment, score, snippet``."""
        check_fitted(self, "patterns_")
        rows: list[tuple[int, str, str]] = []
        for i, text in enumerate(as_texts(X)):
            found: dict[str, list[str]] = {}
            for clause in clauses(text):
                for name, pattern in self.patterns_.items():
                    if pattern.search(clause):
                        found.setdefault(name, []).append(clause)
            rows.extend((i, name, " ".join(parts)) for name, parts in found.items())
        scores = self._scores([r[2] for r in rows])
        frame = pd.DataFrame(rows, columns=["text_index", "aspect", "snippet"])
        frame["score"] = scores
        frame["sentiment"] = np.where(
            scores >= self.threshold,
            "positive",
            np.where(scores <= -self.threshold, "negative", "neutral"),
        )
        return frame[["text_index", "aspect", "sentiment", "score", "snippet"]]

    def predict(self, X: Any) -> list[dict[str, str]]:  # noqa: N803
        """``{aspect: sentiment}`` for each text."""
        frame = self.transform(X)
        out: list[dict[str, str]] = [{} for _ in range(len(as_texts(X)))]
        for index, aspect, sentiment in zip(
            frame["text_index"], frame["aspect"], frame["sentiment"], strict=True
        ):
            out[int(index)][str(aspect)] = str(sentiment)
        return out
