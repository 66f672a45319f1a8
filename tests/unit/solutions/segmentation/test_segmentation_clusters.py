"""Behavioural clustering: k chosen by the criterion, profiles in plain words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vantage.solutions.segmentation import BehaviourClusters, describe_feature


def three_groups(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    groups = [  # (recency_days, frequency, monetary)
        (5, 20, 80),  # recent frequent big spenders
        (200, 1, 20),  # lapsed one-timers
        (30, 4, 30),
    ]
    rows = []
    for recency, frequency, monetary in groups:
        for _ in range(60):
            rows.append(
                (
                    recency * rng.lognormal(0, 0.15),
                    max(1.0, round(frequency * rng.lognormal(0, 0.15))),
                    monetary * rng.lognormal(0, 0.15),
                )
            )
    return pd.DataFrame(rows, columns=["recency_days", "frequency", "monetary"])


@pytest.mark.parametrize(("method", "criterion"), [("kmeans", None), ("gmm", "bic")])
def test_the_criterion_finds_the_three_groups(method: str, criterion: str | None) -> None:
    features = three_groups()
    model = BehaviourClusters(method=method, k_range=(2, 4), criterion=criterion).fit(features)  # type: ignore[arg-type]
    assert model.criterion_ == ("silhouette" if method == "kmeans" else "bic")
    assert set(model.scores_) == {2, 3, 4}
    assert model.n_clusters_ == 3
    labels = model.labels_.reshape(3, 60)
    assert all(len(set(row)) == 1 for row in labels)  # each true group in one cluster
    assert (model.predict(features) == model.labels_).all()
    space = model.transform(features)
    assert space.shape == features.shape
    assert np.allclose(space.mean(axis=0), 0) and np.allclose(space.std(axis=0), 1)
    profiles = model.profiles_
    assert profiles.customers.sum() == len(features)
    best = profiles.description[labels[0][0]]
    assert "recent buyers" in best and "frequent buyers" in best
    assert "lapsed" in profiles.description[labels[1][0]]


def test_bic_needs_the_mixture_and_inputs_are_checked() -> None:
    features = three_groups()
    with pytest.raises(ValueError, match="needs method='gmm'"):
        BehaviourClusters(method="kmeans", criterion="bic").fit(features)
    with pytest.raises(ValueError, match="method must be"):
        BehaviourClusters(method="dbscan").fit(features)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="numeric with no missing"):
        BehaviourClusters().fit(features.assign(name="x"))
    with pytest.raises(ValueError, match="need more than 8 customers"):
        BehaviourClusters().fit(features.head(5))
    with pytest.raises(ValueError, match="k_range"):
        BehaviourClusters(k_range=(1, 3)).fit(features)
    with pytest.raises(ValueError, match="not fitted"):
        BehaviourClusters().predict(features)


def test_feature_words() -> None:
    assert describe_feature("recency_days", -1.0) == "recent buyers"
    assert describe_feature("frequency", 1.0) == "frequent buyers"
    assert describe_feature("app_sessions", 2.0) == "high app sessions"
