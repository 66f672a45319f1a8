"""Extractive summarisation on BBC News Summary: ROUGE-1/2/L against lead-k and TextRank peers.

Each article is summarised in k sentences, k = the number of sentences of its reference summary
(the references are extractive, about 40% of each article), so every method has the same length
budget. The article's first line (its title) is never picked. Methods:

* lead-k: the first k sentences (the baseline to beat);
* sumy TextRank and LexRank (peer library; our sentence splitter, since sumy's needs NLTK data);
* centrality only (TextRank over TF-IDF vectors, no position prior, no MMR);
* ours: centrality + position prior + MMR, on MiniLM (all-MiniLM-L6-v2) and TF-IDF vectors.

The encoder, position weight and MMR diversity were chosen on a development sample (seed 1)
and are reported on a disjoint test sample (seed 0).

    nice -n 10 .venv/bin/python -m benchmarks.genai_summaries [--n 300] [--tune]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.nlp_sentiment import MIRROR, RESULTS, machine
from benchmarks.report import write_section
from vantage.solutions.genai.metrics import rouge
from vantage.solutions.genai.sentences import split_sentences
from vantage.solutions.genai.summarize import ExtractiveSummarizer, lead_k

POSITION_WEIGHT = 0.1
DIVERSITY = 0.2
DEV_ARTICLES = 60


def load(n: int, seed: int, exclude: set[str] | None = None) -> pd.DataFrame:
    from vantage.datasets import registry

    frame = registry.load("bbc_news_summary", mirror=MIRROR)
    frame["key"] = frame["category"] + "/" + frame["file"]
    frame = frame[~frame["key"].isin(exclude or set())]
    return frame.sample(n=min(n, len(frame)), random_state=seed).reset_index(drop=True)


def _body(article: str) -> str:
    sentences = split_sentences(article)
    title = sentences and sentences[0][-1:] not in ".!?\"'"
    return "\n".join(sentences[1:] if title else sentences)


def minilm() -> Callable[[list[str]], np.ndarray]:
    """MiniLM sentence embeddings, memoised per sentence list (methods share them)."""
    from vantage.solutions.nlp.text.transformer import embed

    memo: dict[tuple[str, ...], np.ndarray] = {}

    def run(texts: list[str]) -> np.ndarray:
        key = tuple(texts)
        if key not in memo:
            memo[key] = embed(texts)
        return memo[key]

    return run


def sumy_method(kind: str) -> Callable[[str, int], str]:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    class Tokenizer:
        language = "english"

        def to_sentences(self, paragraph: str) -> tuple[str, ...]:
            return tuple(split_sentences(paragraph))

        def to_words(self, sentence: str) -> tuple[str, ...]:
            return tuple(re.findall(r"[A-Za-z0-9']+", sentence))

    summarizer = (TextRankSummarizer if kind == "textrank" else LexRankSummarizer)(
        Stemmer("english")
    )
    summarizer.stop_words = get_stop_words("english")

    def run(text: str, k: int) -> str:
        document = PlaintextParser.from_string(text, Tokenizer()).document
        return " ".join(str(s) for s in summarizer(document, k))

    return run


def methods(embed: Any) -> dict[str, Callable[[str, int], str]]:
    def ours(encoder: Any, weight: float, diversity: float) -> Callable[[str, int], str]:
        summarizer = ExtractiveSummarizer(
            embed=encoder, position_weight=weight, diversity=diversity, skip_title=False
        )
        return lambda text, k: summarizer.summarize(text, sentences=k).text

    return {
        "lead-k (baseline)": lambda text, k: lead_k(text, k).text,
        "sumy TextRank (peer)": sumy_method("textrank"),
        "sumy LexRank (peer)": sumy_method("lexrank"),
        "centrality only, TF-IDF": ours(None, 0.0, 0.0),
        "ours, MiniLM": ours(embed, POSITION_WEIGHT, DIVERSITY),
        "ours, TF-IDF (product default)": ours(None, POSITION_WEIGHT, DIVERSITY),
    }


def score(frame: pd.DataFrame, run: Callable[[str, int], str]) -> dict[str, float]:
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    started = time.perf_counter()
    for article, reference in zip(frame["article"], frame["summary"], strict=True):
        k = len(split_sentences(reference))
        for name, value in rouge(run(_body(article), k), reference).items():
            totals[name] += value
    out = {name: value / len(frame) for name, value in totals.items()}
    out["seconds_per_article"] = (time.perf_counter() - started) / len(frame)
    return out


def tune(dev: pd.DataFrame, embed: Any) -> list[dict[str, float]]:
    rows = []
    for weight in (0.0, 0.1, 0.2, 0.3, 0.5):
        for diversity in (0.0, 0.1, 0.2, 0.3):
            summarizer = ExtractiveSummarizer(
                embed=embed, position_weight=weight, diversity=diversity, skip_title=False
            )
            result = score(dev, lambda t, k, s=summarizer: s.summarize(t, sentences=k).text)
            rows.append({"position_weight": weight, "diversity": diversity, **result})
            print(rows[-1], flush=True)
    return rows


def table(results: dict[str, dict[str, float]]) -> str:
    lines = ["| method | ROUGE-1 | ROUGE-2 | ROUGE-L | s / article |", "|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['rouge1']:.4f} | {r['rouge2']:.4f} | {r['rougeL']:.4f} | "
            f"{r['seconds_per_article']:.3f} |"
        )
    return "\n".join(lines)


def main(n: int = 300, do_tune: bool = False, measure: bool = True) -> dict[str, Any]:
    """Score every method on ``n`` test articles and rewrite the README section.

    ``measure=False`` only rewrites the section from the stored results.
    """
    stored = RESULTS / "genai_summaries.json"
    if measure:
        dev = load(DEV_ARTICLES, seed=1)
        test = load(n, seed=0, exclude=set(dev["key"]))
        embed = minilm()
        tuning = {"tfidf": tune(dev, None), "minilm": tune(dev, embed)} if do_tune else None
        results = {}
        for name, run in methods(embed).items():
            results[name] = score(test, run)
            print(name, results[name], flush=True)
        RESULTS.mkdir(exist_ok=True)
        stored.write_text(json.dumps({"n": n, "results": results, "tuning": tuning}, indent=2))
    data = json.loads(stored.read_text())
    n, results = data["n"], data["results"]
    body = (
        f"BBC News Summary, {n} articles (random sample, seed 0; the data set has 1,824). "
        "k = number of sentences in the reference summary; the title line is excluded. ROUGE "
        "F-measures from `rouge-score` with Porter stemming (ROUGE-L without sentence splitting). "
        f"Ours: position weight {POSITION_WEIGHT}, MMR diversity {DIVERSITY}, chosen on a "
        f"disjoint {DEV_ARTICLES}-article development sample (seed 1), where TF-IDF vectors "
        "beat MiniLM ones (ROUGE-1 about 0.82 vs 0.72; the references were themselves "
        "extracted by word overlap) and MMR above 0.2 or a position weight above 0.2 "
        "lowered ROUGE. On the test sample the position prior and MMR change ROUGE by less "
        "than 0.01 against centrality alone (BBC articles rarely repeat themselves); they are "
        "kept for texts that do (transcripts, reviews).\n\n"
        f"{table(results)}\n\n"
        f"Machine: {machine()} (shared with other jobs; times are indicative).\n"
        "Reproduce: `nice -n 10 .venv/bin/python -m benchmarks.genai_summaries --n 300`."
    )
    write_section("genai_summaries", body)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300, help="Test articles.")
    parser.add_argument("--tune", action="store_true", help="Also run the development grid.")
    parser.add_argument("--table-only", action="store_true", help="Rewrite the table only.")
    args = parser.parse_args()
    main(args.n, args.tune, not args.table_only)
