"""Henry Hub daily spot price: every candidate per horizon (1d, 1w, 1m, 3m, 12m).

Rolling origins a quarter (63 trading days) apart over the last 5 years of the data; each
model is refitted at every origin on the 5 years before it. MASE is relative to the random
walk (below 1 beats it). Results go to ``benchmarks/results/forecast_henry_hub.json`` and the
README; the purchase view (price band for each of the next 12 months) is written beside them.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
        nice -n 10 .venv/bin/python -m benchmarks.forecast_henry_hub
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.report import write_section

RESULTS = Path(__file__).resolve().parent / "results"
MIRROR = Path(
    os.environ.get("VANTAGE_DATA_MIRROR", Path(__file__).resolve().parents[2] / "shared" / "data")
)
PRICE_LEVEL = 3.5


def machine() -> str:
    """One line of machine facts."""
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, CPU only"


def _markdown(frame: pd.DataFrame) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(years: float, step: int, models: list[str] | None) -> dict[str, Any]:
    """Backtest, choose and forecast; return the tables as records."""
    from rich.progress import Progress

    from vantage.services import forecast as service

    start = time.perf_counter()
    with Progress() as bar:
        task = bar.add_task("Henry Hub backtest", total=None)
        result = service.run_henry_hub(
            "daily",
            models=models,
            years=years,
            step=step,
            mirror=MIRROR,
            on_progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    seconds = time.perf_counter() - start
    fc = result.forecaster
    board = fc.leaderboard_.copy()
    view = service.purchase_view(result, PRICE_LEVEL)
    cutoffs = {k: [str(c.date()) for c in v] for k, v in fc.backtest_.cutoffs.items()}
    return {
        "leaderboard": board.to_dict("records"),
        "notes": fc.evaluation_.notes,
        "selection": fc.selection_,
        "failures": fc.backtest_.failures,
        "model_seconds": fc.backtest_.seconds,
        "purchase": view.to_dict("records"),
        "origins": {k: [len(v), v[0], v[-1]] for k, v in cutoffs.items()},
        "last_date": str(fc.data_["ds"].max().date()),
        "seconds": seconds,
        "machine": machine(),
        "years": years,
        "step": step,
    }


def report(res: dict[str, Any]) -> str:
    """Markdown for the README and the docs."""
    board = pd.DataFrame(res["leaderboard"])
    board["chosen"] = board["selected"].map({True: "**yes**", False: ""})
    cols = ["horizon", "model", "mase", "rel_mase", "win_rate", "smape", "rmse"]
    cols += ["coverage_80", "coverage_95", "pinball", "chosen"]
    origins = "; ".join(f"{k}: {n} origins {a}..{b}" for k, (n, a, b) in res["origins"].items())
    purchase = pd.DataFrame(res["purchase"]).drop(columns=["unique_id"])
    purchase = purchase.rename(columns={"p_above": f"P(price > ${PRICE_LEVEL})"})
    notes = "\n".join(f"- {n}" for n in res["notes"].values())
    fails = "; ".join(f"{k}: {v}" for k, v in res["failures"].items()) or "none"
    secs = ", ".join(f"{k} {v:.0f} s" for k, v in res["model_seconds"].items())
    return (
        f"Henry Hub daily spot (USD/MMBtu), data to {res['last_date']}, business days "
        f"(holidays carried forward). Rolling origins every {res['step']} trading days over "
        f"the last {res['years']:g} years ({origins}); each fit uses the 5 years before its "
        "origin. MASE is scaled by the in-sample one-day change; `rel_mase` is MASE divided by "
        "the random walk's (below 1 beats it); `win_rate` is the share of origins where the "
        "model's mean absolute error is below the random walk's; coverage and pinball loss "
        "are for conformal intervals calibrated only on errors known at each origin. "
        "`Ensemble` averages the 3 models with the lowest error over earlier origins.\n\n"
        f"{_markdown(board[cols])}\n\n{notes}\n\nModels that failed: {fails}.\n\n"
        f"Purchase view from the chosen models (band = average 80% interval per month):\n\n"
        f"{_markdown(purchase)}\n\n"
        f"Backtest time per model: {secs}; total {res['seconds']:.0f} s.\n"
        f"Machine: {res['machine']} (shared with other jobs).\n"
        "Reproduce: `OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 .venv/bin/python -m "
        "benchmarks.forecast_henry_hub`."
    )


def main(years: float = 5.0, step: int = 63, models: list[str] | None = None) -> dict[str, Any]:
    """Run the Henry Hub comparison and rewrite its README section."""
    res = run(years, step, models)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "forecast_henry_hub.json").write_text(json.dumps(res, indent=1, default=str))
    write_section("forecast_henry_hub", report(res))
    return res


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--step", type=int, default=63)
    parser.add_argument("--models", default=None, help="Comma-separated short names.")
    args = parser.parse_args()
    main(args.years, args.step, args.models.split(",") if args.models else None)
