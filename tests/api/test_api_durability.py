"""kill -9 of a real server mid-stream loses no acknowledged event and duplicates none.

Each round starts the server as a separate process (``serve``, or ``uvicorn --factory``), sends
batches from several client threads, records which messageIds were acknowledged (HTTP 200), and
SIGKILLs the server at a random instant, with compaction running every 0.3 s so the kill can also
land mid-compaction. Then the lake must hold every acknowledged event exactly once. The server is
restarted, everything is sent again (acknowledged or not), and the lake must then hold each
distinct messageId exactly once.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from api_servers import ServerProcess, start_serve, start_uvicorn_factory

from vantage.collect.sources import Source, SourceRegistry
from vantage.core.workspace import Workspace
from vantage.store.compaction import snapshot
from vantage.store.lake import EventLog

pytestmark = pytest.mark.slow

CLIENTS = 4
BATCHES_PER_ROUND = 600  # ~2 s of stream or more on 2 cores: the kill (0.3-1.2 s) lands inside it
EVENTS_PER_BATCH = 100
ROUNDS = 3


def make_batches(round_no: int) -> list[list[dict[str, object]]]:
    return [
        [
            {
                "type": "track",
                "messageId": f"r{round_no}-b{b}-e{e}",
                "userId": f"user-{e % 37}",
                "event": "Product Viewed",
                "properties": {"sku": f"sku-{b}-{e}", "price": 9.99},
            }
            for e in range(EVENTS_PER_BATCH)
        ]
        for b in range(BATCHES_PER_ROUND)
    ]


def send(
    url: str, source: Source, batches: list[list[dict[str, object]]], stop_on_error: bool
) -> tuple[set[str], int]:
    """POST the batches from several threads; returns (acknowledged ids, failed requests)."""
    acked: set[str] = set()
    failures = 0
    lock = threading.Lock()
    todo = list(enumerate(batches))

    def worker() -> None:
        nonlocal failures
        with httpx.Client(base_url=url, auth=(source.write_key, ""), timeout=30) as client:
            while True:
                with lock:
                    if not todo:
                        return
                    _, batch = todo.pop()
                try:
                    response = client.post("/v1/batch", json={"batch": batch})
                except httpx.HTTPError:
                    with lock:
                        failures += 1
                    if stop_on_error:
                        return
                    continue
                if response.status_code == 200:
                    body = response.json()
                    assert body["stored"] + body["duplicates"] == len(batch), body
                    with lock:
                        acked.update(str(m["messageId"]) for m in batch)
                else:
                    with lock:
                        failures += 1

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acked, failures


def stored_ids(home: Path) -> Counter[str]:
    """messageId -> how many times it is in the lake (compacted files plus log)."""
    return Counter(snapshot(EventLog(home)).read().column("message_id").to_pylist())


def start(round_no: int, home: Path, logs: Path) -> ServerProcess:
    """Odd rounds run ``uvicorn --factory vantage.api.app:app_from_env``, even ones ``serve``."""
    env = {"VANTAGE_COMPACT_EVERY_S": "0.3"}
    if round_no % 2:
        return start_uvicorn_factory(home, logs / f"uvicorn-{round_no}.log", env)
    return start_serve(home, logs / f"serve-{round_no}.log", env)


def send_into(
    result: dict[str, tuple[set[str], int]],
    url: str,
    source: Source,
    batches: list[list[dict[str, object]]],
) -> None:
    result["sent"] = send(url, source, batches, stop_on_error=True)


def test_kill_9_mid_stream(home: Path, tmp_path: Path) -> None:
    Workspace(home).init()
    source = SourceRegistry(home).add("web")
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    everything: set[str] = set()
    acked_per_round: list[int] = []
    for round_no in range(ROUNDS):
        batches = make_batches(round_no)
        everything.update(str(m["messageId"]) for batch in batches for m in batch)
        server = start(round_no, home, tmp_path)
        delay = rng.uniform(0.3, 1.2)
        result: dict[str, tuple[set[str], int]] = {}
        sender = threading.Thread(target=send_into, args=(result, server.url, source, batches))
        sender.start()
        time.sleep(delay)
        server.kill()
        sender.join(timeout=60)
        acked, failures = result["sent"]
        context = f"seed={seed} round={round_no} kill after {delay:.2f}s"
        assert failures > 0, f"the kill came after the stream ended ({context})"
        acked_per_round.append(len(acked))

        counts = stored_ids(home)
        missing = [mid for mid in acked if counts[mid] == 0]
        assert not missing, f"{len(missing)} acknowledged events lost ({context})"
        doubled = [mid for mid, n in counts.items() if n > 1]
        assert not doubled, f"{len(doubled)} events stored twice ({context})"

        server = start(round_no, home, tmp_path)
        try:
            resent, resend_failures = send(server.url, source, batches, False)
        finally:
            server.stop()
        assert resend_failures == 0, context
        assert resent == {str(m["messageId"]) for batch in batches for m in batch}
        counts = stored_ids(home)
        assert set(counts) == everything, context
        assert max(counts.values()) == 1, context
        assert EventLog(home).count() == len(everything), context
    assert any(acked_per_round), f"no round acknowledged anything before its kill: seed={seed}"
