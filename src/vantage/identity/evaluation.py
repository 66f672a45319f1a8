"""Scoring identity resolution against known truth: pairwise precision/recall, over-merges."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vantage.core.identifiers import normalise
from vantage.identity.graph import IdentityGraph


@dataclass(frozen=True)
class ClusterScores:
    """How well customer clusters match the true people.

    Attributes:
        precision: Share of identifier pairs put in one profile that truly belong together.
        recall: Share of truly related identifier pairs that ended in one profile.
        f1: Harmonic mean of the two.
        over_merge_rate: Share of profiles holding identifiers of more than one person.
        profiles_per_person: Profiles per true person (1.0 is perfect).
        identifiers: Identifiers scored (known to the truth and to the graph, owned by one person).
        people: True people among them.
        profiles: Profiles among them.
    """

    precision: float
    recall: float
    f1: float
    over_merge_rate: float
    profiles_per_person: float
    identifiers: int
    people: int
    profiles: int

    def as_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


def _pairs(counts: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def read_truth(truth_csv: Path) -> dict[tuple[str, str], str]:
    """Normalised identifier -> person id, from a truth file (id_type, id_value, person_id).

    Identifiers the truth gives to several people (shared tablets, family e-mails) are left out:
    no answer could be right for them.
    """
    owners: dict[tuple[str, str], set[str]] = {}
    with truth_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            ident = normalise(row["id_type"], row["id_value"])
            if ident is not None:
                owners.setdefault((ident.type, ident.value), set()).add(row["person_id"])
    return {key: next(iter(people)) for key, people in owners.items() if len(people) == 1}


def score_clusters(graph: IdentityGraph, truth: dict[tuple[str, str], str]) -> ClusterScores:
    """Pairwise scores of the graph's customers against the truth."""
    predicted: dict[tuple[str, str], str] = {}
    for key in truth:
        customer = graph.customer_of(key)
        if customer is not None:
            predicted[key] = customer
    both = Counter((predicted[k], truth[k]) for k in predicted)
    true_pairs = _pairs(both)
    predicted_pairs = _pairs(Counter(predicted.values()))
    truth_pairs = _pairs(Counter(truth[k] for k in predicted))
    precision = true_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = true_pairs / truth_pairs if truth_pairs else 1.0
    people_per_profile: dict[str, set[str]] = {}
    for key, customer in predicted.items():
        people_per_profile.setdefault(customer, set()).add(truth[key])
    profiles = len(people_per_profile)
    people = len({truth[k] for k in predicted})
    over = sum(1 for owners in people_per_profile.values() if len(owners) > 1)
    return ClusterScores(
        precision=precision,
        recall=recall,
        f1=2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        over_merge_rate=over / profiles if profiles else 0.0,
        profiles_per_person=profiles / people if people else 0.0,
        identifiers=len(predicted),
        people=people,
        profiles=profiles,
    )
