"""The server's background worker: periodic jobs (log compaction) run in a thread.

A job runs every ``interval_s``; :meth:`BackgroundWorker.stop` waits for a running job to finish,
so shutdown never abandons a compaction half-way (which would be safe, only wasteful).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import structlog


def job_process_init(parent_pid: int, niceness: int = 10) -> None:
    """Initialise a job process: lower its priority and end it when the server is gone.

    A server killed with SIGKILL cannot stop its pool, and a spawned worker would otherwise wait
    on its pipe forever; a daemon thread notices the server's death (the worker is re-parented)
    and exits.
    """
    os.nice(niceness)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="vantage-parent-watch", daemon=True).start()


@dataclass(frozen=True)
class Job:
    """A named periodic job (a blocking callable, run in a worker thread)."""

    name: str
    run: Callable[[], object]


class BackgroundWorker:
    """Runs jobs every ``interval_s`` until stopped.

    Args:
        jobs: The jobs, run one after another each round.
        interval_s: Seconds between rounds.
    """

    def __init__(self, jobs: Sequence[Job], interval_s: float) -> None:
        self.jobs = list(jobs)
        self.interval_s = interval_s
        self.rounds = 0
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._log = structlog.get_logger("vantage.worker")

    def start(self) -> None:
        """Start the loop on the running event loop."""
        self._stop.clear()
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="vantage-worker")

    async def stop(self) -> None:
        """Ask the loop to stop and wait until the current job, if any, has finished."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def run_once(self) -> None:
        """Run every job once; a failing job is logged and does not stop the others."""
        for job in self.jobs:
            try:
                result = await asyncio.to_thread(job.run)
            except Exception as exc:
                self._log.error("job_failed", job=job.name, error=f"{type(exc).__name__}: {exc}")
            else:
                self._log.info("job_done", job=job.name, result=repr(result))
        self.rounds += 1

    async def _loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval_s)
            if self._stop.is_set():
                return
            await self.run_once()
