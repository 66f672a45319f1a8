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
    print_table(
        "Enrichment",
        ["field", "value", "source"],
        ((k, e["value"], e["source"]) for k, e in sorted(view.get("enrichment", {}).items())),
    )
    if recent:
        print_table(
            "Newest events",
            ["seq", "time", "source", "type", "event"],
            (
                (e["seq"], e["timestamp"], e["source"], e["type"], e["event"])
                for e in recent["events"]
            ),
        )


@app.command("enrich")
@friendly_errors
def enrich_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Enrich every profile into the warehouse table profile_enrichment.

    Steps and the optional postcode/area reference table come from [profiles.enrichment] in
    vantage.toml (default: e-mail domain, phone, user agent, time zone and locale).
    """
    from vantage.cli.progress import progress_bar
    from vantage.services.enrichment import enrich_all

    with progress_bar("Enriching profiles", quiet=as_json) as advance:
        report = enrich_all(ServiceContext(), on_progress=advance)
    if as_json:
        print_json(report.as_dict())
        return
    console().print(
        f"Enriched {report.customers} customers with {report.fields} fields "
        f"in {report.seconds:.1f} s (table profile_enrichment)."
    )


@app.command("explain")
@friendly_errors
def explain_command(
    target: Annotated[str, typer.Argument(help="Customer id, or an identifier as type:value.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Why these identifiers belong together: each link's event, rule and time."""
    from vantage.services import identity as identity_service

    result = identity_service.explain(ServiceContext(), target)
    if as_json:
        print_json(result)
        return
    console().print(f"[bold]Customer {result['customer_id']}[/]")
    print_table(
        "Links",
        ["from", "to", "event", "rule", "status", "at"],
        (
            (
                e.get("a"),
                e.get("b"),
                e.get("message_id"),
                e.get("rule"),
                e.get("status"),
                e.get("at"),
            )
            for e in result.get("edges", [])
        ),
    )


@app.command("split")
@friendly_errors
def split_command(
    customer_id: Annotated[str, typer.Argument(help="The profile to split.")],
    identifier: Annotated[str, typer.Argument(help="Identifier to take out, as type:value.")],
    note: Annotated[str, typer.Option(help="Why (kept in the history).")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Undo a bad merge: take an identifier out of a profile and re-derive the profiles."""
    from vantage.services import identity as identity_service

    result = identity_service.split(ServiceContext(), customer_id, identifier, note)
    if as_json:
        print_json(result)
    else:
        console().print(
            f"Split {identifier.split(':', 1)[0]} out of {customer_id}; it now belongs to "
            f"{result['customer_of_identifier']}."
        )


def _ident(value: Any) -> str:
    if isinstance(value, dict):
        return f"{value.get('type')}:{value.get('value')}"
    return str(value)
