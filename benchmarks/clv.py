"""Lifetime value: the published CDNOW BG/NBD result, then holdout MAE on CDNOW and Online Retail.

Reproduce: ``VANTAGE_DATA_MIRROR=../shared/data python -m benchmarks --only clv``.

1. CDNOW 1/10 sample (2,357 customers, weeks, calibration 1997-01-01..1997-09-30, holdout to
   1998-06-30): our BG/NBD and Gamma-Gamma estimates next to Fader, Hardie and Lee (2005).
2. Holdout error per customer of repeat transactions and of spend, for a naive baseline
   (calibration purchase rate x holdout length, x mean repeat spend), BG/NBD and Pareto/NBD with
   Gamma-Gamma, and LightGBM on the shared features (L1 objective, trained on an internal time
   split of the calibration period only), on CDNOW (full, 23,570 customers, same periods) and on
   UCI Online Retail invoices (calibration to 2011-06-10, holdout 182 days to 2011-12-09), and
   on the demo workspace's orders read from the warehouse (last 90 days held out;
   ``VANTAGE_BENCH_DEMO_CUSTOMERS`` sets its size, default 2,000).
"""

from __future__ import annotations

import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.report import write_section

CUSTOMERS = int(os.environ.get("VANTAGE_BENCH_DEMO_CUSTOMERS", "2000"))
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "ll": -9582.4}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}
PUBLISHED_CORR = 0.626
MODELS = ("bgnbd", "paretonbd", "lightgbm")
LABELS = {
    "naive": "naive (calibration rate)",
    "bgnbd": "BG/NBD + Gamma-Gamma (lifetimes)",
    "paretonbd": "Pareto/NBD + Gamma-Gamma (lifetimes)",
    "lightgbm": "LightGBM on shared features (ours)",
}


def _mirror() -> Path:
    configured = os.environ.get("VANTAGE_DATA_MIRROR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared/data"


def replicate(mirror: Path) -> tuple[str, dict[str, float]]:
    """CDNOW sample: our estimates next to the published ones."""
    from vantage.datasets.registry import load
    from vantage.solutions.clv import BetaGeoModel, GammaGammaModel
    from vantage.solutions.features import holdout_targets, rfm_summary

    sample = load("cdnow", "sample", mirror=mirror)
    tx = sample.rename(columns={"customer_index": "cid", "date": "ts", "dollar_value": "amount"})
    rfm = rfm_summary(tx, cutoff="1997-09-30", period_days=7, customer_id="cid")
    bg = BetaGeoModel().fit(rfm)
    gg = GammaGammaModel().fit(rfm)
    truth = holdout_targets(
        tx, cutoff="1997-09-30", end="1998-06-30", customers=rfm.index, customer_id="cid"
    )
    corr = float(np.corrcoef(bg.predict(rfm, 39), truth.holdout_transactions)[0, 1])
    ours = {**bg.params_, "ll": bg.log_likelihood_, **gg.params_, "corr": corr}
    published = {**PUBLISHED, **PUBLISHED_GG, "corr": PUBLISHED_CORR}
    names = {"ll": "log-likelihood", "v": "gamma (v)", "corr": "holdout correlation"}
    lines = ["| quantity | ours | published |", "|---|---|---|"]
    for key, value in published.items():
        lines.append(f"| {names.get(key, key)} | {ours[key]:.4g} | {value} |")
    return "\n".join(lines), ours


def compare(
    tx: pd.DataFrame, cutoff: str, end: str, horizon: float
) -> tuple[pd.DataFrame, list[str], float]:
    """Fit every model up to ``cutoff``; score the holdout to ``end``."""
    from vantage.solutions.clv import CLVSolution

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        solution = CLVSolution(horizon_days=horizon, models=MODELS).fit(tx, cutoff=cutoff)
    table = solution.evaluate(tx, end=end)
    return table, solution.warnings_, time.perf_counter() - started


def demo(horizon: float = 90) -> tuple[pd.DataFrame, list[str], float]:
    """The demo workspace: orders from the warehouse, the last ``horizon`` days held out."""
    import tempfile
    from datetime import timedelta

    from benchmarks.propensity import build_demo
    from vantage.services.analytics import data_end
    from vantage.services.warehouse import open_warehouse
    from vantage.solutions.features import transactions

    with tempfile.TemporaryDirectory() as tmp:
        settings = build_demo(Path(tmp))
        with open_warehouse(settings) as store:
            end = data_end(store)
            tx = transactions(store, as_of=end)
    cutoff = (end - timedelta(days=horizon)).isoformat()
    return compare(tx, cutoff, end.isoformat(), horizon)


def _table(results: dict[str, pd.DataFrame]) -> str:
    lines = [
        "| data set | model | MAE transactions | MAE spend | RMSE transactions | RMSE spend | "
        "correlation |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, table in results.items():
        for model, row in table.iterrows():
            lines.append(
                f"| {name} | {LABELS[str(model)]} | {row.mae_transactions:.3f} | "
                f"{row.mae_spend:.2f} | {row.rmse_transactions:.3f} | {row.rmse_spend:.2f} | "
                f"{row.corr_transactions:.3f} |"
            )
    return "\n".join(lines)


def main() -> dict[str, pd.DataFrame]:
    """Run both parts and write the ``clv`` section of benchmarks/README.md."""
    from vantage.datasets.registry import load

    mirror = _mirror()
    published, _ = replicate(mirror)
    cdnow = load("cdnow", "master", mirror=mirror).rename(
        columns={"date": "ts", "dollar_value": "amount"}
    )
    retail = load("online_retail", mirror=mirror).rename(
        columns={"CustomerID": "customer_id", "InvoiceDate": "ts", "TotalPrice": "amount"}
    )
    results: dict[str, pd.DataFrame] = {}
    notes = []
    for name, tx, cutoff, end, horizon in (
        ("CDNOW full (273-day holdout)", cdnow, "1997-09-30", "1998-06-30", 273),
        ("Online Retail (182-day holdout)", retail, "2011-06-10", "2011-12-09", 182),
    ):
        table, warned, seconds = compare(tx, cutoff, end, horizon)
        results[name] = table
        notes.append(f"- {name}: {int(table.customers.iloc[0]):,} customers, {seconds:.1f} s.")
        notes += [f"  - warning: {w}" for w in warned]
    if os.environ.get("VANTAGE_BENCH_SKIP_DEMO") != "1":
        table, warned, seconds = demo()
        name = f"demo workspace, {CUSTOMERS:,} customers (90-day holdout)"
        results[name] = table
        notes.append(f"- {name}: {int(table.customers.iloc[0]):,} buyers, {seconds:.1f} s.")
        notes += [f"  - warning: {w}" for w in warned]
    body = "\n".join(
        [
            f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}. Reproduce: "
            "`VANTAGE_DATA_MIRROR=../shared/data python -m benchmarks --only clv`.",
            "",
            "CDNOW 1/10 sample, BG/NBD in weeks, calibration 1997-01-01..1997-09-30:",
            "",
            published,
            "",
            "Holdout error per customer (lower is better; periods in days):",
            "",
            _table(results),
            "",
            *notes,
        ]
    )
    write_section("clv", body)
    print(body)
    return results


if __name__ == "__main__":
    main()
