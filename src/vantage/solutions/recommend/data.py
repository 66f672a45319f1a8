"""Interaction tables: index users and items, build the sparse matrix, split by time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse


@dataclass(frozen=True)
class Columns:
    """Column names of a long interaction table (one row per user x item event)."""

    user: str = "customer_id"
    item: str = "product_id"
    time: str = "ts"
    weight: str | None = None


def check_interactions(frame: pd.DataFrame, columns: Columns) -> None:
    """Raise ValueError naming a missing column, or when there are no interactions."""
    needed = [columns.user, columns.item, columns.time]
    if columns.weight:
        needed.append(columns.weight)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            f"interactions lack column(s) {missing}; columns are {list(frame.columns)}"
        )
    if frame.empty:
        raise ValueError("interactions are empty: there is nothing to learn from")


@dataclass
class InteractionMatrix:
    """Users x items matrix of summed interaction weights, with the id <-> row maps."""

    matrix: sparse.csr_matrix
    users: pd.Index
    items: pd.Index

    @classmethod
    def build(cls, frame: pd.DataFrame, columns: Columns) -> InteractionMatrix:
        """Index the users and items of ``frame`` and sum repeated interactions."""
        check_interactions(frame, columns)
        users = pd.Index(pd.unique(frame[columns.user]))
        items = pd.Index(pd.unique(frame[columns.item]))
        rows = users.get_indexer(pd.Index(frame[columns.user]))
        cols = items.get_indexer(pd.Index(frame[columns.item]))
        weights = (
            frame[columns.weight].to_numpy(np.float32)
            if columns.weight
            else np.ones(len(frame), np.float32)
        )
        matrix = sparse.csr_matrix(
            (weights, (rows, cols)), shape=(len(users), len(items)), dtype=np.float32
        )
        matrix.sum_duplicates()
        return cls(matrix, users, items)


def time_split(
    frame: pd.DataFrame,
    *,
    test_fraction: float = 0.2,
    cutoff: pd.Timestamp | str | None = None,
    per_user: bool = False,
    columns: Columns | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp | None]:
    """Split interactions by time: train on the past, test on what came after.

    By default one cut-off for everyone (the realistic setting: train today, measure the next
    weeks). ``per_user=True`` holds out each user's latest ``test_fraction`` of interactions
    instead (users with one interaction stay in training), which suits data sets such as
    MovieLens where users arrive in bursts and a global cut-off leaves few test users.

    Test rows are kept only for users and items seen in training (a model cannot be scored on
    what it never saw; cold start is the popularity baseline's job), and items a user already
    had in training are dropped from their test set (we measure discovery of new items).

    Args:
        frame: Long interaction table.
        test_fraction: Share of interactions (the latest) held out, when no ``cutoff``.
        cutoff: Explicit split time.
        per_user: Hold out each user's latest interactions instead of using one cut-off.
        columns: Column names.

    Returns:
        ``(train, test, cutoff)``; the cut-off is None for a per-user split.
    """
    cols = columns or Columns()
    check_interactions(frame, cols)
    times = pd.to_datetime(frame[cols.time], utc=True)
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1; got {test_fraction}")
    split_at: pd.Timestamp | None
    if per_user:
        order = frame.assign(_t=times.to_numpy()).sort_values([cols.user, "_t"], kind="stable")
        position = order.groupby(cols.user).cumcount()
        size = order.groupby(cols.user)[cols.user].transform("size")
        held = position >= np.maximum(size - np.floor(size * test_fraction), 1)
        train, test = order[~held].drop(columns="_t"), order[held].drop(columns="_t")
        split_at = None
    elif cutoff is None:
        ordered = times.sort_values()
        split_at = ordered.iloc[min(int(len(ordered) * (1 - test_fraction)), len(ordered) - 1)]
    else:
        split_at = pd.Timestamp(cutoff)
        if split_at.tzinfo is None:
            split_at = split_at.tz_localize("UTC")
    if split_at is not None:
        train = frame[(times < split_at).to_numpy()]
        test = frame[(times >= split_at).to_numpy()]
    test = test[test[cols.user].isin(train[cols.user]) & test[cols.item].isin(train[cols.item])]
    seen = pd.MultiIndex.from_frame(train[[cols.user, cols.item]])
    pairs = pd.MultiIndex.from_frame(test[[cols.user, cols.item]])
    test = test[~pairs.isin(seen)]
    return train, test, split_at
