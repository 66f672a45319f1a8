"""Rendering helpers: rich tables for people, JSON for scripts, friendly errors."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ParamSpec, TypeVar

import orjson
import typer
from rich.console import Console
from rich.table import Table

from vantage.core.errors import VantageError

P = ParamSpec("P")
R = TypeVar("R")


def console() -> Console:
    """The console for human-readable output (stdout)."""
    return Console(highlight=False, soft_wrap=True)


def error_console() -> Console:
    """The console for errors (stderr)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    """Write data as indented JSON to stdout (for scripts: ``--json``)."""
    sys.stdout.write(
        orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n"
    )


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Print a readable table."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console().print(table)


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`VantageError` into a red message with its fix and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except VantageError as exc:
            err = error_console()
            err.print(f"[bold red]Error:[/] {exc.message}")
            if exc.fix:
                err.print(f"[yellow]Fix:[/] {exc.fix}")
            raise typer.Exit(1) from exc

    return wrapper
