"""Segments: real-time membership latency, and look-alike AUC against a one-feature baseline.

1. Real time (in process, the server's path without HTTP): a fresh data directory with
   ``CUSTOMERS`` customers of one order each, a real-time segment ``orders_30d >= 2``, the live
   view tailing the log in its thread with :class:`RealtimeSegments` listening. Each probe
   appends one order of one customer to the durable log (what the API acknowledges) and waits for
   the ``Segment Entered`` change on the bus: the latency is from the durable write to the
   published change (log tail poll + live identity/counters + profile read + evaluation +
   warehouse write of the change).
2. Look-alikes on the demo workspace (``VANTAGE_BENCH_DEMO_CUSTOMERS``, default 2,000, seed 7;
   identities by the deterministic graph):
   seeds are segments evaluated at the data's end; the features are taken 30 days earlier, so
   the model must recognise members before the behaviour that defines them. AUC is out-of-fold
   (4-fold cross-fitting); the baseline is the best single feature, its direction chosen on
   the training folds. The model's defaults (4 leaves, 300 rounds at 0.02) were chosen on a
   demo workspace of seed 42 among a few tree sizes, not on this one.

Run: ``python -m benchmarks --only segments``.
"""

from __future__ import annotations

import os
import platform
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.report import write_section

CUSTOMERS = 300
PROBES = 60
DEMO_CUSTOMERS = int(os.environ.get("VANTAGE_BENCH_DEMO_CUSTOMERS", "2000"))
SEEDS = {
    "recent_buyers": {"event": "Order Completed", "within": "30d"},
    "browsed_not_bought": {
        "did": "Product Viewed",
        "not_followed_by": "Order Completed",
        "within": "1d",
        "in_last": "30d",
    },
    "repeat_recent_buyers": {
        "event": "Order Completed",
        "count": {"op": ">=", "value": 2},
        "within": "30d",
    },
}


def _order(user: str, n: int, when: datetime) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "Order Completed",
        "messageId": f"{user}-o{n}",
        "userId": user,
        "properties": {"revenue": 20.0 + n},
        "timestamp": when.isoformat(),
    }


def realtime() -> dict[str, float]:
    """Durable write of an order to the membership change published on the bus, per probe."""
    from vantage.core.settings import load_settings
    from vantage.segments.spec import load_spec
    from vantage.services import identity, segments
    from vantage.services.context import ServiceContext
    from vantage.services.events import compact_and_sync
    from vantage.services.live import LiveProfiles
    from vantage.services.realtime_bus import MembershipChange, bus_for
    from vantage.services.segments_realtime import RealtimeSegments

    with tempfile.TemporaryDirectory() as tmp:
        ctx = ServiceContext(load_settings(home=Path(tmp) / "home"))
        ctx.workspace.init()
        start = datetime.now(UTC) - timedelta(days=2)
        first = [_order(f"user-{k}", 0, start) for k in range(CUSTOMERS)]
        ctx.log.append([ctx.ingestor.prepare("web", first, correct_skew=False)])
        compact_and_sync(ctx)
        identity.refresh(ctx)
        spec = load_spec(
            {
                "name": "frequent",
                "realtime": True,
                "where": {"trait": "orders_30d", "op": ">=", "value": 2},
            }
        )
        segments.create_segment(ctx, spec)
        live = LiveProfiles(ctx.settings)
        bus = bus_for(live)
        live.add_listener(RealtimeSegments(ctx.settings, live, bus))
        arrived: dict[str, float] = {}
        done = threading.Event()

        def seen(changes: list[MembershipChange]) -> None:
            for change in changes:
                arrived[change.customer_id] = time.perf_counter()
            done.set()

        bus.subscribe_membership(seen)
        live.start()
        time.sleep(1.0)
        latencies = []
        for k in range(PROBES):
            done.clear()
            before = len(arrived)
            message = _order(f"user-{k}", 1, datetime.now(UTC))
            sent = time.perf_counter()
            ctx.log.append([ctx.ingestor.prepare("web", [message], correct_skew=False)])
            deadline = sent + 10
            while len(arrived) == before and time.perf_counter() < deadline:
                done.wait(0.001)
            if len(arrived) == before:
                raise TimeoutError("no membership change within 10 s")
            latencies.append((max(arrived.values()) - sent) * 1000)
            time.sleep(0.05)
        live.stop()
    values = np.array(latencies)
    return {
        "p50": float(np.percentile(values, 50)),
        "p90": float(np.percentile(values, 90)),
        "p99": float(np.percentile(values, 99)),
        "max": float(values.max()),
    }


def lookalikes() -> list[dict[str, Any]]:
    """Out-of-fold AUC of the look-alike model and of the best single feature, per seed."""
    from vantage.core.settings import load_settings
    from vantage.segments.lookalike import LookalikeModel
    from vantage.segments.spec import load_spec
    from vantage.services import demo_steps as steps
    from vantage.services import identity
    from vantage.services.analytics import data_end
    from vantage.services.context import ServiceContext
    from vantage.services.demo import DemoPipeline, DemoStep, run_demo
    from vantage.services.segments import member_ids
    from vantage.services.segments_lookalike import customer_features
    from vantage.services.warehouse import open_warehouse

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ctx = ServiceContext(load_settings(home=Path(tmp) / "home"))
        pipeline = DemoPipeline(
            [
                DemoStep("init", steps.init_workspace),
                DemoStep("generate", steps.generate_data),
                DemoStep("collect", steps.send_api_events),
                DemoStep("import-files", steps.import_files),
                DemoStep("compact-sync", steps.compact_and_sync),
                DemoStep("identity", lambda run: str(identity.rebuild(run.ctx))),
            ]
        )
        run_demo(ctx, customers=DEMO_CUSTOMERS, seed=7, pipeline=pipeline)
        with open_warehouse(ctx.settings) as store:
            end = data_end(store)
            features = customer_features(store, end - timedelta(days=30))
            for name, where in SEEDS.items():
                spec = load_spec({"name": name, "where": where})
                seed = member_ids(store, spec, as_of=end)
                labels = features.index.isin(list(seed)).astype(int)
                started = time.perf_counter()
                model = LookalikeModel().fit(features, labels)
                rows.append(
                    {
                        "seed": name,
                        "members": int(labels.sum()),
                        "customers": len(labels),
                        "auc": model.auc_,
                        "baseline": model.baseline_auc_,
                        "feature": model.baseline_feature_,
                        "seconds": time.perf_counter() - started,
                    }
                )
    return rows


def main() -> None:
    """Run both parts and write the ``segments`` section of benchmarks/README.md."""
    latency = realtime()
    found = lookalikes()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    look = "\n".join(
        [
            "| seed (members / customers) | look-alike AUC (LightGBM) | best single feature AUC "
            "| fit (s) |",
            "|---|---|---|---|",
            *(
                f"| {r['seed']} ({r['members']:,} / {r['customers']:,}) | {r['auc']:.3f} | "
                f"{r['baseline']:.3f} ({r['feature']}) | {r['seconds']:.1f} |"
                for r in found
            ),
        ]
    )
    write_section(
        "segments",
        f"Measured {stamp} on {machine} (a shared machine: latencies are pessimistic).\n\n"
        f"Real time: order written to the durable log -> `Segment Entered` published on the "
        f"bus, {PROBES} probes, {CUSTOMERS} customers, in process: p50 {latency['p50']:.0f} ms, "
        f"p90 {latency['p90']:.0f} ms, p99 {latency['p99']:.0f} ms, max "
        f"{latency['max']:.0f} ms (the live view polls the log every 50 ms).\n\n"
        f"Look-alikes on the demo workspace ({DEMO_CUSTOMERS:,} people, seed 7), features 30 "
        "days before the seed is evaluated, 4-fold out-of-fold AUC:\n\n" + look,
    )
