"""Progress bars and step printing for long commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from vantage.cli.output import error_console


@contextmanager
def progress_bar(
    description: str, *, quiet: bool = False
) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar on stderr; yields ``on_progress(done, total)``."""
    if quiet:
        yield lambda _done, _total: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=error_console(),
        transient=False,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def step_printer(*, quiet: bool = False) -> Callable[[str, str], None]:
    """Print one line per pipeline step (``name``, ``message``) on stderr."""
    err = error_console()

    def show(name: str, message: str) -> None:
        if quiet:
            return
        if message == "...":
            err.print(f"[dim]{name:>16} running[/]")
        else:
            err.print(f"[bold cyan]{name:>16}[/] {message}")

    return show
