from __future__ import annotations

import numpy as np
import pandas as pd

from vantage.solutions.forecast.intervals import ErrorBank, add_intervals, level_taus


def test_level_taus() -> None:
    assert level_taus((80, 95)) == [0.09999999999999998, 0.9, 0.025000000000000022, 0.975]


def test_only_errors_known_by_the_date_are_used() -> None:
    known = pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]).to_numpy()
    bank = ErrorBank(np.array([1, 1, 1]), known, np.array([1.0, 2.0, 100.0]), min_per_step=1)
    early = bank.samples(np.array([1]), until=np.datetime64("2025-01-02"))
    assert sorted(early[1]) == [1.0, 2.0]
    assert len(bank.samples(np.array([1]))[1]) == 3


def test_sparse_steps_pool_with_square_root_scaling() -> None:
    known = pd.date_range("2025-01-01", periods=4).to_numpy()
    bank = ErrorBank(np.array([1, 1, 4, 4]), known, np.array([1.0, -1.0, 2.0, -2.0]), 50)
    sample = bank.samples(np.array([9]))[9]
    assert sorted(sample) == [-3.0, -3.0, 3.0, 3.0]


def test_random_walk_intervals_cover_about_their_level() -> None:
    rng = np.random.default_rng(1)
    steps = np.tile(np.arange(1, 6), 400)
    errors = rng.normal(0, np.sqrt(steps))
    known = pd.date_range("2020-01-01", periods=len(steps), freq="h").to_numpy()
    bank = ErrorBank(steps, known, errors)
    test_steps = np.tile(np.arange(1, 6), 400)
    truth = rng.normal(0, np.sqrt(test_steps))
    frame = pd.DataFrame({"step": test_steps, "yhat": 0.0, "scale": 1.0})
    out = add_intervals(frame, bank, (80,))
    covered = np.mean((truth >= out["lo_80"]) & (truth <= out["hi_80"]))
    assert 0.75 < covered < 0.86


def test_no_errors_gives_missing_intervals() -> None:
    bank = ErrorBank(np.array([], dtype=int), np.array([], dtype="datetime64[ns]"), np.array([]))
    out = add_intervals(pd.DataFrame({"step": [1], "yhat": [1.0], "scale": [1.0]}), bank, (90,))
    assert out["lo_90"].isna().all()
