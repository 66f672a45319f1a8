"""Look-alike model: cross-fitted scores, honest AUC, a single-feature baseline, top N."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vantage.segments.lookalike import LookalikeError, LookalikeModel, top_lookalikes


def data(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.normal(size=n)},
        index=[f"c{i}" for i in range(n)],
    )
    # Members: high a and high b together, which no single feature separates as well.
    y = ((x.a + x.b + rng.normal(scale=0.3, size=n)) > 1.2).astype(int).to_numpy()
    return x, y


def test_scores_separate_the_seed_better_than_one_feature() -> None:
    x, y = data()
    model = LookalikeModel(n_estimators=30).fit(x, y)
    assert model.auc_ > 0.9
    assert model.baseline_feature_ in {"a", "b"}
    assert 0.6 < model.baseline_auc_ < model.auc_
    assert model.scores_.index.equals(x.index) and model.scores_.between(0, 1).all()
    assert model.predict_proba(x.head(3)).shape == (3, 2)


def test_top_lookalikes_skips_members_and_ranks_by_score() -> None:
    scores = pd.Series([0.9, 0.8, 0.1, 0.7], index=["m", "a", "b", "c"])
    top = top_lookalikes(scores, {"m"}, 2)
    assert top.customer_id.tolist() == ["a", "c"] and top["rank"].tolist() == [1, 2]


def test_a_seed_too_small_or_everyone_is_refused() -> None:
    x, _ = data(40)
    with pytest.raises(LookalikeError, match="The seed has 2 of 40 customers") as info:
        LookalikeModel().fit(x, np.array([1, 1] + [0] * 38))
    assert "more members" in (info.value.fix or "")
    with pytest.raises(LookalikeError, match="The seed has 40 of 40"):
        LookalikeModel().fit(x, np.ones(40))
    with pytest.raises(LookalikeError, match="no numeric column"):
        LookalikeModel().fit(pd.DataFrame({"t": ["a"] * 40}), np.array([1, 0] * 20))
