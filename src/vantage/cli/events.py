"""``vantage events``: count, tail and failed events, compaction."""

from __future__ import annotations

from typing import Annotated

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.services import events as event_service
from vantage.services.context import ServiceContext

app = typer.Typer(help="Inspect stored and rejected events.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="How many to show.")]
SourceOption = Annotated[str | None, typer.Option("--source", "-s", help="Only this source.")]


@app.command("count")
@friendly_errors
def count_command(as_json: JsonOption = False) -> None:
    """Print the number of stored events (and of rejected ones with --json)."""
    counts = event_service.count(ServiceContext())
    if as_json:
        print_json({"stored": counts.stored, "failed": counts.failed})
    else:
        console().print(counts.stored)


@app.command("tail")
@friendly_errors
def tail_command(
    limit: LimitOption = 10, source: SourceOption = None, as_json: JsonOption = False
) -> None:
    """Show the newest events still in the log (not yet compacted), newest first."""
    rows = event_service.tail(ServiceContext(), limit, source)
    if as_json:
        print_json(rows)
        return
    print_table(
        "Newest events",
        ["seq", "source", "type", "event", "user / anonymous id", "received at"],
        (
            (
                r["seq"],
                r["source"],
                r["message"].get("type"),
                r["message"].get("event") or r["message"].get("name"),
                r["message"].get("userId") or r["message"].get("anonymousId"),
                r["received_at"],
            )
            for r in rows
        ),
    )


@app.command("failed")
@friendly_errors
def failed_command(
    limit: LimitOption = 20, source: SourceOption = None, as_json: JsonOption = False
) -> None:
    """Show rejected events with the field at fault and the reason, newest first."""
    rows = event_service.failed(ServiceContext(), limit, source)
    if as_json:
        print_json(rows)
        return
    print_table(
        "Failed events",
        ["id", "source", "field", "reason", "received at"],
        ((r["id"], r["source"], r["field"], r["reason"], r["received_at"]) for r in rows),
    )


@app.command("compact")
@friendly_errors
def compact_command(as_json: JsonOption = False) -> None:
    """Compact the event log into Parquet, load new events into the warehouse, record consent."""
    result = event_service.compact_and_sync(ServiceContext())
    if as_json:
        print_json(result)
    else:
        c, s = result["compaction"], result["sync"]
        console().print(
            f"Compacted {c['rows']} events into {c['files']} Parquet files; "
            f"loaded {s['inserted']} events into the warehouse; "
            f"recorded {result['consent_decisions']} consent decisions."
        )


@app.command("violations")
@friendly_errors
def violations_command(
    limit: LimitOption = 20, source: SourceOption = None, as_json: JsonOption = False
) -> None:
    """Show tracking-plan violations (recorded whatever the plan's policy), newest first."""
    rows = event_service.violations(ServiceContext(), limit, source)
    if as_json:
        print_json(rows)
        return
    print_table(
        "Tracking-plan violations",
        ["source", "message id", "violation"],
        ((r.get("source"), r.get("message_id"), r.get("violation")) for r in rows),
    )
