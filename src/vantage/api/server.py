"""Run the collection API with uvicorn (``vantage serve``).

:func:`serve` refuses unsafe configurations (an address off loopback with default secrets, a
second server on the same data directory, a port in use) with errors that say what to do, binds
the socket itself (so port 0 works and the real port is known), records the running server in
``<home>/server.json`` (pid, host, port, started_at) for the CLI to find, and removes that file on
exit.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from types import FrameType

import uvicorn

from vantage.api.app import create_app
from vantage.api.logs import configure_logging
from vantage.core.errors import ConfigError
from vantage.core.settings import Settings
from vantage.core.workspace import Workspace, check_safe_to_serve

GRACEFUL_SHUTDOWN_S = 10


@dataclass(frozen=True)
class ServerInfo:
    """What ``server.json`` says about a running server."""

    pid: int
    host: str
    port: int
    started_at: str

    @property
    def url(self) -> str:
        """Base URL of the server (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_server(workspace: Workspace) -> ServerInfo | None:
    """The server recorded in ``server.json`` when its process is still alive, else None."""
    try:
        data = json.loads(workspace.server_file.read_text())
        info = ServerInfo(
            pid=int(data["pid"]),
            host=str(data["host"]),
            port=int(data["port"]),
            started_at=str(data["started_at"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info if _alive(info.pid) else None


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0 picks a free port).

    Raises:
        ConfigError: The address cannot be used; the message names it.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ConfigError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}.",
            "Use an address of this machine (VANTAGE_HOST or --host), e.g. 127.0.0.1.",
        ) from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}.",
            "Pick another port with --port or VANTAGE_PORT (or stop what uses this one).",
        ) from exc
    sock.set_inheritable(True)
    return sock


def _write_info(workspace: Workspace, info: ServerInfo) -> None:
    tmp = workspace.server_file.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(info)))
    tmp.replace(workspace.server_file)


def _remove_info(workspace: Workspace, pid: int) -> None:
    current = running_server(workspace)
    if current is None or current.pid == pid:
        with contextlib.suppress(FileNotFoundError):
            workspace.server_file.unlink()


class _StopSignalError(BaseException):
    """SIGINT or SIGTERM after (or before) uvicorn's graceful shutdown."""


def _raise_stopped(signum: int, _frame: FrameType | None) -> None:
    raise _StopSignalError(signum)


@contextlib.contextmanager
def _stop_signals() -> Iterator[None]:
    """Make SIGINT / SIGTERM end ``serve`` normally, so it can clean up and exit with 0.

    uvicorn handles both signals with a graceful shutdown, then restores the previous handlers
    and raises the signal again; without this, SIGTERM's default action would kill the process
    before ``server.json`` is removed.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    *,
    log_level: str = "info",
) -> None:
    """Run the API and its background worker until interrupted (SIGINT / SIGTERM).

    Args:
        settings: Settings; ``settings.home`` is the data directory.
        host: Address to bind; ``settings.host`` when None.
        port: Port to bind (0 picks a free one); ``settings.port`` when None.
        log_level: Lowest level of the JSON log lines written to stdout.

    Raises:
        ConfigError: Listening off loopback with default secrets, another server already
            serving this data directory, or the address unusable.
    """
    host = host or settings.host
    port = settings.port if port is None else port
    check_safe_to_serve(settings, host)
    workspace = Workspace.from_settings(settings)
    workspace.home.mkdir(parents=True, exist_ok=True)
    other = running_server(workspace)
    if other is not None and other.pid != os.getpid():
        raise ConfigError(
            f"A Vantage server (pid {other.pid}) already serves {workspace.home.resolve()} "
            f"at {other.url}.",
            "Use that server, stop it first, or point VANTAGE_HOME at another data directory.",
        )
    sock = bind_socket(host, port)
    bound_port = int(sock.getsockname()[1])
    configure_logging(log_level)
    app = create_app(settings.model_copy(update={"host": host, "port": bound_port}))
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    info = ServerInfo(os.getpid(), host, bound_port, datetime.now(UTC).isoformat())
    _write_info(workspace, info)
    try:
        with _stop_signals():
            uvicorn.Server(config).run(sockets=[sock])
    except _StopSignalError:
        pass
    finally:
        _remove_info(workspace, info.pid)
        sock.close()
