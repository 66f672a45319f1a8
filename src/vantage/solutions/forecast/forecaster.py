"""The solution object: backtest every candidate, choose per horizon, forecast with the choice."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from vantage.solutions.forecast.backtest import BacktestResult, Progress, backtest
from vantage.solutions.forecast.catalog import make_models
from vantage.solutions.forecast.data import (
    Fill,
    ForecastError,
    exogenous_columns,
    future_dates,
    validate_long,
)
from vantage.solutions.forecast.intervals import add_intervals
from vantage.solutions.forecast.metrics import naive_scale
from vantage.solutions.forecast.models import ForecastModel
from vantage.solutions.forecast.selection import ENSEMBLE, Evaluation, evaluate


def default_horizons(h: int) -> dict[str, int]:
    """Checkpoints for one horizon: 1 step, a quarter of it, and all of it."""
    steps = sorted({1, max(1, math.ceil(h / 4)), h})
    return {f"h{s}": s for s in steps}


class Forecaster:
    """Compare forecasting models on past origins, choose one per horizon, then forecast.

    Args:
        freq: Pandas frequency of the series (``D``, ``B``, ``W``, ``MS``...).
        horizons: Label -> steps ahead (``{"1w": 5, "1m": 21}``), or the longest horizon (its
            checkpoints come from :func:`default_horizons`).
        models: Candidates: instances or short names (None: every default candidate). The
            random walk is always added as the baseline.
        levels: Prediction-interval levels in percent.
        n_origins: Backtest origins per horizon.
        step: Steps between origins (default: the shortest horizon).
        max_train: Fit on the last ``max_train`` points only (bounds the time on long series).
        season_length: Main seasonal period instead of the frequency's usual one.
        fill: How to fill gaps in the data (see :func:`validate_long`).
        ensemble_size: Models averaged by the ensemble candidate (0: none).
        baseline: Name of the model MASE is compared with.
    """

    def __init__(
        self,
        freq: str,
        horizons: Mapping[str, int] | int,
        models: Sequence[ForecastModel | str] | None = None,
        levels: tuple[int, ...] = (80, 95),
        n_origins: int = 5,
        step: int | None = None,
        max_train: int | None = None,
        season_length: int | None = None,
        fill: Fill | None = None,
        ensemble_size: int = 3,
        baseline: str = "RandomWalk",
    ) -> None:
        self.freq = freq
        self.horizons = horizons
        self.models = models
        self.levels = levels
        self.n_origins = n_origins
        self.step = step
        self.max_train = max_train
        self.season_length = season_length
        self.fill = fill
        self.ensemble_size = ensemble_size
        self.baseline = baseline

    def _candidates(self) -> list[ForecastModel]:
        given = list(self.models or [])
        names = [m for m in given if isinstance(m, str)]
        objects = [m for m in given if not isinstance(m, str)]
        if not given:
            return make_models(None, self.freq, self.season_length)
        has_baseline = any(m.name == self.baseline for m in objects)
        if names:
            built = make_models(names, self.freq, self.season_length)
        else:
            built = [] if has_baseline else make_models(["naive"], self.freq, self.season_length)
        models = built + objects
        labels = [m.name for m in models]
        if len(set(labels)) != len(labels):
            raise ForecastError(
                f"Two candidates share a name: {labels}.", "Give each model its own name."
            )
        return models

    def _horizons(self) -> dict[str, int]:
        horizons = (
            default_horizons(self.horizons)
            if isinstance(self.horizons, int)
            else dict(self.horizons)
        )
        if not horizons or min(horizons.values()) < 1:
            raise ForecastError(
                f"Horizons must be at least 1 step; got {self.horizons!r}.",
                "Give --horizon 1 or more.",
            )
        return dict(sorted(horizons.items(), key=lambda kv: kv[1]))

    def fit(
        self,
        df: pd.DataFrame,
        future_x: pd.DataFrame | None = None,
        on_progress: Progress | None = None,
    ) -> Forecaster:
        """Validate ``df``, backtest the candidates, choose per horizon and forecast.

        Args:
            df: Long frame ``unique_id, ds, y`` (plus exogenous columns).
            future_x: Future values of the exogenous columns (``unique_id, ds, ...``),
                needed when ``df`` has any.
            on_progress: Called with ``(done, total)`` backtest fits.

        Returns:
            self, with ``data_``, ``backtest_``, ``evaluation_``, ``leaderboard_``,
            ``selection_`` and ``forecast_`` set.
        """
        horizons = self._horizons()
        models = self._candidates()
        data = validate_long(df, self.freq, fill=self.fill)
        exog = exogenous_columns(data)
        if exog and future_x is None:
            raise ForecastError(
                f"The data has exogenous columns {exog} but no future values were given.",
                "Pass future_x (CLI: --future FILE) with unique_id, ds and those columns for "
                "the forecast dates, or drop the columns.",
            )
        self.data_ = data
        self.backtest_: BacktestResult = backtest(
            data,
            models,
            self.freq,
            horizons,
            n_origins=self.n_origins,
            step=self.step,
            max_train=self.max_train,
            on_progress=on_progress,
        )
        self.evaluation_: Evaluation = evaluate(
            self.backtest_,
            levels=self.levels,
            baseline=self.baseline,
            ensemble_size=self.ensemble_size,
        )
        self.leaderboard_ = self.evaluation_.leaderboard
        self.selection_ = self.evaluation_.selection
        self.final_ = self._final(data, models, horizons, future_x)
        self.forecast_ = self.final_.drop(columns=["scale"])
        return self

    def predict(self) -> pd.DataFrame:
        """The chosen models' forecast.

        Returns:
            ``unique_id, ds, step, horizon, model, yhat, lo_*, hi_*``.
        """
        if not hasattr(self, "forecast_"):
            raise ForecastError("This Forecaster is not fitted.", "Call fit(df) first.")
        return self.forecast_

    def _final(
        self,
        data: pd.DataFrame,
        models: list[ForecastModel],
        horizons: dict[str, int],
        future_x: pd.DataFrame | None,
    ) -> pd.DataFrame:
        by_name = {m.name: m for m in models}
        h = max(horizons.values())
        needed = set()
        for label, chosen in self.selection_.items():
            needed |= set(self.evaluation_.members[label]) if chosen == ENSEMBLE else {chosen}
        train = data.groupby("unique_id").tail(self.max_train) if self.max_train else data
        outputs = {}
        for name in sorted(needed):
            out = by_name[name].forecast(train, h, self.freq, future_x)
            outputs[name] = out.set_index(["unique_id", "ds"])["yhat"]
        scales = data.groupby("unique_id")["y"].apply(lambda s: naive_scale(s.to_numpy()))
        last = data.groupby("unique_id")["ds"].max()
        frames = []
        for uid, end in last.items():
            frame = pd.DataFrame({"unique_id": uid, "ds": future_dates(end, h, self.freq)})
            frame["step"] = np.arange(1, h + 1)
            frames.append(frame)
        grid = pd.concat(frames, ignore_index=True)
        grid["scale"] = grid["unique_id"].map(scales).to_numpy()
        parts, start = [], 0
        for label, steps in horizons.items():
            chosen = self.selection_[label]
            rows = grid[(grid["step"] > start) & (grid["step"] <= steps)].copy()
            start = steps
            names = self.evaluation_.members[label] if chosen == ENSEMBLE else [chosen]
            key = pd.MultiIndex.from_frame(rows[["unique_id", "ds"]])
            rows["yhat"] = np.mean([outputs[n].reindex(key).to_numpy() for n in names], axis=0)
            rows["horizon"], rows["model"] = label, chosen
            bank = self.evaluation_.banks[(label, chosen)]
            parts.append(add_intervals(rows, bank, self.levels))
        cols = ["unique_id", "ds", "step", "horizon", "model", "yhat"]
        bounds = [f"{side}_{lv}" for lv in self.levels for side in ("lo", "hi")]
        return pd.concat(parts, ignore_index=True)[[*cols, *bounds, "scale"]]
