"""Every command works while a real ``vantage serve`` runs on the same data directory.

The server is the installed script (``vantage serve --port 0``) in a child process; the commands
are the installed script too, each in its own process, exactly as a user runs them side by side.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from vantage.core.settings import Settings
from vantage.services.warehouse import open_warehouse

from .cli_process import VANTAGE, cli_env, ok_json, vantage

CRM_CSV = (
    "customer_no,email_address,created_at\n"
    "C1,ann@example.com,2024-05-01T12:30:00Z\n"
    "C2,bob@example.com,not a time\n"
    "C3,cat@example.com,2024-05-02\n"
)
CRM_MAPPING = "user_id: customer_no\ntimestamp: created_at\nidentifiers: {email: email_address}\n"


@dataclass
class Server:
    """A running ``vantage serve``."""

    proc: subprocess.Popen[bytes]
    url: str
    log_path: Path
    admin_token: str

    def stop(self) -> int:
        """SIGINT (Ctrl-C), then wait for a clean exit."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=60)

    def log_records(self, event: str) -> list[dict[str, Any]]:
        """The server's JSON log lines whose ``event`` is ``event``."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        records = [json.loads(line) for line in lines if line.startswith("{")]
        return [r for r in records if r.get("event") == event]

    def requests(self, path: str) -> list[dict[str, Any]]:
        """The server's request log lines for ``path``."""
        return [r for r in self.log_records("request") if r.get("path") == path]

    def event_count(self) -> dict[str, int]:
        """The admin API's event counts."""
        response = httpx.get(
            f"{self.url}/v1/admin/events/count",
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=10,
        )
        response.raise_for_status()
        return dict(response.json())


def start_server(home: Path, extra_env: dict[str, str] | None = None) -> Server:
    """Start ``vantage serve --port 0`` and wait for server.json and /health."""
    log_path = home.parent / "serve.log"
    with log_path.open("ab") as out:
        proc = subprocess.Popen(
            [str(VANTAGE), "serve", "--port", "0"],
            env=cli_env(home, extra_env),
            cwd=home.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    token = json.loads((home / "secrets.json").read_text())["admin_token"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"vantage serve exited with {proc.returncode}:\n{log_path.read_text()}"
            )
        try:
            info = json.loads((home / "server.json").read_text())
            if info["pid"] == proc.pid:
                url = f"http://127.0.0.1:{info['port']}"
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    return Server(proc, url, log_path, token)
        except (OSError, ValueError, KeyError, httpx.HTTPError):
            pass
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    raise RuntimeError(f"vantage serve did not become healthy:\n{log_path.read_text()}")


@pytest.fixture
def serve(home: Path) -> Iterator[Any]:
    """A factory starting ``vantage serve`` on the initialised ``home``; stopped at the end."""
    assert vantage(home, "init").returncode == 0
    started: list[Server] = []

    def start(extra_env: dict[str, str] | None = None) -> Server:
        started.append(start_server(home, extra_env))
        return started[-1]

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGINT)
            try:
                server.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.proc.kill()
                server.proc.wait()


def stop_cleanly(server: Server, home: Path) -> None:
    assert server.stop() == 0, server.log_path.read_text()
    assert not (home / "server.json").exists()


def warehouse_events(home: Path) -> tuple[int, set[str]]:
    with open_warehouse(Settings(home=home)) as store:
        events = store.table("events")
        ids = store.execute(events.select("message_id"))["message_id"]
        return int(store.scalar(events.count())), set(ids)


@pytest.mark.slow
def test_every_command_works_while_the_server_runs(home: Path, serve: Any) -> None:
    server = serve()
    (home.parent / "crm.csv").write_text(CRM_CSV)
    (home.parent / "crm.yml").write_text(CRM_MAPPING)

    second = vantage(home, "serve", "--port", "0")
    assert second.returncode == 1
    assert f"(pid {server.proc.pid}) already serves" in second.stderr

    added = ok_json(home, "sources", "add", "web")
    assert added["name"] == "web" and added["write_key"]
    report = ok_json(home, "ingest", "crm.csv", "--source", "crm", "--mapping", "crm.yml")
    assert (report["stored"], report["rejected"]) == (2, 1)
    assert [r["row"] for r in report["rejected_examples"]] == [3]
    assert ok_json(home, "events", "count") == {"stored": 2, "failed": 1}
    assert server.event_count()["stored"] == 2
    compacted = ok_json(home, "events", "compact")
    assert compacted["sync"]["watermark"] == 2

    demo = ok_json(home, "demo", "--customers", "200")
    assert [s["name"] for s in demo["steps"]][:3] == ["init", "generate", "collect-api"]
    assert {"web", "crm", "pos"} <= set(demo["events_per_source"])
    stored = demo["events_stored"]
    assert stored > demo["api_events"] > 0
    assert sum(demo["events_per_source"].values()) == stored
    assert ok_json(home, "events", "count") == {"stored": stored, "failed": 1}
    counts = server.event_count()
    assert (counts["stored"], counts["failed"]) == (stored, 1)

    stop_cleanly(server, home)
    imports = server.requests("/v1/import")
    assert imports and all(r["status"] == 200 for r in imports)
    assert sum(r["stored"] + r["duplicates"] for r in imports) == demo["api_events"]
    assert warehouse_events(home)[0] == stored


def post_until(
    url: str, write_key: str, prefix: str, stop: threading.Event, acked: list[str]
) -> None:
    """POST small batches until ``stop`` is set, recording every acknowledged messageId."""
    with httpx.Client(base_url=url, auth=(write_key, ""), timeout=30) as client:
        batch_no = 0
        while not stop.is_set():
            ids = [f"{prefix}-{batch_no}-{i}" for i in range(25)]
            batch = [
                {"type": "track", "event": "Clicked", "userId": f"u{i}", "messageId": m}
                for i, m in enumerate(ids)
            ]
            response = client.post("/v1/batch", json={"batch": batch})
            assert response.status_code == 200, response.text
            assert response.json()["stored"] == len(ids)
            acked.extend(ids)
            batch_no += 1
            time.sleep(0.005)


@pytest.mark.slow
def test_events_posted_during_a_cli_compaction_are_never_lost(home: Path, serve: Any) -> None:
    server = serve({"VANTAGE_COMPACT_EVERY_S": "0.2"})
    write_key = ok_json(home, "sources", "add", "web")["write_key"]
    stop = threading.Event()
    acked: list[list[str]] = [[], []]
    posters = [
        threading.Thread(target=post_until, args=(server.url, write_key, f"p{n}", stop, acked[n]))
        for n in range(2)
    ]
    for poster in posters:
        poster.start()
    try:
        time.sleep(0.3)
        runs = [ok_json(home, "events", "compact") for _ in range(2)]
    finally:
        stop.set()
        for poster in posters:
            poster.join(timeout=60)
    sent = set(acked[0]) | set(acked[1])
    assert len(sent) == len(acked[0]) + len(acked[1]) > 500
    inserted = sum(run["sync"]["inserted"] for run in runs)
    assert inserted <= len(sent)  # the server's own worker syncs too

    assert server.event_count()["stored"] == len(sent)
    assert ok_json(home, "events", "count")["stored"] == len(sent)
    stop_cleanly(server, home)
    server_jobs = [r for r in server.log_records("job_done") if r["job"] == "compact-and-sync"]
    # The server's own worker compacted some of the stream too (its result is a repr'd dict).
    compacted = [re.search(r"'compaction': \{[^}]*'rows': (\d+)", r["result"]) for r in server_jobs]
    assert any(m is not None and int(m.group(1)) > 0 for m in compacted)
    ok_json(home, "events", "compact")
    count, ids = warehouse_events(home)
    assert count == len(sent) and ids == sent


def test_serve_refuses_a_public_address_with_default_secrets(home: Path) -> None:
    done = vantage(home, "serve", "--host", "0.0.0.0", "--port", "0")
    assert done.returncode == 1
    assert "Refusing to listen on 0.0.0.0 with the default admin token." in done.stderr
    assert "Run `vantage init` to generate secrets" in done.stderr
    assert not (home / "server.json").exists()
