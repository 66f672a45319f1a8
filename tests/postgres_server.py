"""A throw-away PostgreSQL server for the tests: initdb into a temporary folder, start, stop.

The server listens on 127.0.0.1 on a free port with its unix socket in the same temporary folder,
so several test processes (pytest-xdist workers) each run their own without clashing. As root
the server runs as the ``postgres`` OS user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SEARCH_GLOBS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/local/pgsql/bin",
    "/opt/homebrew/opt/postgresql*/bin",
)
SERVER_USER = "postgres"


def in_ci() -> bool:
    """Same rule as tests/conftest.py: CI sets VANTAGE_CI=1, where a missing server fails."""
    return os.environ.get("VANTAGE_CI") == "1"


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", str(path)))


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (newest version first), or None."""
    candidates: list[Path] = []
    for pattern in SEARCH_GLOBS:
        found = Path("/").glob(pattern.lstrip("/"))
        candidates.extend(sorted(found, key=_version_key, reverse=True))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """One private PostgreSQL cluster.

    Args:
        bin_dir: Folder of the PostgreSQL programs.
        database: Database created for the tests.
    """

    bin_dir: Path
    database: str = "vantage_test"
    port: int = 0
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="vantage-pg-")))

    @property
    def url(self) -> str:
        """Connection URL of the test database (trust authentication, no password)."""
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
            raise RuntimeError(f"{what} failed: {result.stdout}{result.stderr}{tail}")

    def start(self, attempts: int = 3) -> PostgresServer:
        """Create the cluster and start the server (retrying when the port got taken)."""
        if os.geteuid() == 0:
            shutil.chown(self.root, user=SERVER_USER)
        data = self.root / "data"
        self._check(
            self._run(
                "initdb",
                "-D",
                str(data),
                "-U",
                SERVER_USER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ),
            "initdb",
        )
        for attempt in range(attempts):
            self.port = free_port()
            options = (
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
            )
            result = self._run(
                "pg_ctl",
                "-D",
                str(data),
                "-l",
                str(self.root / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            )
            if result.returncode == 0:
                break
            if attempt == attempts - 1:
                self._check(result, "pg_ctl start")
            time.sleep(0.2)
        self._create_database()
        return self

    def _create_database(self) -> None:
        import psycopg

        admin = f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def stop(self) -> None:
        """Stop the server and delete its files."""
        data = self.root / "data"
        if (data / "postmaster.pid").is_file():
            self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        with contextlib.suppress(OSError):
            shutil.rmtree(self.root)
