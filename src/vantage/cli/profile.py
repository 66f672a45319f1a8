"""``vantage profile``: the single customer view from the command line."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.services.context import ServiceContext

app = typer.Typer(
    help="Look at customer profiles (the single customer view).", no_args_is_help=True
)


@app.command("show")
@friendly_errors
def show_command(
    customer_id: Annotated[str | None, typer.Argument(help="Customer id.")] = None,
    email: Annotated[str | None, typer.Option(help="Find the customer by e-mail.")] = None,
    phone: Annotated[str | None, typer.Option(help="Find the customer by phone.")] = None,
    user_id: Annotated[str | None, typer.Option(help="Find the customer by user id.")] = None,
    anonymous_id: Annotated[
        str | None, typer.Option(help="Find the customer by device or cookie id.")
    ] = None,
    events: Annotated[int, typer.Option(min=0, help="Newest events to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show a profile: identifiers, traits with their sources, computed traits, newest events."""
    lookups = {
        k: v
        for k, v in {
            "email": email,
            "phone": phone,
            "user_id": user_id,
            "anonymous_id": anonymous_id,
        }.items()
        if v
    }
    if (customer_id is None) == (not lookups) or len(lookups) > 1:
        raise typer.BadParameter(
            "give a customer id or exactly one of --email/--phone/--user-id/--anonymous-id"
        )
    from vantage.services import profiles as profile_service
    from vantage.services.warehouse import open_warehouse

    with open_warehouse(ServiceContext().settings) as store:
        if customer_id is None:
            [(kind, value)] = lookups.items()
            customer_id = profile_service.find_customer(store, kind, value)
        view = profile_service.profile(store, customer_id)
        recent = profile_service.timeline(store, customer_id, limit=events) if events else None
    if as_json:
        print_json({**view, "events": recent["events"] if recent else []})
        return
    _render(view, recent)


def _render(view: dict[str, Any], recent: dict[str, Any] | None) -> None:
    console().print(f"[bold]Customer {view['customer_id']}[/]")
    print_table(
        "Identifiers",
        ["type", "value", "since", "why"],
        (
            (i["id_type"], i["id_value"], i.get("since"), i.get("reason"))
            for i in view["identifiers"]
        ),
    )
    print_table(
        "Traits",
        ["trait", "value", "source", "updated"],
        ((k, t["value"], t["source"], t["updated_at"]) for k, t in sorted(view["traits"].items())),
    )
    print_table("Computed traits", ["trait", "value"], sorted(view["computed_traits"].items()))
    if recent:
        print_table(
            "Newest events",
            ["seq", "time", "source", "type", "event"],
            (
                (e["seq"], e["timestamp"], e["source"], e["type"], e["event"])
                for e in recent["events"]
            ),
        )
