"""Group commit: many concurrent requests share one durable SQLite transaction.

A request thread hands its :class:`Submission` to :meth:`GroupCommitWriter.submit` and gets a
future; one writer thread drains everything queued, appends it in a single transaction (one fsync
for all), then resolves every future. A request is acknowledged only after its future resolves,
so an acknowledged event is always on disk.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

from vantage.store.lake import EventLog
from vantage.store.records import AppendResult, Submission

_STOP = object()


class GroupCommitWriter:
    """Background writer that batches submissions into shared durable commits.

    Args:
        log: The event log to append to.
        max_group: Most submissions merged into one transaction.
    """

    def __init__(
        self, log: EventLog, max_group: int = 256, checkpoint_every_s: float = 0.5
    ) -> None:
        self.log = log
        self.max_group = max_group
        self.checkpoint_every_s = checkpoint_every_s
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._checkpointer: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> GroupCommitWriter:
        """Start the writer thread (idempotent)."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._run, name="vantage-log-writer", daemon=True
            )
            self._thread.start()
        if self._checkpointer is None or not self._checkpointer.is_alive():
            self._stopping.clear()
            self._checkpointer = threading.Thread(
                target=self._checkpoint_loop, name="vantage-log-checkpoint", daemon=True
            )
            self._checkpointer.start()
        return self

    @property
    def alive(self) -> bool:
        """Whether the writer thread is running (requests would wait forever otherwise)."""
        return self._thread is not None and self._thread.is_alive()

    def submit(self, submission: Submission) -> Future[AppendResult]:
        """Queue a submission; the future resolves once it is durable.

        Raises:
            RuntimeError: The writer is not running, so nothing could ever be acknowledged.
        """
        if not self.alive:
            raise RuntimeError("the event-log writer is not running; restart the server")
        future: Future[AppendResult] = Future()
        self._queue.put((submission, future))
        return future

    def close(self) -> None:
        """Finish queued work and stop the thread."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None
        if self._checkpointer is not None:
            self._stopping.set()
            self._checkpointer.join()
            self._checkpointer = None

    def _checkpoint_loop(self) -> None:
        """Copy the WAL into the database off the writer thread.

        SQLite's automatic checkpoint runs inside the commit that crosses its threshold, which
        would stall every request waiting on that commit; a passive checkpoint here runs beside
        the writer instead and never blocks it.
        """
        conn = self.log.connect()
        try:
            while not self._stopping.wait(self.checkpoint_every_s):
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()

    def _run(self) -> None:
        conn = self.log.connect()
        conn.execute("PRAGMA wal_autocheckpoint=0")
        try:
            while True:
                item = self._queue.get()
                stop = item is _STOP
                group = [] if stop else [item]
                while len(group) < self.max_group:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is _STOP:
                        stop = True
                        break
                    group.append(nxt)
                if group:
                    self._commit(conn, group)
                if stop:
                    return
        finally:
            conn.close()

    def _commit(self, conn: object, group: list[object]) -> None:
        pairs: list[tuple[Submission, Future[AppendResult]]] = group  # type: ignore[assignment]
        try:
            results = self.log.append([sub for sub, _ in pairs], conn=conn)  # type: ignore[arg-type]
        except Exception as exc:  # every waiting request must hear about the failure
            for _, future in pairs:
                future.set_exception(exc)
            return
        for (_, future), result in zip(pairs, results, strict=True):
            future.set_result(result)
