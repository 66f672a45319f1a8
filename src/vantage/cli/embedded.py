"""Find the data directory's running server, or run one in this process for a while."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from vantage.core.settings import Settings
from vantage.core.workspace import Workspace


def running_server_url(settings: Settings) -> str | None:
    """Base URL of a live ``vantage serve`` for this data directory, or None."""
    from vantage.api.server import running_server

    info = running_server(Workspace.from_settings(settings))
    if info is None:
        return None
    try:
        httpx.get(f"{info.url}/health", timeout=2).raise_for_status()
    except httpx.HTTPError:
        return None
    return info.url


# A background-job interval that never comes round while an embedded server lives (a week).
_NEVER_S = 7 * 24 * 3600.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def collection_api(settings: Settings, *, maintain: bool = True) -> Iterator[str]:
    """Yield the URL of the collection API: the running server's, or one started here.

    The embedded server listens on a free loopback port in a background thread and stops when
    the block ends.

    Args:
        settings: The workspace's settings.
        maintain: Let the embedded server compact, sync and refresh identities in the
            background. A caller that runs those steps itself (``vantage demo``) turns this off,
            so the server's jobs never hold the warehouse while the caller waits for it.
    """
    url = running_server_url(settings)
    if url is not None:
        yield url
        return
    from vantage.api.app import create_app
    from vantage.api.logs import configure_logging

    configure_logging("warning")
    if not maintain:
        settings = settings.model_copy(update={"compact_every_s": _NEVER_S})
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="vantage-embedded-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the embedded collection API did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
