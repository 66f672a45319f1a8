"""Identity graph at scale: 1,000,000 customers, 5,000,000 identifiers, from scratch.

Each synthetic customer has five identifiers (a user id or CRM id, an e-mail, a phone or a
loyalty card, two anonymous ids) joined by four events, in shuffled order; 1,000 shared
"family tablets" each appear with 50 different user ids (refused by the one-user-id limit).
Identifiers arrive normalised, as they are in stored events. Measured:

- the deterministic graph built from scratch (rules, limits and edge log included), then its
  ``identity_map`` (Arrow table of every identifier);
- the p50/p99 latency of an incremental update after the build: one Segment message ->
  identifiers (normalised) -> graph -> changed ``identity_map`` rows, over 10,000 events;
- a plain connected-components baseline on the same edges (``pandas.factorize`` of the
  identifiers, then ``scipy.sparse.csgraph.connected_components``), which has no rules: it fuses
  every tablet's 50 people into one.

Run: ``python -m benchmarks.identity_scale [--scale 0.2]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import time
from datetime import UTC, datetime
from typing import Any

import numpy as np

from benchmarks.report import write_section

CUSTOMERS = 1_000_000
TABLETS = 1_000
TABLET_USERS = 50
UPDATES = 10_000


def synthetic_events(customers: int, seed: int = 7) -> list[list[tuple[str, str]]]:
    """Linking events of the synthetic population, shuffled (each a list of identifiers)."""
    rng = random.Random(seed)
    events: list[list[tuple[str, str]]] = []
    for c in range(customers):
        strong = ("user_id", f"u{c}") if c % 10 < 7 else ("crm_id", f"C{c}")
        email = ("email", f"person{c}@mail.example")
        contact = ("phone", f"+447{c:09d}") if c % 2 else ("loyalty_card", f"L{c:012d}")
        anon1, anon2 = ("anonymous_id", f"a{c}-1"), ("anonymous_id", f"a{c}-2")
        events.append([anon1, email])
        events.append([strong, anon1])
        events.append([strong, anon2])
        events.append([email, contact])
    for t in range(TABLETS * customers // CUSTOMERS):
        for _ in range(TABLET_USERS):
            c = rng.randrange(customers)
            if c % 10 < 7:
                events.append([("user_id", f"u{c}"), ("anonymous_id", f"tablet{t}")])
    rng.shuffle(events)
    return events


def _baseline(events: list[list[tuple[str, str]]]) -> tuple[float, int]:
    import pandas as pd
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    started = time.perf_counter()
    left = [f"{e[0][0]}:{e[0][1]}" for e in events for _ in e[1:]]
    right = [f"{x[0]}:{x[1]}" for e in events for x in e[1:]]
    codes, uniques = pd.factorize(np.array(left + right, dtype=object))
    n = len(uniques)
    half = len(left)
    graph = coo_matrix((np.ones(half, np.int8), (codes[:half], codes[half:])), shape=(n, n))
    count, _ = connected_components(graph, directed=False)
    return time.perf_counter() - started, int(count)


def _updates(graph: Any, customers: int) -> tuple[np.ndarray, np.ndarray]:
    """Latency (ms) of graph.add alone and of message -> identifiers -> graph -> changed rows."""
    from vantage.identity.extract import extract_identifiers

    rng = random.Random(11)
    seq = graph.watermark
    add_ms, full_ms = [], []
    for k in range(UPDATES):
        c = rng.randrange(customers)
        kind = k % 4
        if kind == 0:
            message = {"userId": f"u{c - c % 10}", "anonymousId": f"new-{k}"}
        elif kind == 1:
            message = {"anonymousId": f"new-{k}", "traits": {"email": f"fresh{k}@mail.example"}}
        elif kind == 2:
            message = {"userId": f"u{c - c % 10}", "anonymousId": f"a{c - c % 10}-1"}
        else:
            message = {"anonymousId": f"a{c}-2", "traits": {"email": f"person{c}@mail.example"}}
        seq += 1
        started = time.perf_counter_ns()
        found = extract_identifiers(message, graph.rules)
        before_add = time.perf_counter_ns()
        graph.add(found, seq, 2e9 + k, f"upd-{k}")
        after_add = time.perf_counter_ns()
        graph.drain_changes()
        done = time.perf_counter_ns()
        add_ms.append((after_add - before_add) / 1e6)
        full_ms.append((done - started) / 1e6)
    return np.array(add_ms), np.array(full_ms)


def run(scale: float = 1.0) -> dict[str, float]:
    """Build, update and compare; return the figures."""
    from vantage.identity.graph import IdentityGraph

    customers = int(CUSTOMERS * scale)
    events = synthetic_events(customers)
    gc.collect()
    gc.disable()
    try:
        graph = IdentityGraph()
        started = time.perf_counter()
        for seq, ids in enumerate(events, start=1):
            graph.add(ids, seq, 1.7e9 + seq)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        table = graph.identity_map()
        map_s = time.perf_counter() - started
        profiles = graph.customer_count
        graph.drain_changes()
        add_ms, full_ms = _updates(graph, customers)
    finally:
        gc.enable()
    base_s, base_components = _baseline(events)
    return {
        "customers_generated": customers,
        "events": len(events),
        "edges_logged": graph.edge_count,
        "profiles": profiles,
        "map_rows": table.num_rows,
        "build_s": build_s,
        "identity_map_s": map_s,
        "add_p50_ms": float(np.percentile(add_ms, 50)),
        "add_p99_ms": float(np.percentile(add_ms, 99)),
        "update_p50_ms": float(np.percentile(full_ms, 50)),
        "update_p99_ms": float(np.percentile(full_ms, 99)),
        "baseline_s": base_s,
        "baseline_components": base_components,
    }


def main(scale: float = 1.0) -> dict[str, float]:
    """Run the benchmark and write the ``identity_scale`` section of benchmarks/README.md."""
    r = run(scale)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    table = (
        "| measure | Vantage identity graph | connected components (scipy) |\n|---|---|---|\n"
        f"| build from scratch, s | {r['build_s']:.1f} (+ {r['identity_map_s']:.1f} for "
        f"identity_map) | {r['baseline_s']:.1f} |\n"
        f"| profiles | {r['profiles']:,} | {r['baseline_components']:,} |\n"
        f"| incremental update p50 / p99, ms (message -> changed identity_map rows) "
        f"| {r['update_p50_ms']:.3f} / {r['update_p99_ms']:.3f} | n/a (batch only) |\n"
        f"| graph.add alone p50 / p99, ms | {r['add_p50_ms']:.3f} / {r['add_p99_ms']:.3f} "
        "| n/a |"
    )
    body = (
        f"Measured {datetime.now(UTC).isoformat(timespec='seconds')} on {machine}, scale "
        f"{scale:g}: {r['customers_generated']:,} synthetic customers, "
        f"{r['map_rows']:,} identifiers, {r['events']:,} linking events "
        f"({r['edges_logged']:,} edges logged). Targets: build under 120 s, update p99 under "
        f"10 ms. The baseline applies no rules, so it fuses each shared tablet's people.\n\n"
        + table
    )
    write_section("identity_scale", body)
    return r


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="Fraction of 1,000,000.")
    print(main(parser.parse_args().scale))
