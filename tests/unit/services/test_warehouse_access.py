"""One process at a time in the embedded warehouse: the lock, its timeout, waiting commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vantage.collect.ingest import Ingestor
from vantage.core.errors import StoreError
from vantage.core.settings import Settings
from vantage.services.warehouse import open_warehouse, warehouse_lock
from vantage.store.lake import EventLog

VANTAGE = Path(sys.executable).with_name("vantage")

WAIT_FOR_LOCK = """
import sys, time
from pathlib import Path
from vantage.services.warehouse import warehouse_lock
print("waiting", flush=True)
with warehouse_lock(Path(sys.argv[1]), timeout_s=30):
    print(time.time(), flush=True)
"""


def child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    env["VANTAGE_HOME"] = str(home)
    return env


def test_a_second_process_gets_the_lock_once_the_first_releases(home: Path) -> None:
    with warehouse_lock(home):
        child = subprocess.Popen(
            [sys.executable, "-c", WAIT_FOR_LOCK, str(home)],
            env=child_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "waiting"
        time.sleep(0.4)
        assert child.poll() is None, "the child got the lock while this process held it"
        released_at = time.time()
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert float(out.strip()) >= released_at


def test_a_busy_warehouse_times_out_with_a_clear_error(home: Path) -> None:
    with warehouse_lock(home):
        started = time.monotonic()
        with (
            pytest.raises(StoreError, match=r"The warehouse in .* stayed busy for 0 s") as caught,
            warehouse_lock(home, timeout_s=0.1),
        ):
            pass
        assert time.monotonic() - started < 5
    assert "warehouse.lock" in (caught.value.fix or "")
    with warehouse_lock(home, timeout_s=0.1):
        pass


def test_open_warehouse_times_out_while_another_holds_it(home: Path) -> None:
    settings = Settings(home=home)
    with (
        open_warehouse(settings),
        pytest.raises(StoreError, match="stayed busy"),
        open_warehouse(settings, timeout_s=0.1),
    ):
        pass


def test_open_warehouse_migrates_and_releases_the_lock(home: Path) -> None:
    settings = Settings(home=home)
    with open_warehouse(settings) as store:
        assert store.has_table("events")
        assert store.scalar(store.table("events").count()) == 0
        with pytest.raises(StoreError, match="stayed busy"), warehouse_lock(home, timeout_s=0):
            pass
    assert (home / "warehouse.lock").is_file()
    with warehouse_lock(home, timeout_s=0):
        pass


def test_a_cli_command_waits_for_the_warehouse_instead_of_failing(home: Path) -> None:
    log = EventLog(home)
    messages = [
        {"type": "track", "event": "Viewed", "userId": f"u{i}", "messageId": f"m{i}"}
        for i in range(5)
    ]
    log.append([Ingestor().prepare("web", messages)])
    with open_warehouse(Settings(home=home)):
        command = subprocess.Popen(
            [str(VANTAGE), "events", "compact", "--json"],
            env=child_env(home),
            cwd=home.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while log.tail(10) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert log.tail(10) == [], "the command never compacted the log"
        time.sleep(0.5)
        assert command.poll() is None, "the command used the warehouse while it was held"
    out, err = command.communicate(timeout=60)
    assert command.returncode == 0, err
    result = json.loads(out)
    assert result["compaction"]["rows"] == 5
    assert result["sync"]["inserted"] == 5
    with open_warehouse(Settings(home=home)) as store:
        assert store.scalar(store.table("events").count()) == 5
