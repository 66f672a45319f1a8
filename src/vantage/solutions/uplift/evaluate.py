"""Experiment frames in, a held-out uplift leaderboard out (random targeting always reported)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from vantage.solutions.uplift.metrics import uplift_curves, uplift_report

RANDOM = "random"


@dataclass
class Experiment:
    """Features, treatment (1/0) and binary outcome of one randomised experiment."""

    x: pd.DataFrame
    treatment: np.ndarray
    y: np.ndarray


def experiment_from_frame(
    frame: pd.DataFrame,
    *,
    treatment_col: str,
    treated: Any,
    control: Any,
    outcome_col: str,
    features: Sequence[str] | None = None,
) -> Experiment:
    """Build an :class:`Experiment` from one row per customer.

    Rows in neither arm are dropped; text columns are one-hot encoded.

    Args:
        frame: The experiment table.
        treatment_col: Column naming the arm.
        treated: Value of ``treatment_col`` for treated customers.
        control: Value for control customers.
        outcome_col: Binary outcome column (0/1 or False/True).
        features: Feature columns; default every other column except the outcome.

    Raises:
        ValueError: A column is missing, an arm is empty, or the outcome is not binary.
    """
    needed = [treatment_col, outcome_col, *(features or [])]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"experiment lacks column(s) {missing}; columns are {list(frame.columns)}")
    rows = frame[frame[treatment_col].isin([treated, control])]
    t = (rows[treatment_col] == treated).to_numpy(int)
    if t.size == 0 or t.min() == t.max():
        raise ValueError(
            f"{treatment_col!r} needs rows with {treated!r} (treated) and {control!r} (control); "
            f"values are {sorted(map(str, frame[treatment_col].unique()))[:10]}"
        )
    y = rows[outcome_col].astype(float).to_numpy()
    if not set(np.unique(y)) <= {0.0, 1.0}:
        raise ValueError(f"outcome {outcome_col!r} must be binary (0/1)")
    chosen = list(features) if features else [c for c in rows.columns if c not in needed]
    x = pd.get_dummies(rows[chosen], dtype=float).astype(float)
    return Experiment(x.reset_index(drop=True), t, y)


def evaluate_uplift(
    experiment: Experiment,
    models: Mapping[str, Any],
    *,
    test_size: float = 0.3,
    ks: tuple[float, ...] = (0.1, 0.3, 0.5),
    random_state: int = 0,
    on_model: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Fit each uplift model on a stratified train split and score the held-out rest.

    Args:
        experiment: The experiment.
        models: Unfitted uplift models (``fit(x, treatment, y)``, ``predict(x)``) by name.
        test_size: Held-out share (stratified by arm and outcome).
        ks: Targeted shares for ``uplift@k``.
        random_state: Seed of the split and of the random ranking.
        on_model: Called with each model's name before it is fitted.

    Returns:
        (leaderboard: one row per model and ``random``, with ``uplift@k``, ``qini``,
        ``auuc``, ``fit_s``; the held-out Qini/uplift curves per model).
    """
    x, t, y = experiment.x, experiment.treatment, experiment.y
    split = train_test_split(
        x, t, y, test_size=test_size, random_state=random_state, stratify=t * 2 + y.astype(int)
    )
    x_train, x_test, t_train, t_test, y_train, y_test = split
    rows, curves = [], {}
    rng = np.random.default_rng(random_state)
    scores: dict[str, tuple[np.ndarray, float]] = {RANDOM: (rng.random(len(y_test)), 0.0)}
    for name, model in models.items():
        if on_model:
            on_model(name)
        started = time.perf_counter()
        model.fit(x_train, t_train, y_train)
        score = np.asarray(model.predict(x_test.to_numpy(float)))
        scores[name] = (score, time.perf_counter() - started)
    for name, (score, seconds) in scores.items():
        rows.append({"model": name, **uplift_report(y_test, t_test, score, ks), "fit_s": seconds})
        curves[name] = uplift_curves(y_test, t_test, score)
    table = pd.DataFrame(rows).set_index("model")
    table["test_rows"] = len(y_test)
    table["ate"] = float(y_test[t_test == 1].mean() - y_test[t_test == 0].mean())
    return table, curves
