"""Review queue: storage, decisions with who/when, and threshold tuning from labels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vantage.identity.review import ReviewError, ReviewQueue, tune_thresholds


def pairs(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["left_id", "right_id", "match_probability"])


def test_queue_lists_pending_pairs_most_probable_first(home: Path) -> None:
    queue = ReviewQueue(home)
    assert queue.add(pairs(("a", "x", 0.6), ("b", "y", 0.8))) == 2
    assert queue.add(pairs(("a", "x", 0.7))) == 0
    pending = queue.pending()
    assert pending[["left_id", "match_probability"]].values.tolist() == [["b", 0.8], ["a", 0.7]]
    assert (home / "identity" / "review.sqlite").is_file()


def test_decisions_record_who_and_when_and_are_not_requeued(home: Path) -> None:
    queue = ReviewQueue(home)
    queue.add(pairs(("a", "x", 0.6), ("b", "y", 0.8)))
    queue.decide("b", "y", accept=True, by="ana", note="same card")
    queue.decide("a", "x", accept=False, by="bo")
    assert queue.pending().empty
    assert queue.add(pairs(("a", "x", 0.9))) == 0
    labels = ReviewQueue(home).labels()
    assert labels[["left_id", "accepted", "decided_by"]].values.tolist() == [
        ["b", True, "ana"],
        ["a", False, "bo"],
    ]
    assert labels["decided_at"].notna().all()
    assert labels["match_probability"].tolist() == [0.8, 0.6]
    edges = queue.accepted_edges()
    assert edges["reason"].iloc[0].startswith("reviewed by ana at ")
    assert edges["reason"].iloc[0].endswith("(splink match_probability=0.8000)")


def test_deciding_an_unknown_pair_is_refused(home: Path) -> None:
    with pytest.raises(ReviewError, match=r"The pair \('a', 'x'\) is not in the review queue"):
        ReviewQueue(home).decide("a", "x", accept=True, by="ana")


def test_a_decision_needs_a_reviewer(home: Path) -> None:
    queue = ReviewQueue(home)
    queue.add(pairs(("a", "x", 0.6)))
    with pytest.raises(ReviewError, match="needs the reviewer's name"):
        queue.decide("a", "x", accept=True, by=" ")


def labels(accepted: list[float], rejected: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "match_probability": accepted + rejected,
            "accepted": [True] * len(accepted) + [False] * len(rejected),
        }
    )


def test_consistent_accepts_lower_the_upper_threshold() -> None:
    assert tune_thresholds(labels([0.8, 0.85, 0.9], [0.6]), 0.95, 0.5) == (0.8, 0.5)


def test_too_few_decisions_move_nothing() -> None:
    assert tune_thresholds(labels([0.8, 0.9], [0.6, 0.55]), 0.95, 0.5) == (0.95, 0.5)


def test_consistent_rejects_raise_the_lower_threshold() -> None:
    upper, lower = tune_thresholds(labels([0.9], [0.55, 0.6, 0.7]), 0.95, 0.5)
    assert upper == 0.95
    assert 0.7 < lower < 0.7000001


def test_a_rejected_pair_above_upper_raises_it() -> None:
    upper, lower = tune_thresholds(labels([], [0.97]), 0.95, 0.5)
    assert 0.97 < upper < 0.9700001
    assert lower == 0.5


def test_empty_labels_keep_the_thresholds() -> None:
    assert tune_thresholds(labels([], []), 0.95, 0.5) == (0.95, 0.5)
