"""Forecasting use cases shared by the CLI and the API: a file, Henry Hub, store demand."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from vantage.core.settings import Settings
from vantage.services.forecast_data import (
    DEMAND_FREQS,
    HENRY_HUB_DAILY,
    HENRY_HUB_MONTHLY,
    demand_bottom,
    henry_hub,
)
from vantage.solutions.forecast.charts import save_html, save_png
from vantage.solutions.forecast.data import Fill, ForecastError
from vantage.solutions.forecast.decision import monthly_view
from vantage.solutions.forecast.forecaster import Forecaster
from vantage.solutions.forecast.hierarchy import HierarchyResult, forecast_hierarchy, reconcile
from vantage.solutions.forecast.models import StatsModel

Progress = Callable[[int, int], None]
LEADERBOARD_COLUMNS = ("horizon", "model", "rank", "mase", "rel_mase", "win_rate", "smape")


@dataclass
class ForecastRun:
    """A fitted comparison and what was written.

    Attributes:
        forecaster: The fitted :class:`Forecaster` (leaderboard, selection, forecast).
        files: Kind (``forecast``, ``png``, ``html``) -> path written.
        hierarchy: Reconciliation result for demand runs.
    """

    forecaster: Forecaster
    files: dict[str, str] = field(default_factory=dict)
    hierarchy: HierarchyResult | None = None

    def as_dict(self, rows: int = 100) -> dict[str, Any]:
        """A JSON-ready summary: leaderboard, choices, notes, the first forecast rows."""
        fc = self.forecaster
        out: dict[str, Any] = {
            "leaderboard": _records(fc.leaderboard_),
            "selection": fc.selection_,
            "notes": fc.evaluation_.notes,
            "failures": fc.backtest_.failures,
            "seconds": {k: round(v, 3) for k, v in fc.backtest_.seconds.items()},
            "forecast": _records(fc.forecast_.head(rows)),
            "files": self.files,
        }
        if self.hierarchy is not None:
            out["reconciliation"] = _records(self.hierarchy.accuracy)
        return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.copy()
    for col in clean.columns:
        if pd.api.types.is_datetime64_any_dtype(clean[col]):
            clean[col] = clean[col].dt.strftime("%Y-%m-%d")
    clean = clean.astype(object).where(clean.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in clean.to_dict("records")]


def run_frame(
    df: pd.DataFrame,
    freq: str,
    horizons: Mapping[str, int] | int,
    *,
    models: Sequence[str] | None = None,
    n_origins: int = 5,
    step: int | None = None,
    max_train: int | None = None,
    fill: Fill | None = None,
    levels: tuple[int, ...] = (80, 95),
    future_x: pd.DataFrame | None = None,
    on_progress: Progress | None = None,
) -> ForecastRun:
    """Compare the models on a long frame and forecast with the best per horizon.

    Args:
        df: Long frame ``unique_id, ds, y`` (plus exogenous columns).
        freq: Pandas frequency.
        horizons: Label -> steps, or the longest horizon.
        models: Short model names (None: all defaults).
        n_origins: Backtest origins per horizon.
        step: Steps between origins.
        max_train: Fit on the last ``max_train`` points of each series.
        fill: Gap filling (``ffill``, ``zero``, ``interpolate``).
        levels: Interval levels.
        future_x: Future exogenous values.
        on_progress: ``(done, total)`` callback.
    """
    forecaster = Forecaster(
        freq,
        horizons,
        models=models,
        levels=levels,
        n_origins=n_origins,
        step=step,
        max_train=max_train,
        fill=fill,
    )
    return ForecastRun(forecaster.fit(df, future_x=future_x, on_progress=on_progress))


def run_henry_hub(
    table: str = "daily",
    *,
    models: Sequence[str] | None = None,
    years: float = 5.0,
    step: int | None = None,
    max_train: int | None = 1260,
    mirror: Path | None = None,
    on_progress: Progress | None = None,
) -> ForecastRun:
    """The full comparison on Henry Hub spot prices, origins spread over the last ``years``.

    Daily data use business days (holidays carried forward) and horizons 1d/1w/1m/3m/12m;
    monthly data horizons 1m/3m/6m/12m. Origins are a month apart by default.
    """
    daily = table == "daily"
    horizons = HENRY_HUB_DAILY if daily else HENRY_HUB_MONTHLY
    step = step or (21 if daily else 1)
    per_year = 252 if daily else 12
    n_origins = max(1, int(years * per_year / step))
    return run_frame(
        henry_hub(table, mirror=mirror),
        "B" if daily else "MS",
        horizons,
        models=models,
        n_origins=n_origins,
        step=step,
        max_train=max_train if daily else None,
        fill="ffill",
        on_progress=on_progress,
    )


def run_demand(
    settings: Settings,
    *,
    freq: str = "W",
    horizon: int = 8,
    models: Sequence[str] | None = None,
    n_origins: int = 4,
    on_progress: Progress | None = None,
) -> ForecastRun:
    """Demand per store and category from the warehouse, with a reconciled hierarchy.

    Every node of ``Total / store / store+category`` is forecast by the model chosen in the
    backtest, then reconciled (bottom-up and MinTrace) so stores add up to the total.
    """
    from vantage.solutions.forecast.hierarchy import aggregate

    pandas_freq = DEMAND_FREQS.get(freq)
    if pandas_freq is None:
        raise ForecastError(f"Demand frequency {freq!r} is not supported.", "Use D or W.")
    bottom = demand_bottom(settings, freq)
    y_df, s_df, tags = aggregate(bottom, ["store", "category"])
    run = run_frame(
        y_df,
        pandas_freq,
        horizon,
        models=models,
        n_origins=n_origins,
        fill="zero",
        on_progress=on_progress,
    )
    season = 52 if freq == "W" else 7
    base_model = StatsModel("ets", season_length=season)
    run.hierarchy = forecast_hierarchy(
        bottom, ["store", "category"], base_model, pandas_freq, horizon
    )
    chosen = run.forecaster.forecast_.rename(columns={"yhat": "base"})
    reconciled = reconcile(chosen[["unique_id", "ds", "base"]], s_df, tags)
    run.hierarchy.forecast = reconciled
    return run


def write_outputs(
    run: ForecastRun,
    output: Path | None = None,
    charts: Path | None = None,
    *,
    purchase_level: float | None = None,
) -> dict[str, str]:
    """Write the forecast CSV, the charts and, for prices, the monthly purchase view.

    Args:
        run: A fitted run.
        output: CSV of the chosen forecast per ``unique_id, ds`` with its intervals.
        charts: Folder for ``forecast.png`` and ``forecast.html``.
        purchase_level: Price level for the purchase view's ``p_above`` column (written as
            ``purchase.csv`` beside the output).

    Returns:
        Kind -> path, also kept in ``run.files``.
    """
    fc = run.forecaster
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        fc.forecast_.to_csv(output, index=False, date_format="%Y-%m-%d")
        run.files["forecast"] = str(output)
        board = output.with_name(output.stem + "_leaderboard.csv")
        fc.leaderboard_.to_csv(board, index=False)
        run.files["leaderboard"] = str(board)
        if purchase_level is not None:
            view = purchase_view(run, purchase_level)
            path = output.with_name(output.stem + "_purchase.csv")
            view.to_csv(path, index=False)
            run.files["purchase"] = str(path)
    if charts is not None:
        level = fc.levels[0]
        run.files["png"] = str(
            save_png(fc.data_, fc.forecast_, charts / "forecast.png", level=level)
        )
        run.files["html"] = str(
            save_html(fc.data_, fc.forecast_, charts / "forecast.html", level=level)
        )
    return run.files


def purchase_view(run: ForecastRun, level: float | None = None) -> pd.DataFrame:
    """Expected price band per month ahead (and the chance of exceeding ``level``)."""
    fc = run.forecaster
    return monthly_view(fc.final_, fc.evaluation_.banks, level, interval=fc.levels[0])
