"""Evaluate several recommenders on one time split, the popularity baseline always included."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import pandas as pd

from vantage.solutions.recommend.data import Columns, time_split
from vantage.solutions.recommend.metrics import ranking_scores
from vantage.solutions.recommend.models import PopularityRecommender, Recommender

BASELINE = "popularity"


def evaluate_recommenders(
    interactions: pd.DataFrame,
    models: Mapping[str, Recommender],
    *,
    k: int = 10,
    test_fraction: float = 0.2,
    cutoff: pd.Timestamp | str | None = None,
    per_user: bool = False,
    columns: Columns | None = None,
    on_model: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Fit each model before a time cut-off and score Recall@k / NDCG@k after it.

    The time-aware popularity baseline is added under the name ``popularity`` when ``models``
    does not already hold it.

    Args:
        interactions: Long interaction table.
        models: Unfitted recommenders by name.
        k: Cut-off of the ranking metrics.
        test_fraction: Share of the latest interactions held out (without ``cutoff``).
        cutoff: Explicit split time.
        per_user: Hold out each user's latest interactions (see :func:`time_split`).
        columns: Column names.
        on_model: Called with each model's name before it is fitted (progress).

    Returns:
        One row per model (baseline first): ``recall@k``, ``ndcg@k``, ``users``, ``fit_s``,
        ``train_rows``, ``test_rows``, ``cutoff``.

    Raises:
        ValueError: The split leaves no test interaction for users seen in training.
    """
    cols = columns or Columns()
    train, test, split_at = time_split(
        interactions, test_fraction=test_fraction, cutoff=cutoff, per_user=per_user, columns=cols
    )
    if test.empty:
        raise ValueError(
            f"no test interactions (split at {split_at or 'each user latest'}) for users and "
            "items seen in training; choose an earlier cut-off or a larger test_fraction"
        )
    everything: dict[str, Recommender] = {BASELINE: PopularityRecommender(columns=cols)}
    everything.update(models)
    users = list(pd.unique(test[cols.user]))
    rows = []
    for name, model in everything.items():
        if on_model:
            on_model(name)
        started = time.perf_counter()
        model.fit(train)
        fit_s = time.perf_counter() - started
        ranked = model.recommend_many(users, k)
        scores = ranking_scores(ranked, test, user_col=cols.user, item_col=cols.item, k=k)
        rows.append({"model": name, **scores, "fit_s": fit_s})
    table = pd.DataFrame(rows).set_index("model")
    table["users"] = table["users"].astype(int)
    table["train_rows"] = len(train)
    table["test_rows"] = len(test)
    table["cutoff"] = split_at
    return table
