"""``vantage sources``: add, list, keys, enable, disable, plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.services import sources as source_service
from vantage.services.context import ServiceContext

app = typer.Typer(help="Manage sources and their write keys.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
NameArgument = Annotated[str, typer.Argument(help="Source name, e.g. web, app, crm, pos.")]


@app.command("add")
@friendly_errors
def add_command(name: NameArgument, as_json: JsonOption = False) -> None:
    """Create a source; with --json, print it with its new write key."""
    source = source_service.add(ServiceContext(), name)
    if as_json:
        print_json({**source.public(), "write_key": source.write_key})
    else:
        console().print(
            f"Created source [bold]{source.name}[/]. "
            f"Show its write key with `vantage sources keys {source.name}`."
        )


@app.command("list")
@friendly_errors
def list_command(as_json: JsonOption = False) -> None:
    """List sources (without their keys)."""
    sources = source_service.listing(ServiceContext())
    if as_json:
        print_json([s.public() for s in sources])
        return
    print_table(
        "Sources",
        ["name", "enabled", "tracking plan"],
        (
            (s.name, "yes" if s.enabled else "no", "yes" if s.tracking_plan else "-")
            for s in sources
        ),
    )


@app.command("keys")
@friendly_errors
def keys_command(
    name: Annotated[str | None, typer.Argument(help="Only this source.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show write keys (secret: clients send them as the HTTP Basic user)."""
    sources = source_service.keys(ServiceContext(), name)
    if as_json:
        print_json([{"name": s.name, "write_key": s.write_key} for s in sources])
        return
    print_table("Write keys", ["name", "write key"], ((s.name, s.write_key) for s in sources))


@app.command("enable")
@friendly_errors
def enable_command(name: NameArgument) -> None:
    """Accept events from a source again."""
    source_service.set_enabled(ServiceContext(), name, True)
    console().print(f"Source {name} enabled.")


@app.command("disable")
@friendly_errors
def disable_command(name: NameArgument) -> None:
    """Refuse events from a source (HTTP 403) without deleting anything."""
    source_service.set_enabled(ServiceContext(), name, False)
    console().print(f"Source {name} disabled.")


@app.command("plan")
@friendly_errors
def plan_command(
    name: NameArgument,
    plan_file: Annotated[
        Path | None, typer.Argument(help="JSON or YAML tracking plan; omit with --remove.")
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the source's plan.")] = False,
) -> None:
    """Attach a tracking plan (JSON Schema per event, policy) to a source."""
    if plan_file is None and not remove:
        raise typer.BadParameter("give a plan file, or --remove to drop the current plan")
    source_service.set_plan(ServiceContext(), name, None if remove else plan_file)
    console().print(f"Tracking plan of {name} {'removed' if remove else 'set'}.")
