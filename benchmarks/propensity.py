"""Propensity to convert: UCI Online Shoppers 5-fold, and a time split on the demo workspace.

Reproduce: ``VANTAGE_DATA_MIRROR=../shared/data python -m benchmarks --only propensity``
(``VANTAGE_BENCH_DEMO_CUSTOMERS`` sets the demo size, default 2,000).

1. Online Shoppers Purchasing Intention (12,330 sessions, 15.5 % buy): stratified 5-fold ROC-AUC
   and PR-AUC of calibrated LightGBM and of logistic regression, with and without the leaking
   ``PageValues`` column. Published best is about 0.937 ROC-AUC / 0.754 PR-AUC (with it).
2. The demo workspace: propensity to order in the next 30 days from the shared warehouse
   features, trained as of 60 days before the data ends (labels up to 30 days before), tested
   as of 30 days before the end, against logistic regression and a recency rule.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.report import write_section

CUSTOMERS = int(os.environ.get("VANTAGE_BENCH_DEMO_CUSTOMERS", "2000"))
PUBLISHED = {"roc_auc": 0.937, "pr_auc": 0.754}


def _mirror() -> Path:
    configured = os.environ.get("VANTAGE_DATA_MIRROR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared/data"


def shoppers(mirror: Path) -> tuple[str, dict[str, Any]]:
    """5-fold scores with and without PageValues."""
    from vantage.datasets.registry import load
    from vantage.solutions.propensity import cross_validate, leak_flags

    data = load("online_shoppers", mirror=mirror)
    y = data.pop("Revenue").astype(int)
    for column in ("OperatingSystems", "Browser", "Region", "TrafficType"):
        data[column] = data[column].astype(str)
    leaks = leak_flags(data.columns)
    lines = [
        "| features | model | ROC-AUC (5-fold) | PR-AUC (5-fold) | Brier | seconds |",
        "|---|---|---|---|---|---|",
    ]
    results: dict[str, Any] = {}
    for label, frame in (
        ("all (PageValues included: leaks)", data),
        ("without PageValues", data.drop(columns=list(leaks))),
    ):
        started = time.perf_counter()
        table = cross_validate(frame, y, folds=5)
        seconds = time.perf_counter() - started
        results[label] = table
        for model, row in table.iterrows():
            name = "calibrated LightGBM (ours)" if model == "lightgbm" else "logistic regression"
            lines.append(
                f"| {label} | {name} | {row.roc_auc_mean:.3f} ± {row.roc_auc_std:.3f} | "
                f"{row.pr_auc_mean:.3f} ± {row.pr_auc_std:.3f} | {row.brier_mean:.4f} | "
                f"{seconds:.0f} (both) |"
            )
    lines.append(f"| all | published best | {PUBLISHED['roc_auc']} | {PUBLISHED['pr_auc']} | | |")
    note = "; ".join(f"`{k}`: {v}" for k, v in leaks.items())
    return "\n".join(lines) + f"\n\nLeak flag: {note}\n", results


def build_demo(folder: Path) -> Any:
    """Generate the demo workspace in ``folder``, load it and resolve identities; its settings."""
    from vantage.core.settings import load_settings
    from vantage.services import demo_steps as steps
    from vantage.services import identity
    from vantage.services.context import ServiceContext
    from vantage.services.demo import DemoPipeline, DemoStep, run_demo

    ctx = ServiceContext(load_settings(home=folder / "home"))
    pipeline = DemoPipeline(
        [
            DemoStep("init", steps.init_workspace),
            DemoStep("generate", steps.generate_data),
            DemoStep("collect", steps.send_api_events),
            DemoStep("import-files", steps.import_files),
            DemoStep("compact-sync", steps.compact_and_sync),
        ]
    )
    run_demo(ctx, customers=CUSTOMERS, seed=7, pipeline=pipeline)
    identity.rebuild(ctx)
    return ctx.settings


def demo_workspace() -> tuple[str, dict[str, Any]]:
    """Time split on a freshly generated demo workspace."""
    from vantage.services.analytics import data_end
    from vantage.services.warehouse import open_warehouse
    from vantage.solutions.propensity import time_split

    with tempfile.TemporaryDirectory() as tmp:
        settings = build_demo(Path(tmp))
        with open_warehouse(settings) as store:
            end = data_end(store)
            started = time.perf_counter()
            result = time_split(store, test_as_of=end - timedelta(days=30))
            seconds = time.perf_counter() - started
    names = {
        "lightgbm": "calibrated LightGBM (ours)",
        "logistic": "logistic regression",
        "recency_rule": "recency rule (days since last seen)",
    }
    lines = [
        f"Demo workspace, {CUSTOMERS:,} customers (seed 7): trained as of "
        f"{result['train_as_of'][:10]} ({result['train_rows']:,} customers), tested as of "
        f"{result['test_as_of'][:10]} ({result['test_rows']:,} customers, "
        f"{result['models']['lightgbm']['base_rate']:.1%} order within 30 days); "
        f"{seconds:.1f} s.",
        "",
        "| model | ROC-AUC | PR-AUC | Brier |",
        "|---|---|---|---|",
    ]
    for key, label in names.items():
        row = result["models"][key]
        brier = "" if pd.isna(row["brier"]) else f"{row['brier']:.4f}"
        lines.append(f"| {label} | {row['roc_auc']:.3f} | {row['pr_auc']:.3f} | {brier} |")
    return "\n".join(lines), result


def main() -> dict[str, Any]:
    """Run both parts and write the ``propensity`` section of benchmarks/README.md."""
    table, results = shoppers(_mirror())
    demo, demo_result = demo_workspace()
    body = "\n".join(
        [
            f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}. Reproduce: "
            "`VANTAGE_DATA_MIRROR=../shared/data python -m benchmarks --only propensity`.",
            "",
            "UCI Online Shoppers Purchasing Intention, stratified 5-fold (seed 0):",
            "",
            table,
            demo,
        ]
    )
    write_section("propensity", body)
    print(body)
    return {"shoppers": results, "demo": demo_result}


if __name__ == "__main__":
    main()
