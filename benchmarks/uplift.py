"""Uplift on Hillstrom: Womens e-mail vs no e-mail, outcome visit.

Two-model and X-learner (ours, scikit-learn HistGradientBoosting) against random targeting and,
when ``scikit-uplift`` is installed (benchmark only: ``pip install scikit-uplift``), its
two-model, solo-model and class-transformation learners on the same gradient boosting.
Stratified 70/30 splits over several seeds; every model is scored with our metrics
(uplift@30% "overall", Qini coefficient, AUUC), and scikit-uplift's own ``uplift_at_k`` is
reported for the same scores as a check of our metric. Target: uplift@30% >= 0.071 (random is
about the average effect, 0.042).

Run ``VANTAGE_DATA_MIRROR=../shared/data python -m benchmarks --only uplift``
(``VANTAGE_BENCH_UPLIFT_SEEDS`` sets the number of splits, default 5).
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from benchmarks.report import write_section

SEEDS = int(os.environ.get("VANTAGE_BENCH_UPLIFT_SEEDS", "5"))
TARGET = 0.071


def _mirror() -> Path:
    configured = os.environ.get("VANTAGE_DATA_MIRROR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared/data"


class _Peer:
    """A scikit-uplift model behind our ``fit(x, treatment, y)`` / ``predict(x)`` contract."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make

    def fit(self, x: Any, treatment: Any, y: Any) -> _Peer:
        self.model_ = self.make().fit(np.asarray(x, float), np.asarray(y), np.asarray(treatment))
        return self

    def predict(self, x: Any) -> np.ndarray:
        return np.asarray(self.model_.predict(np.asarray(x, float)))


def candidates(seed: int) -> dict[str, Any]:
    """Our learners and, when installed, scikit-uplift's, all on the same boosting."""
    from vantage.solutions.uplift import TwoModelUplift, XLearnerUplift, default_classifier

    out: dict[str, Any] = {
        "two-model (ours)": TwoModelUplift(random_state=seed),
        "X-learner (ours)": XLearnerUplift(random_state=seed),
    }
    try:
        from sklift.models import (
            ClassTransformation,
            SoloModel,
            TwoModels,
        )
    except ImportError:
        return out

    def clf() -> Any:
        return default_classifier(seed)

    out["two-model (scikit-uplift)"] = _Peer(lambda: TwoModels(clf(), clf(), method="vanilla"))
    out["solo model (scikit-uplift)"] = _Peer(lambda: SoloModel(clf()))
    out["class transformation (scikit-uplift)"] = _Peer(lambda: ClassTransformation(clf()))
    return out


def _sklift_at_30(y: np.ndarray, score: np.ndarray, t: np.ndarray) -> float:
    try:
        from sklift.metrics import uplift_at_k
    except ImportError:
        return float("nan")
    return float(uplift_at_k(y, score, t, strategy="overall", k=0.3))


def run(seeds: int = SEEDS) -> tuple[pd.DataFrame, int, float]:
    """Mean and spread over seeds of each model's held-out figures."""
    from sklearn.model_selection import train_test_split

    from vantage.datasets.registry import load
    from vantage.services.uplift import HILLSTROM
    from vantage.solutions.uplift import experiment_from_frame, uplift_report

    spec = dict(HILLSTROM)
    experiment = experiment_from_frame(load("hillstrom", mirror=_mirror()), **spec)  # type: ignore[arg-type]
    x, t, y = experiment.x.to_numpy(float), experiment.treatment, experiment.y
    rows = []
    for seed in range(seeds):
        split = train_test_split(x, t, y, test_size=0.3, random_state=seed, stratify=t * 2 + y)
        x_tr, x_te, t_tr, t_te, y_tr, y_te = split
        scores = {"random": (np.random.default_rng(seed).random(len(y_te)), 0.0)}
        for name, model in candidates(seed).items():
            started = time.perf_counter()
            with threadpool_limits(1):
                model.fit(x_tr, t_tr, y_tr)
                score = np.asarray(model.predict(x_te))
            scores[name] = (score, time.perf_counter() - started)
        for name, (score, seconds) in scores.items():
            report = uplift_report(y_te, t_te, score, ks=(0.3,))
            rows.append(
                {
                    "model": name,
                    "seed": seed,
                    **report,
                    "sklift_uplift@30%": _sklift_at_30(y_te, score, t_te),
                    "fit_s": seconds,
                }
            )
    frame = pd.DataFrame(rows)
    summary = frame.groupby("model", sort=False).agg(["mean", "std"])
    ate = float(y[t == 1].mean() - y[t == 0].mean())
    return summary, len(y), ate


def markdown(summary: pd.DataFrame) -> str:
    """The leaderboard as a Markdown table."""
    lines = [
        "| model | uplift@30% | Qini coefficient | AUUC | uplift@30% by scikit-uplift | fit (s) |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in summary.iterrows():
        check = row[("sklift_uplift@30%", "mean")]
        lines.append(
            f"| {name} | {row[('uplift@30%', 'mean')]:.4f} ± {row[('uplift@30%', 'std')]:.4f} "
            f"| {row[('qini', 'mean')]:.4f} ± {row[('qini', 'std')]:.4f} "
            f"| {row[('auuc', 'mean')]:.4f} ± {row[('auuc', 'std')]:.4f} "
            f"| {'' if np.isnan(check) else f'{check:.4f}'} "
            f"| {row[('fit_s', 'mean')]:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run the comparison and write the ``uplift`` section of benchmarks/README.md."""
    summary, n, ate = run()
    ours = float(summary[("uplift@30%", "mean")]["X-learner (ours)"])
    body = "\n".join(
        [
            f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}, boosting on 1 thread. Reproduce: "
            "`VANTAGE_DATA_MIRROR=../shared/data python -m benchmarks --only uplift`.",
            "",
            f"Hillstrom, Womens E-Mail vs No E-Mail ({n:,} customers), outcome visit; average "
            f"effect {ate:.4f}. Stratified 70/30 splits, mean ± standard deviation over "
            f"{SEEDS} seeds. Qini coefficient and AUUC: area between the curve and random "
            "targeting, per customer (0 = random). Target uplift@30% >= "
            f"{TARGET}: X-learner {'meets' if ours >= TARGET else 'misses'} it ({ours:.4f}).",
            "",
            markdown(summary),
            "",
        ]
    )
    write_section("uplift", body)
    print(body)


if __name__ == "__main__":
    main()
