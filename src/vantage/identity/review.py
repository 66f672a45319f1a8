"""Review queue for uncertain probabilistic matches, and what is learned from its decisions.

Pairs whose match probability falls between the matcher's thresholds wait in
``<home>/identity/review.sqlite`` until a person accepts or rejects them; each decision records
who made it and when. Decided pairs are never queued again, accepted ones become identity edges
(:meth:`ReviewQueue.accepted_edges`), and all decisions serve as labels for
:func:`tune_thresholds`, which moves the two thresholds on the next run (and only the
thresholds: the Splink m and u probabilities are not changed by reviews).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from vantage.core.errors import VantageError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS review_pairs (
    left_id TEXT NOT NULL,
    right_id TEXT NOT NULL,
    match_probability REAL NOT NULL,
    match_weight REAL,
    queued_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','rejected')),
    decided_by TEXT,
    decided_at TEXT,
    note TEXT,
    PRIMARY KEY (left_id, right_id)
)
"""
_COLUMNS = [
    "left_id",
    "right_id",
    "match_probability",
    "match_weight",
    "queued_at",
    "status",
    "decided_by",
    "decided_at",
    "note",
]


class ReviewError(VantageError):
    """A review decision refers to a pair that is not in the queue."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class ReviewQueue:
    """Uncertain pairs awaiting a person's decision, stored in SQLite under ``home``.

    Args:
        home: The Vantage data directory; the queue lives in ``identity/review.sqlite``.
    """

    def __init__(self, home: Path) -> None:
        self.path = Path(home) / "identity" / "review.sqlite"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path)) as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(_SCHEMA)
            with con:
                yield con

    def add(self, pairs: pd.DataFrame) -> int:
        """Queue scored pairs (``left_id, right_id, match_probability[, match_weight]``).

        Pairs already decided are left alone; pending ones get their new probability.

        Returns:
            How many pairs were newly queued.
        """
        weights = pairs["match_weight"] if "match_weight" in pairs else [None] * len(pairs)
        rows = [
            (str(a), str(b), float(p), None if w is None else float(w), _now())
            for a, b, p, w in zip(
                pairs["left_id"],
                pairs["right_id"],
                pairs["match_probability"],
                weights,
                strict=True,
            )
        ]
        with self._connect() as con:
            before = con.total_changes
            con.executemany(
                "INSERT INTO review_pairs (left_id, right_id, match_probability, match_weight,"
                " queued_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (left_id, right_id) DO NOTHING",
                rows,
            )
            added = con.total_changes - before
            con.executemany(
                "UPDATE review_pairs SET match_probability = ?, match_weight = ?"
                " WHERE left_id = ? AND right_id = ? AND status = 'pending'",
                [(p, w, a, b) for a, b, p, w, _ in rows],
            )
        return added

    def _frame(self, where: str, params: tuple[object, ...] = ()) -> pd.DataFrame:
        with self._connect() as con:
            rows = con.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM review_pairs WHERE {where}"
                " ORDER BY match_probability DESC, left_id, right_id",
                params,
            ).fetchall()
        return pd.DataFrame(rows, columns=_COLUMNS)

    def pending(self) -> pd.DataFrame:
        """Pairs awaiting a decision, most probable first."""
        return self._frame("status = 'pending'")

    def decide(
        self, left_id: str, right_id: str, *, accept: bool, by: str, note: str | None = None
    ) -> None:
        """Record a decision on one queued pair (a later decision replaces an earlier one).

        Args:
            left_id: Left record id of the pair.
            right_id: Right record id of the pair.
            accept: True when both records are the same person.
            by: Who decided (user name or e-mail).
            note: Optional free text kept with the decision.

        Raises:
            ReviewError: The pair is not in the queue, or ``by`` is empty.
        """
        if not by.strip():
            raise ReviewError("A review decision needs the reviewer's name.", "Pass by='name'.")
        with self._connect() as con:
            cursor = con.execute(
                "UPDATE review_pairs SET status = ?, decided_by = ?, decided_at = ?, note = ?"
                " WHERE left_id = ? AND right_id = ?",
                ("accepted" if accept else "rejected", by, _now(), note, left_id, right_id),
            )
        if cursor.rowcount == 0:
            raise ReviewError(
                f"The pair ({left_id!r}, {right_id!r}) is not in the review queue.",
                "List the queue with ReviewQueue.pending() and use its left_id and right_id.",
            )

    def labels(self) -> pd.DataFrame:
        """Decided pairs with a boolean ``accepted`` column, for :func:`tune_thresholds`."""
        decided = self._frame("status != 'pending'")
        decided["accepted"] = decided["status"] == "accepted"
        return decided

    def accepted_edges(self) -> pd.DataFrame:
        """Accepted pairs as identity edges, each ``reason`` naming reviewer, time, probability."""
        edges = self._frame("status = 'accepted'")
        edges["reason"] = [
            f"reviewed by {by} at {at} (splink match_probability={p:.4f})"
            for by, at, p in zip(
                edges["decided_by"], edges["decided_at"], edges["match_probability"], strict=True
            )
        ]
        return edges[["left_id", "right_id", "match_probability", "reason"]]


def tune_thresholds(
    labels: pd.DataFrame, upper: float, lower: float, *, min_support: int = 3
) -> tuple[float, float]:
    """Move the thresholds to agree with reviewers' decisions.

    The rule is deliberately conservative:

    * ``upper`` is lowered to the smallest accepted probability above every rejected one, when
      at least ``min_support`` accepted pairs lie there (reviewers kept saying "same person"
      from that probability up); it is raised just above the highest rejected probability if
      a rejected pair would otherwise be auto-accepted.
    * ``lower`` is raised just above the highest rejected probability below every accepted one,
      when at least ``min_support`` rejected pairs lie there (reviewers kept saying "different
      people" up to that probability).

    Args:
        labels: Columns ``match_probability`` and ``accepted`` (bool).
        upper: Current accept threshold.
        lower: Current review threshold.
        min_support: Decisions needed before a threshold moves.

    Returns:
        The new ``(upper, lower)``, with ``lower <= upper``.
    """
    accepted = sorted(labels.loc[labels["accepted"].astype(bool), "match_probability"])
    rejected = sorted(labels.loc[~labels["accepted"].astype(bool), "match_probability"])
    new_upper, new_lower = upper, lower
    ceiling = rejected[-1] if rejected else -math.inf
    above = [p for p in accepted if p > ceiling]
    if len(above) >= min_support:
        new_upper = min(upper, above[0])
    if rejected and ceiling >= new_upper:
        new_upper = min(math.nextafter(ceiling, 1.0), 1.0 - 1e-12)
    floor = accepted[0] if accepted else math.inf
    below = [p for p in rejected if p < floor]
    if len(below) >= min_support:
        new_lower = max(lower, math.nextafter(below[-1], 1.0))
    return new_upper, min(new_lower, new_upper)
