import threading
from concurrent.futures import Future
from pathlib import Path

import pytest
from store_helpers import submission

from vantage.store.group_commit import GroupCommitWriter
from vantage.store.lake import EventLog
from vantage.store.records import AppendResult


def test_many_threads_share_commits_and_every_event_is_stored_once(home: Path) -> None:
    log = EventLog(home)
    writer = GroupCommitWriter(log).start()
    commits = 0
    real_append = log.append

    def counting_append(*args: object, **kwargs: object) -> list[AppendResult]:
        nonlocal commits
        commits += 1
        return real_append(*args, **kwargs)  # type: ignore[arg-type]

    log.append = counting_append  # type: ignore[method-assign]
    results: list[AppendResult] = []
    lock = threading.Lock()

    def client(worker: int) -> None:
        for i in range(25):
            # Every id is sent twice by two different workers: one copy must win.
            ids = (f"w{worker}-{i}", f"w{(worker + 1) % 16}-{i}")
            outcome = writer.submit(submission(*ids)).result(timeout=30)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=client, args=(w,)) for w in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close()

    assert len(results) == 16 * 25
    assert sum(r.stored for r in results) == 16 * 25
    assert sum(r.duplicates for r in results) == 16 * 25
    assert log.count() == 16 * 25
    assert commits < len(results)  # requests really were grouped


def test_a_failed_commit_fails_every_future_in_the_group(home: Path) -> None:
    log = EventLog(home)
    writer = GroupCommitWriter(log)

    def broken(*_args: object, **_kwargs: object) -> list[AppendResult]:
        raise OSError("disk full")

    log.append = broken  # type: ignore[method-assign]
    writer.start()
    futures: list[Future[AppendResult]] = [writer.submit(submission(f"m{i}")) for i in range(5)]
    for future in futures:
        with pytest.raises(OSError, match="disk full"):
            future.result(timeout=10)
    writer.close()


def test_submit_before_start_is_refused(home: Path) -> None:
    writer = GroupCommitWriter(EventLog(home))
    with pytest.raises(RuntimeError, match="event-log writer is not running"):
        writer.submit(submission("a"))


def test_submit_after_close_is_refused_instead_of_hanging(home: Path) -> None:
    writer = GroupCommitWriter(EventLog(home)).start()
    writer.close()
    assert not writer.alive
    with pytest.raises(RuntimeError, match="restart the server"):
        writer.submit(submission("a"))


def test_close_finishes_queued_work_and_start_again_works(home: Path) -> None:
    log = EventLog(home)
    writer = GroupCommitWriter(log, max_group=2).start()
    futures = [writer.submit(submission(f"m{i}")) for i in range(10)]
    writer.close()
    assert all(f.done() for f in futures)
    assert log.count() == 10
    writer.start()
    assert writer.submit(submission("again")).result(timeout=10).stored == 1
    writer.close()
    assert log.count() == 11
