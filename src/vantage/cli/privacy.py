"""``vantage privacy``: GDPR export and erase, and the audit log of both.

A person is named by a customer id (``cus_...``), by ``type:value`` (``email:ann@example.com``)
or by one of ``--email``/``--phone``/``--user-id``/``--anonymous-id``. Output never shows the
person's identifier values, except in the export file, which is written with mode 0600.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.services.context import ServiceContext

app = typer.Typer(
    help="GDPR requests: export or erase everything about a person.", no_args_is_help=True
)

PersonArg = Annotated[
    str | None,
    typer.Argument(help="Customer id (cus_...) or an identifier as type:value (email:ann@x.com)."),
]
EmailOpt = Annotated[str | None, typer.Option(help="Name the person by e-mail.")]
PhoneOpt = Annotated[str | None, typer.Option(help="Name the person by phone number.")]
UserOpt = Annotated[str | None, typer.Option(help="Name the person by user id.")]
AnonOpt = Annotated[str | None, typer.Option(help="Name the person by device or cookie id.")]


def _target(
    person: str | None,
    email: str | None,
    phone: str | None,
    user_id: str | None,
    anonymous_id: str | None,
) -> str:
    given = {"email": email, "phone": phone, "user_id": user_id, "anonymous_id": anonymous_id}
    options = [f"{kind}:{value}" for kind, value in given.items() if value is not None]
    if (person is None) == (not options) or len(options) > 1:
        raise typer.BadParameter(
            "name the person once: a customer id, type:value, or one of "
            "--email/--phone/--user-id/--anonymous-id"
        )
    return person if person is not None else options[0]


@app.command("export")
@friendly_errors
def export_command(
    person: PersonArg = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    user_id: UserOpt = None,
    anonymous_id: AnonOpt = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", help="File to write ('-' for stdout); ./vantage-export-<id>.json."
        ),
    ] = None,
) -> None:
    """Export everything about a person as JSON: identifiers, traits, consent, events."""
    from vantage.services import privacy

    target = _target(person, email, phone, user_id, anonymous_id)
    document = privacy.export_person(ServiceContext().settings, target)
    data = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n"
    if output == "-":
        sys.stdout.write(data.decode())
        return
    path = Path(output or f"vantage-export-{document['customer_id'] or 'person'}.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    console().print(
        f"Wrote {len(document['events'])} events, {len(document['identifiers'])} identifiers "
        f"and {len(document['failed_events'])} failed events to {path}."
    )


@app.command("erase")
@friendly_errors
def erase_command(
    person: PersonArg = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    user_id: UserOpt = None,
    anonymous_id: AnonOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Erase a person from the lake, the warehouse and derived state, and suppress them."""
    from vantage.services import privacy

    target = _target(person, email, phone, user_id, anonymous_id)
    settings = ServiceContext().settings
    if not yes:
        found = privacy.find_person(settings, target)
        kinds = ", ".join(sorted({i.type for i in found.identifiers})) or "none"
        who = found.customer_id or "a person unknown to the identity map"
        typer.confirm(
            f"Erase {who} ({len(found.identifiers)} identifiers: {kinds}) for good?", abort=True
        )
    result = privacy.erase_person(settings, target)
    if as_json:
        print_json(result.as_dict())
        return
    counts = result.counts
    out = console()
    out.print(
        f"Erased {result.customer_id or 'the person'}: {counts['events']} events, "
        f"{counts['failed_events']} failed events, "
        f"{sum(counts['warehouse_rows'].values())} warehouse rows; "
        f"{counts['identifiers']} identifiers suppressed."
    )
    for name in result.leftover_files:
        out.print(f"[yellow]Warning:[/] {name} still mentions the person; check it by hand.")


@app.command("audit")
@friendly_errors
def audit_command(
    limit: Annotated[int, typer.Option(min=1, help="Newest entries to show.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List privacy operations: who ran what, when, on which (hashed) identifiers."""
    from vantage.services import privacy

    entries = privacy.audit_entries(ServiceContext().settings, limit)
    if as_json:
        print_json([e.as_dict() for e in entries])
        return
    rows = [
        (
            e.id,
            e.at.isoformat(timespec="seconds"),
            e.actor,
            e.operation,
            " ".join(e.subject),
            orjson.dumps(e.counts).decode(),
        )
        for e in entries
    ]
    print_table("Privacy audit log", ["id", "when", "who", "operation", "subject", "counts"], rows)
