"""Pairwise precision and recall of the deterministic graph on a small demo workspace."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from vantage.collect.importers.mapping import load_mapping
from vantage.collect.importers.runner import run_import
from vantage.core.identifiers import normalise
from vantage.datasets.demo import generate
from vantage.identity.graph import IdentityGraph
from vantage.identity.sync import rebuild_from_lake
from vantage.store.lake import EventLog


def _pairs(counts: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def pairwise_scores(graph: IdentityGraph, truth_csv: Path) -> tuple[float, float, int]:
    """Precision and recall over pairs of identifiers that the truth and the graph both know."""
    owners: dict[tuple[str, str], set[str]] = {}
    with truth_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            ident = normalise(row["id_type"], row["id_value"])
            if ident is not None:
                owners.setdefault((ident.type, ident.value), set()).add(row["person_id"])
    truth: dict[tuple[str, str], str] = {}
    predicted: dict[tuple[str, str], str] = {}
    for key, people in owners.items():
        customer = graph.customer_of(key)
        if len(people) == 1 and customer is not None:
            truth[key] = next(iter(people))
            predicted[key] = customer
    both = Counter((predicted[k], truth[k]) for k in truth)
    true_pairs = _pairs(both)
    precision = true_pairs / max(_pairs(Counter(predicted.values())), 1)
    recall = true_pairs / max(_pairs(Counter(truth.values())), 1)
    return precision, recall, len(truth)


@pytest.mark.slow
def test_demo_workspace_precision(home: Path, tmp_path: Path) -> None:
    manifest = generate(tmp_path / "demo", customers=300, seed=11)
    workspace = tmp_path / "demo" / "workspace"
    log = EventLog(home)
    for item in manifest.files:
        if item.kind in ("api", "import"):
            mapping = load_mapping(workspace / item.mapping) if item.mapping else None
            run_import(workspace / item.path, log=log, source=item.source, mapping=mapping)
    graph = rebuild_from_lake(log)
    precision, recall, known = pairwise_scores(
        graph, tmp_path / "demo" / "truth" / "identities.csv"
    )
    assert known > 1000
    assert precision >= 0.98
    assert recall >= 0.5
