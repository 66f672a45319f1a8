"""Entities on SNIPS (held-out 'validate' split, 700 utterances): spaCy en_core_web_sm mapped
to Vantage types, a gazetteer baseline learned from the train split, and spaCy plus that
gazetteer as EntityRuler patterns. SNIPS slots mapped to types: artist -> person; city,
state, country, geographic_poi -> place; timeRange -> date.

Run: ``python -m benchmarks --only nlp_entities``.
"""

from __future__ import annotations

import os
import platform
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.report import write_section
from vantage.solutions.nlp.documents import EntityExtractor

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data"
SLOT_TYPES = {
    "artist": "person",
    "city": "place",
    "state": "place",
    "country": "place",
    "geographic_poi": "place",
    "timeRange": "date",
}
TYPES = ("person", "place", "date")


def gold(entities: list[dict[str, str]]) -> Counter[tuple[str, str]]:
    """Gold (type, lower-cased text) pairs of one utterance."""
    return Counter(
        (SLOT_TYPES[e["entity"]], e["text"].lower().strip())
        for e in entities
        if e["entity"] in SLOT_TYPES
    )


def gazetteer(train: pd.DataFrame, min_count: int = 1) -> list[dict[str, Any]]:
    """Phrase patterns: every mapped slot value seen in training (case-insensitive)."""
    seen = Counter(pair for ents in train["entities"] for pair in gold(ents).elements())
    return [
        {"label": kind, "pattern": [{"LOWER": word} for word in text.split()]}
        for (kind, text), n in seen.items()
        if n >= min_count and text
    ]


def score(
    predicted: list[Counter[tuple[str, str]]], expected: list[Counter[tuple[str, str]]]
) -> dict[str, tuple[float, float, float]]:
    """Precision, recall and F1 per type and micro-averaged (``all``)."""
    out = {}
    for kind in (*TYPES, "all"):
        tp = fp = fn = 0
        for pred, true in zip(predicted, expected, strict=True):
            p = Counter({k: v for k, v in pred.items() if kind in ("all", k[0])})
            e = Counter({k: v for k, v in true.items() if kind in ("all", k[0])})
            hit = sum((p & e).values())
            tp, fp, fn = tp + hit, fp + sum(p.values()) - hit, fn + sum(e.values()) - hit
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[kind] = (precision, recall, f1)
    return out


def run(extractor: EntityExtractor, texts: list[str]) -> list[Counter[tuple[str, str]]]:
    """Predicted (type, lower-cased text) pairs, restricted to the evaluated types."""
    return [
        Counter((e.type, e.text.lower().strip()) for e in found if e.type in TYPES)
        for found in extractor.fit().transform(texts)
    ]


def main() -> dict[str, dict[str, tuple[float, float, float]]]:
    """Score the three methods and write the ``nlp_entities`` section."""
    from vantage.datasets import load as load_dataset

    mirror = Path(os.environ.get("VANTAGE_DATA_MIRROR", MIRROR))
    data = load_dataset("snips", mirror=mirror)
    train, test = data[data["split"] == "train"], data[data["split"] == "validate"]
    texts = list(test["text"])
    expected = [gold(ents) for ents in test["entities"]]
    patterns = gazetteer(train)
    methods = {
        "gazetteer from train (blank spaCy + EntityRuler)": EntityExtractor(
            "blank:en", patterns=patterns
        ),
        "spaCy en_core_web_sm 3.8 (mapped labels)": EntityExtractor(),
        "spaCy + gazetteer patterns": EntityExtractor(patterns=patterns),
    }
    results = {}
    rows = []
    for name, extractor in methods.items():
        started = time.perf_counter()
        scores = score(run(extractor, texts), expected)
        seconds = time.perf_counter() - started
        results[name] = scores
        cells = " | ".join(f"{scores[k][2]:.3f}" for k in TYPES)
        p, r, f = scores["all"]
        rows.append(f"| {name} | {cells} | {p:.3f} | {r:.3f} | {f:.3f} | {seconds:.1f} |")
    lines = [
        f"SNIPS validate split ({len(test)} utterances, {sum(sum(e.values()) for e in expected)} "
        f"mapped slots; gazetteer of {len(patterns)} phrases from the {len(train)} train "
        f"utterances) from {mirror}/intents/snips; {datetime.now(UTC):%Y-%m-%d}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores. Exact match of "
        "(type, lower-cased text). SNIPS labels only the slots of each intent, so a correct "
        "place or date outside a slot counts against precision; many utterances are lower "
        "case, which hurts a model trained on edited text.",
        "",
        "| method | person F1 | place F1 | date F1 | precision | recall | F1 | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Reproduce: `python -m benchmarks --only nlp_entities`.",
    ]
    write_section("nlp_entities", "\n".join(lines))
    return results


if __name__ == "__main__":
    for name, scores in main().items():
        print(name, {k: tuple(round(x, 3) for x in v) for k, v in scores.items()})
