"""Run the installed ``vantage`` script as a real subprocess on a test's data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

VANTAGE = Path(sys.executable).with_name("vantage")


def cli_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without the caller's VANTAGE_* settings, pointing at ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    env["VANTAGE_HOME"] = str(home)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def vantage(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``vantage ARGS`` on the data directory ``home``."""
    return subprocess.run(
        [str(VANTAGE), *args],
        env=cli_env(home),
        cwd=home.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def ok_json(home: Path, *args: str) -> Any:
    """Run ``vantage ARGS --json``, require success, return the parsed output."""
    done = vantage(home, *args, "--json")
    assert done.returncode == 0, f"vantage {' '.join(args)} failed:\n{done.stderr}"
    return json.loads(done.stdout)
