"""Rolling-origin backtesting of many models for several horizons at once."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vantage.solutions.forecast.data import ForecastError, exogenous_columns
from vantage.solutions.forecast.metrics import naive_scale
from vantage.solutions.forecast.models import ForecastModel

Progress = Callable[[int, int], None]


@dataclass
class BacktestResult:
    """Forecasts made from past origins, next to what happened.

    Attributes:
        predictions: ``model, unique_id, cutoff, ds, step, y, yhat, scale`` (``scale``: the
            series' in-sample naive error at the cutoff, the MASE denominator).
        horizons: Horizon label -> steps ahead.
        cutoffs: Horizon label -> the origins evaluated for it.
        seconds: Model -> total fit-and-forecast time.
        failures: Model -> error message, for models that failed at some origin.
    """

    predictions: pd.DataFrame
    horizons: dict[str, int]
    cutoffs: dict[str, list[pd.Timestamp]]
    seconds: dict[str, float] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


def plan_cutoffs(
    dates: pd.DatetimeIndex, horizons: Mapping[str, int], n_origins: int, step: int
) -> dict[str, list[pd.Timestamp]]:
    """Origins for each horizon: the last ``n_origins``, ``step`` apart, that leave room for it.

    All horizons share one grid anchored at the end, so one fit serves several horizons.
    """
    last = len(dates) - 1
    shortest = min(horizons.values())
    out: dict[str, list[pd.Timestamp]] = {}
    for label, h in horizons.items():
        anchor = last - shortest - ((h - shortest + step - 1) // step) * step
        positions = [anchor - k * step for k in range(n_origins)]
        positions = [p for p in positions if p >= 1]
        if not positions:
            raise ForecastError(
                f"The history ({len(dates)} points) is too short to backtest horizon "
                f"{label!r} ({h} steps).",
                "Use fewer or shorter horizons, or more history.",
            )
        out[label] = sorted(dates[p] for p in positions)
    return out


def backtest(
    df: pd.DataFrame,
    models: Sequence[ForecastModel],
    freq: str,
    horizons: Mapping[str, int],
    *,
    n_origins: int = 5,
    step: int | None = None,
    max_train: int | None = None,
    on_progress: Progress | None = None,
) -> BacktestResult:
    """Forecast from several past origins with every model and keep the errors.

    Args:
        df: Canonical long frame (see :func:`validate_long`).
        models: Candidates.
        freq: Frequency of the series.
        horizons: Label -> steps ahead, e.g. ``{"1w": 5, "1m": 21}``.
        n_origins: Origins per horizon.
        step: Steps between origins (default: the shortest horizon).
        max_train: Keep only the last ``max_train`` points of each series when fitting.
        on_progress: Called with ``(done, total)`` model fits.

    Returns:
        The backtest.
    """
    dates = pd.DatetimeIndex(np.sort(df["ds"].unique()))
    step = step or min(horizons.values())
    cutoffs = plan_cutoffs(dates, horizons, n_origins, step)
    need: dict[pd.Timestamp, int] = {}
    for label, cuts in cutoffs.items():
        for c in cuts:
            need[c] = max(need.get(c, 0), horizons[label])
    exog = exogenous_columns(df)
    frames: list[pd.DataFrame] = []
    seconds = dict.fromkeys((m.name for m in models), 0.0)
    failures: dict[str, str] = {}
    total, done = len(need) * len(models), 0
    for cutoff, h in sorted(need.items()):
        train, test = _split(df, cutoff, h, max_train)
        for model in models:
            done += 1
            if model.name in failures:
                continue
            eligible = train.groupby("unique_id")["y"].transform("size") >= model.min_train(h)
            part = train[eligible]
            if part.empty:
                failures[model.name] = f"no series long enough for {h} steps"
                continue
            future_x = test[["unique_id", "ds", *exog]] if exog else None
            if future_x is not None:
                future_x = future_x[future_x["unique_id"].isin(part["unique_id"].unique())]
            start = time.perf_counter()
            try:
                out = model.forecast(part, h, freq, future_x)
            except Exception as exc:
                failures[model.name] = f"{type(exc).__name__}: {exc}"
                continue
            finally:
                seconds[model.name] += time.perf_counter() - start
            frames.append(_score(out, test, part, model.name, cutoff))
            if on_progress:
                on_progress(done, total)
    if not frames:
        raise ForecastError(
            f"Every model failed: {failures}.", "Check the data, or give other --models."
        )
    predictions = pd.concat(frames, ignore_index=True)
    predictions = predictions[~predictions["model"].isin(list(failures))]
    return BacktestResult(predictions, dict(horizons), cutoffs, seconds, failures)


def _split(
    df: pd.DataFrame, cutoff: pd.Timestamp, h: int, max_train: int | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    train = df[df["ds"] <= cutoff]
    if max_train:
        train = train.groupby("unique_id", sort=False).tail(max_train)
    test = df[df["ds"] > cutoff]
    test = test.groupby("unique_id", sort=False).head(h)
    return train, test


def _score(
    out: pd.DataFrame, test: pd.DataFrame, train: pd.DataFrame, name: str, cutoff: pd.Timestamp
) -> pd.DataFrame:
    scales = train.groupby("unique_id")["y"].apply(lambda s: naive_scale(s.to_numpy()))
    merged = out.merge(test[["unique_id", "ds", "y"]], on=["unique_id", "ds"], how="inner")
    merged["step"] = merged.groupby("unique_id").cumcount() + 1
    merged["scale"] = merged["unique_id"].map(scales).to_numpy()
    merged["model"] = name
    merged["cutoff"] = cutoff
    return merged[["model", "unique_id", "cutoff", "ds", "step", "y", "yhat", "scale"]]
