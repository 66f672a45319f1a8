from __future__ import annotations

import pandas as pd

from vantage.solutions.forecast.backtest import backtest
from vantage.solutions.forecast.data import validate_long
from vantage.solutions.forecast.models import MeanModel, StatsModel
from vantage.solutions.forecast.selection import ENSEMBLE, evaluate


def _models() -> list:  # type: ignore[type-arg]
    return [
        StatsModel("naive"),
        StatsModel("drift"),
        StatsModel("seasonal_naive", 7),
        MeanModel(),
    ]


def test_random_walk_data_nothing_beats_the_random_walk(make_walk) -> None:  # type: ignore[no-untyped-def]
    data = validate_long(make_walk(n=300, n_series=6, seed=3), "B")
    bt = backtest(data, [StatsModel("naive"), MeanModel()], "B", {"1w": 5}, n_origins=6)
    ev = evaluate(bt, ensemble_size=0)
    assert ev.selection == {"1w": "RandomWalk"}
    assert "nothing beats the RandomWalk" in ev.notes["1w"]
    board = ev.leaderboard.set_index("model")
    assert board.loc["RandomWalk", "rel_mase"] == 1.0
    assert board.loc["Mean", "rel_mase"] > 1.5
    assert board.loc["RandomWalk", "selected"]


def test_seasonal_data_seasonal_model_wins(sales: pd.DataFrame) -> None:
    data = validate_long(sales, "D")
    bt = backtest(data, _models(), "D", {"1d": 1, "1w": 7}, n_origins=6, step=3)
    ev = evaluate(bt)
    assert ev.selection["1w"] in ("SeasonalNaive", ENSEMBLE)
    board = ev.leaderboard[ev.leaderboard["horizon"] == "1w"].set_index("model")
    assert board.loc["SeasonalNaive", "rel_mase"] < 0.8
    assert board.loc["SeasonalNaive", "win_rate"] > 0.6
    assert "beats the RandomWalk" in ev.notes["1w"]
    assert list(ev.leaderboard["horizon"].unique()) == ["1d", "1w"]
    assert {"coverage_80", "coverage_95", "pinball"} <= set(ev.leaderboard.columns)
    assert len(ev.members["1w"]) == 3


def test_ensemble_uses_only_past_origins(sales: pd.DataFrame) -> None:
    data = validate_long(sales, "D")
    bt = backtest(data, _models(), "D", {"1w": 7}, n_origins=4, step=7)
    ev = evaluate(bt, ensemble_size=2)
    scored = ev.scored[ev.scored["horizon"] == "1w"]
    wide = scored.pivot_table(index=["unique_id", "cutoff", "ds"], columns="model", values="yhat")
    first = min(bt.cutoffs["1w"])
    at_first = wide.xs(first, level="cutoff")
    members = ["Mean", "RandomWalk", "RandomWalkDrift", "SeasonalNaive"]
    pd.testing.assert_series_equal(
        at_first[ENSEMBLE], at_first[members].mean(axis=1), check_names=False
    )


def test_intervals_unknown_before_any_error_is_known(sales: pd.DataFrame) -> None:
    data = validate_long(sales, "D")
    bt = backtest(data, _models()[:2], "D", {"1w": 7}, n_origins=3, step=7)
    ev = evaluate(bt, ensemble_size=0)
    scored = ev.scored
    first = scored[scored["cutoff"] == min(bt.cutoffs["1w"])]
    assert first["lo_80"].isna().all()
    later = scored[scored["cutoff"] == max(bt.cutoffs["1w"])]
    assert later["lo_80"].notna().all()
    assert (later["lo_95"] <= later["lo_80"]).all()


def test_note_calls_a_near_tie_a_tie() -> None:
    from vantage.solutions.forecast.selection import _note

    group = pd.DataFrame({"model": ["Drift", "RandomWalk"]})
    best = pd.Series({"model": "Drift", "mase": 1.0, "rel_mase": 0.995, "win_rate": 0.4})
    assert "ties the RandomWalk" in _note("1d", best, "RandomWalk", group)
    best = pd.Series({"model": "Drift", "mase": 0.9, "rel_mase": 0.9, "win_rate": 0.7})
    assert "beats the RandomWalk by 10.0%" in _note("1d", best, "RandomWalk", group)
