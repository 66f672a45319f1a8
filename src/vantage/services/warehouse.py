"""Warehouse access shared by every process working on one data directory.

DuckDB lets one process at a time open a database file. Every Vantage process (the server's
background worker, a CLI command, a notebook) therefore opens the embedded warehouse only inside
:func:`open_warehouse`, which holds an exclusive ``flock`` on ``<home>/warehouse.lock`` for as
long as the connection is open. Work is short (a sync, a query), so commands wait their turn
instead of failing, whether or not ``vantage serve`` is running. PostgreSQL needs no such lock.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from vantage.core.errors import StoreError
from vantage.core.settings import Settings
from vantage.store.migrations import migrate
from vantage.store.warehouse import Store, connect_store


@contextmanager
def warehouse_lock(home: Path, timeout_s: float = 120.0) -> Iterator[None]:
    """Hold the data directory's warehouse lock.

    Args:
        home: The data directory.
        timeout_s: How long to wait for another process to finish.

    Raises:
        StoreError: The lock was not obtained in time.
    """
    home.mkdir(parents=True, exist_ok=True)
    with (home / "warehouse.lock").open("a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"The warehouse in {home} stayed busy for {timeout_s:.0f} s.",
                        "Wait for the running job to finish, or check for a stuck process "
                        "holding warehouse.lock.",
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def open_warehouse(settings: Settings, *, timeout_s: float = 120.0) -> Iterator[Store]:
    """Open the warehouse (migrated to the current schema) for a short piece of work.

    Args:
        settings: Settings naming the data directory and the warehouse URL.
        timeout_s: How long to wait for another process using the embedded warehouse.

    Yields:
        The connected store; closed (and the lock released) on exit.
    """
    url = settings.store_url
    embedded = url.startswith("duckdb")
    with warehouse_lock(Path(settings.home), timeout_s) if embedded else nullcontext():
        store = connect_store(url)
        try:
            migrate(store)
            yield store
        finally:
            store.close()
