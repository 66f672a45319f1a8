"""Leaderboard per horizon, honest ensembles, and the choice of a model for each horizon."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vantage.solutions.forecast import metrics as mt
from vantage.solutions.forecast.backtest import BacktestResult
from vantage.solutions.forecast.intervals import ErrorBank, add_intervals, level_taus

ENSEMBLE = "Ensemble"


@dataclass
class Evaluation:
    """What the backtest says, per horizon.

    Attributes:
        leaderboard: One row per horizon and model: ``mase``, ``rel_mase`` (MASE divided by the
            baseline's; below 1 beats it), ``smape``, ``rmse``, ``coverage_<level>``,
            ``pinball`` (scaled, averaged over the interval bounds), ``win_rate`` (share of
            series-origins where the model's error is below the baseline's), ``rank``,
            ``selected``.
        selection: Horizon label -> chosen model.
        notes: Horizon label -> one sentence on how the choice compares with the baseline.
        members: Horizon label -> the models averaged by the ensemble for the final forecast.
        banks: ``(horizon, model)`` -> its backtest errors, for the final intervals.
        scored: The backtest rows with intervals and the ensemble, per horizon.
    """

    leaderboard: pd.DataFrame
    selection: dict[str, str]
    notes: dict[str, str]
    members: dict[str, list[str]]
    banks: dict[tuple[str, str], ErrorBank] = field(repr=False)
    scored: pd.DataFrame = field(repr=False)


def evaluate(
    bt: BacktestResult,
    *,
    levels: tuple[int, ...] = (80, 95),
    baseline: str = "RandomWalk",
    ensemble_size: int = 3,
    min_per_step: int = 50,
) -> Evaluation:
    """Score every model (and an ensemble of the best) for each horizon and choose.

    The ensemble is built without looking ahead: at each origin it averages the
    ``ensemble_size`` models with the lowest scaled error over the earlier origins (all models
    at the first one). Intervals at each origin use only errors known by then.

    Args:
        bt: A backtest.
        levels: Interval levels in percent.
        baseline: Model that MASE is compared with (the random walk by default).
        ensemble_size: Models averaged by the ensemble (0 or 1: no ensemble).
        min_per_step: See :class:`ErrorBank`.

    Returns:
        The evaluation.
    """
    rows: list[dict[str, object]] = []
    scored: list[pd.DataFrame] = []
    banks: dict[tuple[str, str], ErrorBank] = {}
    selection: dict[str, str] = {}
    notes: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for label, h in bt.horizons.items():
        part = bt.predictions[
            bt.predictions["cutoff"].isin(bt.cutoffs[label]) & (bt.predictions["step"] <= h)
        ]
        part = _common(part)
        if ensemble_size > 1 and part["model"].nunique() > ensemble_size:
            ens, members[label] = _ensemble(part, ensemble_size)
            part = pd.concat([part, ens], ignore_index=True)
        for name, group in part.groupby("model", sort=False):
            bank = ErrorBank.from_frame(group, min_per_step)
            banks[(label, str(name))] = bank
            with_iv = pd.concat(
                [
                    add_intervals(g, bank, levels, until=np.datetime64(pd.Timestamp(str(c))))
                    for c, g in group.groupby("cutoff")
                ]
            )
            scored.append(with_iv.assign(horizon=label))
            rows.append(_metrics(with_iv, levels) | {"horizon": label, "model": name})
    board = pd.DataFrame(rows)
    board = _compare(board, pd.concat(scored, ignore_index=True), baseline)
    for key, group in board.groupby("horizon", sort=False):
        best = group.sort_values("mase").iloc[0]
        selection[str(key)] = str(best["model"])
        notes[str(key)] = _note(str(key), best, baseline, group)
    board["selected"] = [
        selection[h] == m for h, m in zip(board["horizon"], board["model"], strict=True)
    ]
    return Evaluation(board, selection, notes, members, banks, pd.concat(scored))


def _common(part: pd.DataFrame) -> pd.DataFrame:
    """Keep the series-origins every model forecast, so all are judged on the same cases."""
    n_models = part["model"].nunique()
    counts = part.groupby(["unique_id", "cutoff"])["model"].transform("nunique")
    return part[counts == n_models]


def _ensemble(part: pd.DataFrame, size: int) -> tuple[pd.DataFrame, list[str]]:
    err = (part["y"] - part["yhat"]).abs() / part["scale"]
    score = part.assign(err=err).groupby(["cutoff", "model"])["err"].mean().unstack("model")
    wide = part.pivot_table(index=["unique_id", "cutoff", "ds"], columns="model", values="yhat")
    base = part[part["model"] == part["model"].iloc[0]].set_index(["unique_id", "cutoff", "ds"])
    frames = []
    cutoffs = sorted(score.index)
    for k, cutoff in enumerate(cutoffs):
        past = score.loc[cutoffs[:k]].mean(axis="index") if k else None
        chosen = list(past.nsmallest(size).index) if past is not None else list(score.columns)
        block = pd.DataFrame(wide.xs(cutoff, level="cutoff", drop_level=False))
        frames.append(block[chosen].mean(axis="columns"))
    yhat = pd.concat(frames)
    ens = base.loc[yhat.index].copy()
    ens["yhat"] = yhat
    ens["model"] = ENSEMBLE
    final = list(score.mean().nsmallest(size).index)
    return ens.reset_index()[part.columns], [str(m) for m in final]


def _metrics(frame: pd.DataFrame, levels: tuple[int, ...]) -> dict[str, float]:
    y, yhat, scale = frame["y"].to_numpy(), frame["yhat"].to_numpy(), frame["scale"].to_numpy()
    out = {
        "mase": mt.mase(y, yhat, scale),
        "smape": mt.smape(y, yhat),
        "rmse": mt.rmse(y, yhat),
    }
    known = frame[f"lo_{levels[0]}"].notna().to_numpy()
    losses = []
    taus = level_taus(levels)
    for j, level in enumerate(levels):
        lo, hi = frame[f"lo_{level}"].to_numpy()[known], frame[f"hi_{level}"].to_numpy()[known]
        out[f"coverage_{level}"] = mt.coverage(y[known], lo, hi) if known.any() else np.nan
        if known.any():
            losses.append(mt.pinball(y[known], lo, taus[2 * j], scale[known]))
            losses.append(mt.pinball(y[known], hi, taus[2 * j + 1], scale[known]))
    out["pinball"] = float(np.mean(losses)) if losses else np.nan
    return out


def _compare(board: pd.DataFrame, scored: pd.DataFrame, baseline: str) -> pd.DataFrame:
    err = (scored["y"] - scored["yhat"]).abs()
    per_case = (
        scored.assign(err=err)
        .groupby(["horizon", "model", "unique_id", "cutoff"])["err"]
        .mean()
        .unstack("model")
    )
    rel, wins = [], []
    for horizon, model, value in zip(board["horizon"], board["model"], board["mase"], strict=True):
        base = board[(board["horizon"] == horizon) & (board["model"] == baseline)]
        rel.append(value / float(base["mase"].iloc[0]) if len(base) else np.nan)
        cases = per_case.loc[horizon]
        won = cases[model] < cases[baseline] if baseline in cases else pd.Series(dtype=bool)
        wins.append(float(won.mean()) if len(won) else np.nan)
    board["rel_mase"] = rel
    board["win_rate"] = wins
    board["rank"] = board.groupby("horizon")["mase"].rank(method="min").astype(int)
    first = ["horizon", "model", "rank", "mase", "rel_mase", "win_rate", "smape", "rmse"]
    rest = [c for c in board.columns if c not in first]
    order = {h: i for i, h in enumerate(dict.fromkeys(board["horizon"]))}
    board = board.assign(_order=board["horizon"].map(order))
    board = board.sort_values(["_order", "rank"], kind="stable")
    return board[first + rest].reset_index(drop=True)


def _note(label: str, best: pd.Series, baseline: str, group: pd.DataFrame) -> str:
    if baseline not in set(group["model"]):
        return f"{label}: {best['model']} has the lowest MASE ({best['mase']:.3f}); no baseline."
    if best["model"] == baseline:
        return (
            f"{label}: nothing beats the {baseline} (every other model has a higher MASE); "
            f"the {baseline} is chosen."
        )
    gain = 100 * (1 - float(best["rel_mase"]))
    if gain < 1.0:
        return (
            f"{label}: {best['model']} ties the {baseline} (relative MASE "
            f"{best['rel_mase']:.3f}, less than 1% better; lower error in "
            f"{100 * best['win_rate']:.0f}% of series-origins): in practice nothing beats it."
        )
    return (
        f"{label}: {best['model']} beats the {baseline} by {gain:.1f}% MASE "
        f"(relative MASE {best['rel_mase']:.3f}, lower error in {100 * best['win_rate']:.0f}% "
        "of series-origins)."
    )
