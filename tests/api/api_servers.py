"""Real server processes for the API tests: started with ``serve`` or ``uvicorn --factory``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

SERVE = (
    "from vantage.api.server import serve; from vantage.core.settings import load_settings; "
    "serve(load_settings(), '127.0.0.1', 0)"
)


@dataclass
class ServerProcess:
    """A running server: its process, base URL and log file."""

    proc: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def kill(self) -> None:
        """SIGKILL, then reap."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Graceful shutdown with ``sig``; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        # Shutdown waits for a running background job (compaction and sync of what the test sent),
        # which takes a while on a busy 2-core machine.
        return self.proc.wait(timeout=180)

    def log_lines(self) -> list[str]:
        """What the server wrote to stdout and stderr."""
        return self.log_path.read_text(errors="replace").splitlines()


def _env(home: Path, extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    env["VANTAGE_HOME"] = str(home)
    env.update(extra or {})
    return env


def _wait_healthy(server: ServerProcess, timeout_s: float) -> ServerProcess:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"server exited with {server.proc.returncode}:\n" + "\n".join(server.log_lines())
            )
        try:
            if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    server.kill()
    raise RuntimeError("server did not become healthy:\n" + "\n".join(server.log_lines()))


def start_serve(home: Path, log_path: Path, env: dict[str, str] | None = None) -> ServerProcess:
    """Run ``vantage.api.server.serve`` on a free loopback port in a child process."""
    server_file = home / "server.json"
    with log_path.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVE],
            env=_env(home, env),
            cwd=home.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            info = json.loads(server_file.read_text())
            if info["pid"] == proc.pid:
                url = f"http://127.0.0.1:{info['port']}"
                return _wait_healthy(ServerProcess(proc, url, log_path), 30)
        except (OSError, ValueError, KeyError):
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("serve() never wrote server.json:\n" + log_path.read_text())


def start_uvicorn_factory(
    home: Path, log_path: Path, env: dict[str, str] | None = None
) -> ServerProcess:
    """Run ``python -m uvicorn --factory vantage.api.app:app_from_env`` on a pre-bound socket."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "vantage.api.app:app_from_env",
        "--fd", str(sock.fileno()),
    ]  # fmt: skip
    with log_path.open("ab") as out:
        proc = subprocess.Popen(
            command,
            env=_env(home, env),
            cwd=home.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=[sock.fileno()],
        )
    sock.close()
    return _wait_healthy(ServerProcess(proc, f"http://127.0.0.1:{port}", log_path), 30)
