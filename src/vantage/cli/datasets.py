"""``vantage datasets``: the registry of public data sets."""

from __future__ import annotations

from typing import Annotated

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.services import datasets as dataset_service
from vantage.services.context import ServiceContext

app = typer.Typer(
    help="Public data sets for evaluation (read from VANTAGE_DATA_MIRROR or downloaded).",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command("list")
@friendly_errors
def list_command(as_json: JsonOption = False) -> None:
    """List registered data sets and whether each is available locally."""
    rows = dataset_service.listing(ServiceContext())
    if as_json:
        print_json(rows)
        return
    print_table(
        "Data sets",
        ["name", "title", "licence", "available"],
        ((r["name"], r["title"], r["licence"], r["available"]) for r in rows),
    )


@app.command("fetch")
@friendly_errors
def fetch_command(
    name: Annotated[str, typer.Argument(help="Data set name (see `vantage datasets list`).")],
    as_json: JsonOption = False,
) -> None:
    """Fetch a data set into the cache, verifying every file's sha256."""
    path = dataset_service.fetch(ServiceContext(), name)
    if as_json:
        print_json({"name": name, "path": str(path)})
    else:
        console().print(f"{name}: verified, in {path}")
