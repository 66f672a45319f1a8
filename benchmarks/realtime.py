"""Real-time single customer view: how soon an acknowledged event shows on the profile.

Starts ``vantage serve`` on a fresh data directory, loads customers through ``/v1/batch``, then
for each probe sends one event through ``/v1/track`` or ``/v1/identify`` and polls
``GET /v1/profiles`` until the profile shows it: an order in ``orders_30d`` and a new device
joined to its customer. Also measures how many events per second the server's log tail applies
to the live identity graph and counters, in process.

Run: ``python -m benchmarks --only realtime``.
"""

from __future__ import annotations

import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from benchmarks.collect import _free_port, _vantage
from benchmarks.report import write_section

CUSTOMERS = 1_000
PROBES = 60


def _server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("vantage")), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"{url}/health", timeout=1).raise_for_status()
            return server, url
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.2)


def _wait_until(check: Any, started: float, timeout_s: float = 10.0) -> float:
    while not check():
        if time.perf_counter() - started > timeout_s:
            raise TimeoutError("the profile did not show the event in time")
        time.sleep(0.002)
    return (time.perf_counter() - started) * 1000


def _probe(
    url: str, auth: tuple[str, str], admin: dict[str, str], home: Path
) -> dict[str, np.ndarray]:
    from vantage.store.lake import EventLog
    from vantage.store.tail import last_seq

    log = EventLog(home)
    client = httpx.Client(base_url=url, timeout=30)
    batch = []
    for k in range(CUSTOMERS):
        batch.append(
            {
                "type": "identify",
                "userId": f"user-{k}",
                "traits": {"email": f"person{k}@example.com"},
            }
        )
        batch.append(
            {
                "type": "track",
                "userId": f"user-{k}",
                "event": "Order Completed",
                "properties": {"revenue": 10.0},
            }
        )
    for start in range(0, len(batch), 500):
        client.post(
            "/v1/batch", json={"batch": batch[start : start + 500]}, auth=auth
        ).raise_for_status()
    orders, devices, applied = [], [], []
    rng = np.random.default_rng(3)
    for i, k in enumerate(rng.choice(CUSTOMERS, PROBES, replace=False)):
        user = f"user-{k}"

        def count(user: str = user) -> int:
            reply = client.get("/v1/profiles", params={"user_id": user}, headers=admin)
            return (
                int(reply.json()["computed_traits"].get("orders_30d", 0))
                if reply.is_success
                else -1
            )

        _wait_until(lambda: count() >= 1, time.perf_counter(), 60)
        before = count()
        client.post(
            "/v1/track",
            json={"userId": user, "event": "Order Completed", "properties": {"revenue": 5.0}},
            auth=auth,
        ).raise_for_status()
        acked = time.perf_counter()
        target = last_seq(log)
        applied.append(
            _wait_until(lambda t=target: client.get("/health").json()["live_seq"] >= t, acked)
        )
        orders.append(_wait_until(lambda b=before: count() > b, acked))
        device = f"new-phone-{i}"
        client.post(
            "/v1/identify", json={"userId": user, "anonymousId": device}, auth=auth
        ).raise_for_status()
        started = time.perf_counter()

        def joined(device: str = device, user: str = user) -> bool:
            reply = client.get("/v1/profiles", params={"anonymous_id": device}, headers=admin)
            return reply.is_success and any(
                i["id_value"] == user for i in reply.json()["identifiers"]
            )

        devices.append(_wait_until(joined, started))
    return {
        "applied": np.array(applied),
        "order": np.array(orders),
        "device": np.array(devices),
    }


def tail_rate(events: int = 200_000) -> float:
    """Events per second the live view applies (parse, identifiers, graph, counters)."""
    import pyarrow as pa

    from vantage.core.settings import Settings
    from vantage.services.live import LiveProfiles
    from vantage.store.compaction import EVENT_SCHEMA

    home = Path(tempfile.mkdtemp(prefix="vantage-bench-live-"))
    try:
        live = LiveProfiles(Settings(home=home))
        live.load()
        now = time.time()
        rows = []
        for seq in range(1, events + 1):
            k = seq % 50_000
            kind = "identify" if seq % 5 == 0 else "track"
            payload = (
                f'{{"type":"{kind}","userId":"u{k}","anonymousId":"d{k}",'
                f'"event":"Order Completed","properties":{{"revenue":12.5}},'
                f'"traits":{{"email":"p{k}@example.com"}}}}'
            )
            rows.append(
                {
                    "seq": seq,
                    "message_id": f"m{seq}",
                    "source": "web",
                    "type": kind,
                    "event": "Order Completed",
                    "user_id": f"u{k}",
                    "anonymous_id": f"d{k}",
                    "timestamp": int((now - seq) * 1e6),
                    "received_at": int(now * 1e6),
                    "payload": payload,
                }
            )
        table = pa.Table.from_pylist(rows, schema=EVENT_SCHEMA)
        started = time.perf_counter()
        for offset in range(0, events, 2_000):
            live.apply(table.slice(offset, 2_000))
        return events / (time.perf_counter() - started)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> dict[str, Any]:
    """Run the probes and the tail-rate measurement; write the table."""
    import json

    home = Path(tempfile.mkdtemp(prefix="vantage-bench-rt-"))
    env = {
        **os.environ,
        "VANTAGE_HOME": str(home),
        "VANTAGE_COLLECT__RATE_PER_SOURCE": "1000000",
        "VANTAGE_COLLECT__BURST_PER_SOURCE": "1000000",
    }
    _vantage(env, "init")
    source = json.loads(_vantage(env, "sources", "add", "bench", "--json"))
    token = json.loads((home / "secrets.json").read_text())["admin_token"]
    server, url = _server(env)
    try:
        latency = _probe(url, (source["write_key"], ""), {"Authorization": f"Bearer {token}"}, home)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        shutil.rmtree(home, ignore_errors=True)
    rate = tail_rate()
    result = {
        name: {
            "p50": float(np.percentile(v, 50)),
            "p99": float(np.percentile(v, 99)),
            "max": float(v.max()),
        }
        for name, v in latency.items()
    }
    body = "\n".join(
        [
            f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"`python -m benchmarks --only realtime`. {PROBES} probes on {CUSTOMERS:,} customers; "
            "time from the API's acknowledgement until `GET /v1/profiles` shows the change "
            "(includes the polling GET itself). Target: well under a second.",
            "",
            "| what becomes visible | p50 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|",
            f"| the live view has applied the event (`/health` live_seq) | "
            f"{result['applied']['p50']:.0f} | {result['applied']['p99']:.0f} | "
            f"{result['applied']['max']:.0f} |",
            f"| an order in `orders_30d` | {result['order']['p50']:.0f} | "
            f"{result['order']['p99']:.0f} | {result['order']['max']:.0f} |",
            f"| a new device joins its customer | {result['device']['p50']:.0f} | "
            f"{result['device']['p99']:.0f} | {result['device']['max']:.0f} |",
            "",
            f"Live tail (parse, identifiers, graph, counters), in process: {rate:,.0f} events/s "
            "on one core.",
        ]
    )
    write_section("realtime", body)
    print(body)
    return {**result, "tail_events_per_s": rate}
