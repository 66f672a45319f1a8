"""Run every benchmark and rewrite the results tables in benchmarks/README.md.

Each module in this package with a ``main`` function is a benchmark; ``--only NAME`` runs one.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

_NOT_BENCHMARKS = {"report", "__main__"}


def discover() -> dict[str, Callable[..., object]]:
    """Find the benchmark modules (those with a ``main`` function), sorted by name."""
    found: dict[str, Callable[..., object]] = {}
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
        if info.ispkg or info.name in _NOT_BENCHMARKS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        entry = getattr(module, "main", None)
        if callable(entry):
            found[info.name] = entry
    return found


def main() -> None:
    """Parse arguments and run the chosen benchmarks."""
    benchmarks = discover()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15, help="Duration of each load run.")
    parser.add_argument("--only", choices=sorted(benchmarks), default=None, help="Run one.")
    args = parser.parse_args()
    for name, entry in benchmarks.items():
        if args.only not in (None, name):
            continue
        if "seconds" in inspect.signature(entry).parameters:
            entry(seconds=args.seconds)
        else:
            entry()


if __name__ == "__main__":
    main()
