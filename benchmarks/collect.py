"""Collection API throughput and latency, with the load generator (wrk) in another process.

Starts a real ``vantage serve`` on loopback against a fresh data directory, drives ``/v1/batch``
and ``/v1/track`` with wrk (unique messageIds per event), checks that every acknowledged event
is stored, and compares with the ceilings on this machine: the durable event log's raw append
and the warehouse's raw bulk append of the same events.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pyarrow as pa

from benchmarks.report import write_section

HERE = Path(__file__).resolve().parent
BATCH_SIZE = 100
RUDDERSTACK_REQ_PER_S_PER_VCPU = 2750 / 8  # published: ~2,500-3,000 req/s per 8-vCPU node


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _vantage(env: dict[str, str], *args: str) -> str:
    exe = Path(sys.executable).with_name("vantage")
    return subprocess.run(
        [str(exe), *args], env=env, check=True, capture_output=True, text=True
    ).stdout


def _wrk(
    script: str, url: str, env: dict[str, str], seconds: int, connections: int
) -> dict[str, Any]:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(HERE / "wrk" / script),
            url,
        ],
        env={**env, "WRK_DIR": str(HERE / "wrk")},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))


def _sample_events(n: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "track",
            "event": "Product Viewed",
            "userId": f"user-{i % 5000}",
            "messageId": f"ceiling-{i}",
            "properties": {"product_id": f"sku-{i % 300}", "price": 19.99, "currency": "EUR"},
            "context": {"ip": "10.0.0.1", "library": {"name": "bench"}},
            "timestamp": "2026-11-20T10:00:00Z",
        }
        for i in range(n)
    ]


def ceilings(n: int = 200_000) -> dict[str, float]:
    """Raw appends of the same events without HTTP: the durable log and the warehouse."""
    from vantage.collect.ingest import Ingestor
    from vantage.store.compaction import rows_to_table
    from vantage.store.lake import EventLog
    from vantage.store.migrations import migrate
    from vantage.store.warehouse import connect_store

    messages = _sample_events(n)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        log = EventLog(home)
        ingestor = Ingestor()
        started = time.perf_counter()
        for i in range(0, n, 1000):
            log.append([ingestor.prepare("bench", messages[i : i + 1000])])
        log_rate = n / (time.perf_counter() - started)
        conn = log.connect()
        rows = conn.execute("SELECT * FROM log ORDER BY seq").fetchall()
        conn.close()
        table: pa.Table = rows_to_table(rows)
        store = connect_store(f"duckdb:///{home / 'w.duckdb'}")
        migrate(store)
        started = time.perf_counter()
        for i in range(0, table.num_rows, 10_000):
            store.append("events", table.slice(i, 10_000))
        warehouse_rate = table.num_rows / (time.perf_counter() - started)
        store.close()
    return {"log_events_per_s": log_rate, "warehouse_events_per_s": warehouse_rate}


def run_load(seconds: int) -> dict[str, Any]:
    """Start a server, run wrk against /v1/batch and /v1/track, verify what was stored."""
    from vantage.store.lake import EventLog

    home = Path(tempfile.mkdtemp(prefix="vantage-bench-"))
    env = {
        **os.environ,
        "VANTAGE_HOME": str(home),
        "VANTAGE_COLLECT__RATE_PER_SOURCE": "1000000",
        "VANTAGE_COLLECT__BURST_PER_SOURCE": "1000000",
    }
    _vantage(env, "init")
    source = json.loads(_vantage(env, "sources", "add", "bench", "--json"))
    auth = base64.b64encode(f"{source['write_key']}:".encode()).decode()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("vantage")), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        wrk_env = {**env, "AUTH_B64": auth, "BATCH_SIZE": str(BATCH_SIZE)}
        batch = _wrk("batch.lua", url, {**wrk_env, "RUN_ID": "batch"}, seconds, 8)
        track = _wrk("track.lua", url, {**wrk_env, "RUN_ID": "track"}, seconds, 16)
        track8 = _wrk("track.lua", url, {**wrk_env, "RUN_ID": "track8"}, seconds, 8)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    stored = EventLog(home).count()
    expected = batch["ok"] * BATCH_SIZE + track["ok"] + track8["ok"]
    shutil.rmtree(home, ignore_errors=True)
    return {
        "batch": batch,
        "track": track,
        "track8": track8,
        "stored": stored,
        "expected": expected,
    }


def main(seconds: int = 15) -> dict[str, Any]:
    """Run the collection benchmark and write its table into benchmarks/README.md."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `apt-get install -y wrk` (Debian), then retry.")
    load = run_load(seconds)
    ceiling = ceilings()
    batch, track = load["batch"], load["track"]
    batch_eps = batch["ok"] * BATCH_SIZE / (batch["duration_us"] / 1e6)
    track_rps = track["ok"] / (track["duration_us"] / 1e6)
    track8 = load["track8"]
    track8_rps = track8["ok"] / (track8["duration_us"] / 1e6)
    cores = os.cpu_count() or 1
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {cores} cores, Python {platform.python_version()}",
        "batch_events_per_s": batch_eps,
        "batch_p99_ms": batch["p99_us"] / 1000,
        "track_req_per_s": track_rps,
        "track_p50_ms": track["p50_us"] / 1000,
        "track_p99_ms": track["p99_us"] / 1000,
        "track8_req_per_s": track8_rps,
        "track8_p50_ms": track8["p50_us"] / 1000,
        "track8_p99_ms": track8["p99_us"] / 1000,
        "non2xx": batch["non2xx"] + track["non2xx"] + track8["non2xx"],
        "acknowledged_events": load["expected"],
        "stored_events": load["stored"],
        **ceiling,
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "collect.json").write_bytes(
        orjson.dumps(result, option=orjson.OPT_INDENT_2)
    )
    per_core = track_rps / cores
    rows = [
        (
            "`/v1/batch` sustained events/s (100 events per request)",
            f"{batch_eps:,.0f}",
            "≥ 20,000",
        ),
        ("`/v1/batch` p99 latency", f"{result['batch_p99_ms']:.1f} ms", "-"),
        ("`/v1/track` requests/s, 16 connections", f"{track_rps:,.0f}", "≥ 2,000"),
        (
            "`/v1/track` p50 / p99 latency, 16 connections",
            f"{result['track_p50_ms']:.1f} / {result['track_p99_ms']:.1f} ms",
            "p99 < 50 ms",
        ),
        ("`/v1/track` requests/s, 8 connections", f"{track8_rps:,.0f}", "≥ 2,000"),
        (
            "`/v1/track` p50 / p99 latency, 8 connections",
            f"{result['track8_p50_ms']:.1f} / {result['track8_p99_ms']:.1f} ms",
            "p99 < 50 ms",
        ),
        (
            "events stored / acknowledged (requests still in flight when wrk stops are stored "
            "but not counted as acknowledged)",
            f"{load['stored']:,} / {load['expected']:,}",
            "stored ≥ acknowledged",
        ),
        (
            "ceiling: durable log raw append (no HTTP)",
            f"{ceiling['log_events_per_s']:,.0f} events/s",
            "-",
        ),
        (
            "ceiling: warehouse raw bulk append (DuckDB)",
            f"{ceiling['warehouse_events_per_s']:,.0f} events/s",
            "-",
        ),
        (
            "`/v1/batch` as share of warehouse bulk append",
            f"{batch_eps / ceiling['warehouse_events_per_s']:.1%}",
            "-",
        ),
        (
            "`/v1/batch` as share of durable log append",
            f"{batch_eps / ceiling['log_events_per_s']:.1%}",
            "-",
        ),
        (
            "`/v1/track` requests/s per core (RudderStack: ~344 per vCPU)",
            f"{per_core:,.0f} ({per_core / RUDDERSTACK_REQ_PER_S_PER_VCPU:.1f}x)",
            "-",
        ),
    ]
    table = "| measure | result | target |\n|---|---|---|\n" + "\n".join(
        f"| {a} | {b} | {c} |" for a, b, c in rows
    )
    write_section(
        "collect",
        f"Measured {result['when']} on {result['machine']}; load generator: wrk (1 thread, "
        f"8 connections for batch, 16 then 8 for track, {seconds} s each) in another process "
        "on loopback; "
        "server: `vantage serve`, fsync before every acknowledgement.\n\n" + table,
    )
    print(table)
    return result
