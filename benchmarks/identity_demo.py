"""Identity resolution on the demo workspace, scored against the generator's ground truth.

Generates a workspace, ingests it through the importers, resolves identities deterministically,
then adds probabilistic matching (Splink) with automatic linking at a strict threshold, and scores
each stage: pairwise precision / recall / F1 of customer clusters, over-merge rate and profiles
per true person.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.report import write_section

CUSTOMERS = int(os.environ.get("VANTAGE_BENCH_DEMO_CUSTOMERS", "2000"))
STRICT = 0.99999


def main() -> dict[str, dict[str, float]]:
    """Run the evaluation and write the ``identity_demo`` section of benchmarks/README.md."""
    from vantage.core.settings import load_settings
    from vantage.identity import load_graph
    from vantage.identity.evaluation import read_truth, score_clusters
    from vantage.services import demo_steps as steps
    from vantage.services import identity
    from vantage.services.context import ServiceContext
    from vantage.services.demo import DemoPipeline, DemoStep, run_demo

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ctx = ServiceContext(load_settings(home=Path(tmp) / "home"))
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
        truth = read_truth(Path(tmp) / "home-demo-input" / "truth" / "identities.csv")
        started = time.perf_counter()
        report = identity.rebuild(ctx)
        deterministic_s = time.perf_counter() - started
        graph = load_graph(ctx.settings.home)
        assert graph is not None
        results["deterministic graph"] = {
            **score_clusters(graph, truth).as_dict(),
            "seconds": deterministic_s,
        }
        matched = identity.match(ctx, upper=STRICT, lower=0.9)
        graph = load_graph(ctx.settings.home)
        assert graph is not None
        results[f"+ Splink matching, auto-link at p >= {STRICT}"] = {
            **score_clusters(graph, truth).as_dict(),
            "seconds": matched.seconds,
        }
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    header = "| stage | precision | recall | F1 | over-merge rate | profiles per person | seconds |"
    rows = [
        f"| {name} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | "
        f"{r['over_merge_rate']:.4f} | {r['profiles_per_person']:.3f} | {r['seconds']:.1f} |"
        for name, r in results.items()
    ]
    table = "\n".join([header, "|---|---|---|---|---|---|---|", *rows])
    write_section(
        "identity_demo",
        f"Measured {datetime.now(UTC).isoformat(timespec='seconds')} on {machine}: demo workspace "
        f"of {CUSTOMERS:,} customers (seed 7), {report.identifiers:,} identifiers scored pairwise "
        "against the generator's truth (identifiers the truth gives to one person). Most of what "
        "stays apart never appears in an event with another identifier of its person (browsers "
        "that never log in, till receipts without a loyalty card), which no matcher can link.\n\n"
        + table,
    )
    print(table)
    return results
