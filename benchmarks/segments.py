"""Segments: profile traits refresh, real-time latency, look-alike AUC against a baseline.

0. Profile traits (``segments-traits`` section): 2,000 and 20,000 synthetic customers with three
   identify calls each (CRM, web with a nested address, app; 7-9 traits a call) in a DuckDB
   file; the first refresh of ``profile_traits`` (every call read, merged in the warehouse),
   then the refresh after 1% more calls; ``merge_traits`` (pandas, per customer and trait) on
   the same calls at 2,000 for comparison. Run alone:
   ``python -c "from benchmarks.segments import traits_main; traits_main()"``.
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
import orjson

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


TRAIT_CUSTOMERS = (2_000, 20_000)
CITIES = ("Leeds", "York", "London", "Bristol", "Glasgow", "Cardiff", "Belfast", "Norwich")


def _identify_calls(customers: int, start_seq: int = 1) -> list[dict[str, Any]]:
    """Three identify calls per customer (CRM import, web sign-up, app), 7-9 traits each."""
    rng = np.random.default_rng(7)
    rows: list[dict[str, Any]] = []
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    for k in range(customers):
        city = CITIES[int(rng.integers(len(CITIES)))]
        calls = [
            (
                "crm",
                f"user-{k}",
                None,
                {
                    "email": f"p{k}@example.com",
                    "first_name": f"N{k}",
                    "last_name": "Smith",
                    "city": city,
                    "marketing_opt_in": "Y" if k % 3 else "N",
                    "preferred_store": f"store-{k % 40}",
                    "loyalty_points": int(rng.integers(0, 500)),
                },
            ),
            (
                "web",
                None,
                f"dev-{k}",
                {
                    "email": f"P{k}@example.com ",
                    "plan": "free",
                    "address": {"city": city, "postcode": f"LS{k % 30}"},
                    "nickname": "",
                },
            ),
            (
                "app",
                f"user-{k}",
                f"dev-{k}",
                {
                    "plan": "pro",
                    "app_version": "3.1",
                    "created_at": "2024-05-01",
                    "city": CITIES[(k + 1) % len(CITIES)],
                },
            ),
        ]
        for source, user, device, traits in calls:
            seq = start_seq + len(rows)
            ts = t0 + timedelta(minutes=int(rng.integers(0, 500_000)))
            payload = {"type": "identify", "traits": traits}
            rows.append(
                {
                    "seq": seq,
                    "message_id": f"m{seq}",
                    "source": source,
                    "type": "identify",
                    "event": None,
                    "user_id": user,
                    "anonymous_id": device,
                    "timestamp": ts,
                    "received_at": ts,
                    "payload": orjson.dumps(payload).decode(),
                }
            )
    return rows


def trait_refresh() -> list[dict[str, Any]]:
    """Materialising profile traits (SQL merge) against merge_traits, per workspace size."""
    import pandas as pd
    import pyarrow as pa

    from vantage.profiles.traits import merge_traits, trait_values
    from vantage.segments.profile_traits import refresh_profile_traits
    from vantage.store.compaction import EVENT_SCHEMA
    from vantage.store.migrations import migrate
    from vantage.store.warehouse import connect_store

    out = []
    for customers in TRAIT_CUSTOMERS:
        with (
            tempfile.TemporaryDirectory() as tmp,
            connect_store(f"duckdb:///{tmp}/bench.duckdb") as store,
        ):
            migrate(store)
            calls = _identify_calls(customers)
            store.append("events", pa.Table.from_pylist(calls, schema=EVENT_SCHEMA))
            ids = [("user_id", f"user-{k}") for k in range(customers)]
            ids += [("anonymous_id", f"dev-{k}") for k in range(customers)]
            store.append(
                "identity_map",
                pd.DataFrame(
                    {
                        "id_type": [t for t, _ in ids],
                        "id_value": [v for _, v in ids],
                        "customer_id": [f"c{v.split('-')[1]}" for _, v in ids],
                        "since": [datetime(2025, 1, 1, tzinfo=UTC)] * len(ids),
                        "reason": ["bench"] * len(ids),
                    }
                ),
            )
            full = refresh_profile_traits(store)
            more = _identify_calls(customers // 100, start_seq=len(calls) + 1)
            store.append("events", pa.Table.from_pylist(more, schema=EVENT_SCHEMA))
            again = refresh_profile_traits(store)
            old = None
            if customers <= 2_000:
                started = time.perf_counter()
                merge_traits(trait_values(store))
                old = time.perf_counter() - started
            out.append(
                {
                    "customers": customers,
                    "calls": full.events,
                    "values": full.values,
                    "rows": full.rows,
                    "full_s": full.seconds,
                    "new_calls": again.events,
                    "incremental_s": again.seconds,
                    "merge_traits_s": old,
                }
            )
    return out


def _trait_table(found: list[dict[str, Any]]) -> str:
    lines = [
        "| customers | identify calls | trait values | profile_traits rows | first refresh (s) "
        "| refresh after 1% more calls (s) | merge_traits in pandas (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in found:
        old = "-" if r["merge_traits_s"] is None else f"{r['merge_traits_s']:.1f}"
        lines.append(
            f"| {r['customers']:,} | {r['calls']:,} | {r['values']:,} | {r['rows']:,} "
            f"| {r['full_s']:.1f} | {r['incremental_s']:.1f} | {old} |"
        )
    return "\n".join(lines)


def traits_main() -> None:
    """Measure the profile traits refresh and write the ``segments-traits`` section."""
    found = trait_refresh()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    write_section(
        "segments-traits",
        f"Measured {stamp} on {machine} (shared). Profile traits from identify calls "
        "materialised in `profile_traits` (DuckDB file; three calls per customer from three "
        "sources, an anonymous device merged into each customer). The refresh reads the new "
        "calls, then rebuilds the merge with window functions in the warehouse:\n\n"
        + _trait_table(found),
    )


def main() -> None:
    """Run both parts and write the ``segments`` section of benchmarks/README.md."""
    traits_main()
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
