"""``serve``: startup refusals, server.json, JSON logs; the uvicorn factory; real processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import httpx
import pytest
from api_servers import start_serve, start_uvicorn_factory

from vantage.api.server import ServerInfo, bind_socket, running_server, serve
from vantage.collect.sources import SourceRegistry
from vantage.core.errors import ConfigError
from vantage.core.settings import Settings
from vantage.core.workspace import Workspace
from vantage.store.lake import EventLog


def test_refuses_off_loopback_with_default_secrets(home: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"Refusing to listen on 0\.0\.0\.0 with the default admin token"
    ) as info:
        serve(Settings(home=home), "0.0.0.0", 0)
    assert "Run `vantage init`" in str(info.value)
    assert not (home / "server.json").exists()


def test_refuses_a_second_server_on_the_same_home(home: Path) -> None:
    home.mkdir(parents=True)
    info = {"pid": os.getppid(), "host": "127.0.0.1", "port": 8123, "started_at": "now"}
    (home / "server.json").write_text(json.dumps(info))
    with pytest.raises(ConfigError, match=r"already serves .* at http://127\.0\.0\.1:8123") as err:
        serve(Settings(home=home), "127.0.0.1", 0)
    assert "stop it first" in str(err.value)


def test_refuses_a_port_in_use(home: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(ConfigError, match=rf"Cannot listen on 127\.0\.0\.1:{port}: ") as err:
            serve(Settings(home=home), "127.0.0.1", port)
    finally:
        taken.close()
    assert "Pick another port with --port or VANTAGE_PORT" in str(err.value)
    assert not (home / "server.json").exists()


def test_bind_socket_names_a_bad_host() -> None:
    with pytest.raises(ConfigError, match=r"Cannot listen on host\.invalid:0"):
        bind_socket("host.invalid", 0)


def test_running_server_ignores_dead_and_broken_records(home: Path) -> None:
    workspace = Workspace(home)
    home.mkdir(parents=True)
    assert running_server(workspace) is None
    workspace.server_file.write_text("{not json")
    assert running_server(workspace) is None
    dead = subprocess.Popen(["true"])
    dead.wait()
    record = {"pid": dead.pid, "host": "::1", "port": 1, "started_at": "x"}
    workspace.server_file.write_text(json.dumps(record))
    assert running_server(workspace) is None
    assert ServerInfo(**record).url == "http://[::1]:1"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_in_a_real_process(home: Path, tmp_path: Path, sig: int) -> None:
    Workspace(home).init()
    source = SourceRegistry(home).add("web")
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = {"pid": dead.pid, "host": "127.0.0.1", "port": 1, "started_at": "x"}
    (home / "server.json").write_text(json.dumps(stale))
    server = start_serve(home, tmp_path / "serve.log")
    info = json.loads((home / "server.json").read_text())
    assert info["pid"] == server.proc.pid and info["host"] == "127.0.0.1"
    assert server.url.endswith(f":{info['port']}") and info["started_at"]
    response = httpx.post(
        f"{server.url}/v1/track",
        json={"userId": "u", "event": "Order Completed"},
        auth=(source.write_key, ""),
    )
    assert response.status_code == 200
    assert server.stop(sig) == 0
    assert not (home / "server.json").exists()
    assert EventLog(home).count() == 1
    lines = [json.loads(line) for line in server.log_lines() if line.strip()]
    requests = [line for line in lines if line.get("event") == "request"]
    track = next(line for line in requests if line["path"] == "/v1/track")
    assert (track["status"], track["source"], track["stored"]) == (200, "web", 1)
    assert source.write_key not in "\n".join(server.log_lines())


@pytest.mark.slow
def test_uvicorn_factory_from_env(home: Path, tmp_path: Path) -> None:
    source = SourceRegistry(home).add("web")
    server = start_uvicorn_factory(home, tmp_path / "uvicorn.log")
    try:
        response = httpx.post(
            f"{server.url}/v1/batch",
            json={"batch": [{"type": "identify", "userId": "u", "traits": {"a": 1}}]},
            auth=(source.write_key, ""),
        )
        assert response.json()["stored"] == 1
    finally:
        # uvicorn shuts down gracefully, then re-raises SIGTERM on itself: exit status -15.
        assert server.stop() in (0, -15)
    assert any("Application shutdown complete" in line for line in server.log_lines())
    assert EventLog(home).count() == 1
