"""Forecasting speed: backtest time of every model on one long daily series and many short ones.

1. One long series: the last 5 years of Henry Hub daily prices (business days), 5 origins a
   month apart, 21 steps ahead.
2. Many short series: 1,000 generated daily demand series of 150 days (weekly pattern, trend,
   noise; seed 0), 1 origin, 14 steps ahead.

pmdarima's ``auto_arima`` and Prophet fit one series at a time, so on the short series they run
on the first ``--peer-series`` series (default 10), next to statsforecast's AutoARIMA on the
same series, which gives a like-for-like time per series (the ~20x claim). Every fit is
single-threaded (``n_jobs=1``, BLAS threads 1). On the long series pmdarima runs
non-seasonal (m=1): its seasonal search on 1,260 points takes minutes per fit.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
        nice -n 10 .venv/bin/python -m benchmarks.forecast_speed
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.forecast_henry_hub import MIRROR, RESULTS, _markdown, machine
from benchmarks.report import write_section
from vantage.solutions.forecast.models import ForecastModel


def short_series(n_series: int, length: int = 150, seed: int = 0) -> pd.DataFrame:
    """Daily demand-like series with a weekly pattern, a trend and Poisson noise."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2024-01-01", periods=length, freq="D")
    dow = ds.dayofweek.to_numpy()
    frames = []
    for i in range(n_series):
        level = rng.uniform(5, 50)
        weekly = 1 + rng.uniform(0.1, 0.6) * np.sin(2 * np.pi * (dow + rng.integers(7)) / 7)
        trend = 1 + rng.normal(0, 0.002) * np.arange(length)
        y = rng.poisson(np.clip(level * weekly * trend, 0.1, None)).astype(float)
        frames.append(pd.DataFrame({"unique_id": f"s{i:04d}", "ds": ds, "y": y}))
    return pd.concat(frames, ignore_index=True)


class CpuTimed(ForecastModel):
    """Wraps a model and adds up the CPU time of its fits.

    The machine is shared, so wall time would measure the other jobs too. A first untimed call
    on two series warms the JIT caches.
    """

    def __init__(self, model: ForecastModel) -> None:
        self.model = model
        self.name = model.name
        self.cpu = 0.0

    def min_train(self, h: int) -> int:
        """As the wrapped model."""
        return self.model.min_train(h)

    def warm(self, df: pd.DataFrame, freq: str, h: int) -> None:
        """Fit once, untimed, on two series (numba compiles statsforecast on first use)."""
        ids = df["unique_id"].unique()[:2]
        self.model.forecast(df[df["unique_id"].isin(ids)], h, freq)

    def forecast(
        self, train: pd.DataFrame, h: int, freq: str, future_x: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Forecast with the wrapped model, counting CPU seconds."""
        start = _cpu()
        try:
            return self.model.forecast(train, h, freq, future_x)
        finally:
            self.cpu += _cpu() - start


def _cpu() -> float:
    """CPU seconds of this process and its finished children (Prophet runs CmdStan in one)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _time(models: list[Any], df: pd.DataFrame, freq: str, h: int, origins: int, step: int):  # type: ignore[no-untyped-def]
    from vantage.solutions.forecast.backtest import backtest
    from vantage.solutions.forecast.selection import evaluate

    models = [CpuTimed(m) for m in models]
    for model in models:
        model.warm(df, freq, h)
    start = time.perf_counter()
    bt = backtest(df, models, freq, {"h": h}, n_origins=origins, step=step)
    wall = time.perf_counter() - start
    board = evaluate(bt, ensemble_size=0).leaderboard.set_index("model")
    rows = []
    for model in models:
        name = model.name
        if name in bt.failures:
            rows.append({"model": name, "cpu_seconds": np.nan, "note": bt.failures[name]})
            continue
        rows.append(
            {
                "model": name,
                "cpu_seconds": model.cpu,
                "mase": float(board.loc[name, "mase"]),
                "rel_mase": float(board.loc[name, "rel_mase"]),
            }
        )
    return rows, wall


def run(n_series: int, peer_series: int, save: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Measure the peers, the long series, then the many series; ``save`` after each part."""
    from benchmarks.forecast_peers import PmdarimaModel, ProphetModel
    from vantage.services.forecast_data import henry_hub
    from vantage.solutions.forecast.catalog import make_models
    from vantage.solutions.forecast.data import validate_long
    from vantage.solutions.forecast.models import StatsModel

    res: dict[str, Any] = {"n_series": n_series, "machine": machine()}
    many = validate_long(short_series(n_series), "D")
    ids = many["unique_id"].unique()[:peer_series]
    subset = many[many["unique_id"].isin(ids)]
    peers = [
        StatsModel("naive"),
        StatsModel("arima", 7, name="AutoARIMA (statsforecast)"),
        PmdarimaModel(7, "auto_arima (pmdarima)"),
        StatsModel("ets", 7, name="AutoETS (statsforecast)"),
        ProphetModel("Prophet"),
    ]
    peer_rows, _ = _time(peers, subset, "D", 14, 1, 7)
    for row in peer_rows:
        row["ms_per_series_fit"] = 1000 * row["cpu_seconds"] / len(ids)
    res |= {"peers": peer_rows, "peer_series": len(ids)}
    save(res)

    gas = henry_hub("daily", mirror=MIRROR)
    gas = validate_long(
        gas[gas["ds"] >= gas["ds"].max() - pd.DateOffset(years=5)], "B", fill="ffill"
    )
    long_models = [*make_models(None, "B"), PmdarimaModel(1, "pmdarima (m=1)"), ProphetModel()]
    long_rows, long_wall = _time(long_models, gas, "B", 21, 5, 21)
    res |= {"long": long_rows, "long_wall": long_wall, "long_points": len(gas)}
    save(res)

    many_rows, many_wall = _time(make_models(None, "D"), many, "D", 14, 1, 7)
    res |= {"many": many_rows, "many_wall": many_wall}
    save(res)
    return res


def _drop_note(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    return frame.drop(columns=[c for c in ("note",) if c in frame])


def report(res: dict[str, Any]) -> str:
    """Markdown tables (parts not measured yet are said so)."""
    parts = []
    if "peers" in res:
        peers = pd.DataFrame(res["peers"])
        sf = peers.set_index("model")["cpu_seconds"]
        ratio = sf["auto_arima (pmdarima)"] / sf["AutoARIMA (statsforecast)"]
        parts.append(
            f"**Per-series peers** on the first {res['peer_series']} of the short series "
            "(150 days, weekly pattern; 1 origin, 14 steps, season 7, one thread; CPU seconds "
            "over all fits, after one untimed warm-up fit that compiles numba code):\n\n"
            f"{_markdown(_drop_note(res['peers']))}\n\n"
            f"AutoARIMA: statsforecast is **{ratio:.1f}x** faster than pmdarima here "
            "(statsforecast publishes about 20x)."
        )
    if "long" in res:
        parts.append(
            f"**One long series**: Henry Hub daily, last 5 years ({res['long_points']:,} "
            "business days), 5 origins a month apart, 21 steps ahead; seconds = total "
            f"fit-and-forecast CPU time over the 5 origins (wall {res['long_wall']:.0f} s). "
            "pmdarima runs non-seasonal here.\n\n"
            f"{_markdown(_drop_note(res['long']))}"
        )
    else:
        parts.append("**One long series**: not measured in this run.")
    if "many" in res:
        parts.append(
            f"**{res['n_series']:,} short series** (150 days each, weekly pattern; 1 origin, "
            f"14 steps): CPU seconds for all series (wall {res['many_wall']:.0f} s).\n\n"
            f"{_markdown(_drop_note(res['many']))}"
        )
    else:
        parts.append(f"**{res['n_series']:,} short series**: not measured in this run.")
    parts.append(
        f"Machine: {res['machine']} (shared with other jobs, load average about 18 during "
        "the run; times are indicative, ratios within a table are the useful part).\n"
        "Reproduce: `OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 .venv/bin/python -m "
        "benchmarks.forecast_speed`."
    )
    return "\n\n".join(parts)


def main(n_series: int = 1000, peer_series: int = 10) -> dict[str, Any]:
    """Run the speed comparison and rewrite its README section after each part."""
    RESULTS.mkdir(exist_ok=True)

    def save(res: dict[str, Any]) -> None:
        (RESULTS / "forecast_speed.json").write_text(json.dumps(res, indent=1, default=str))
        write_section("forecast_speed", report(res))

    return run(n_series, peer_series, save)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--peer-series", type=int, default=10)
    args = parser.parse_args()
    main(args.series, args.peer_series)
