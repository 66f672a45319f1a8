"""``vantage destinations``, ``vantage triggers`` and ``vantage nba``: activation from the shell.

Definitions come from a YAML/JSON file or from options; a running ``vantage serve`` picks up
changes within a second.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.core.errors import ConfigError
from vantage.services.context import ServiceContext

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
FileArgument = Annotated[
    Path | None, typer.Argument(help="YAML or JSON definition (or use the options).")
]
ReplaceOption = Annotated[bool, typer.Option("--replace", help="Replace one of the same name.")]

destinations_app = typer.Typer(
    help="Where activation sends: webhooks, files, ad customer lists.", no_args_is_help=True
)
triggers_app = typer.Typer(
    help="When to send: segment entered/exited or an event matching conditions.",
    no_args_is_help=True,
)
nba_app = typer.Typer(help="Next best action: decide, record outcomes, lift report.")


def register(app: typer.Typer) -> None:
    """Add the ``destinations``, ``triggers`` and ``nba`` command groups to ``app``."""
    app.add_typer(destinations_app, name="destinations")
    app.add_typer(triggers_app, name="triggers")
    app.add_typer(nba_app, name="nba")


def _definition(file: Path | None, options: dict[str, Any], what: str) -> Path | dict[str, Any]:
    if file is not None:
        if not file.is_file():
            raise ConfigError(f"No {what} file {file}.", "Check the path.")
        return file
    given = {k: v for k, v in options.items() if v is not None}
    if "name" not in given:
        raise ConfigError(
            f"Give a {what} file or at least --name.",
            f"Run `vantage {what}s add --help` for the options.",
        )
    return given


def _when(stamp: float | None) -> str:
    return "" if stamp is None else datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d %H:%M:%S")


@destinations_app.command("add")
@friendly_errors
def add_destination(
    file: FileArgument = None,
    name: Annotated[str | None, typer.Option(help="Unique name.")] = None,
    kind: Annotated[str, typer.Option(help="webhook, file or ads.")] = "webhook",
    purpose: Annotated[str | None, typer.Option(help="Consent purpose it serves.")] = None,
    url: Annotated[str | None, typer.Option(help="Webhook URL.")] = None,
    folder: Annotated[str | None, typer.Option(help="Folder for files / lists.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="csv or parquet.")] = None,
    platform: Annotated[str | None, typer.Option(help="Ads: google or meta.")] = None,
    replace: ReplaceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Add a destination; a webhook's signing secret is printed once."""
    from vantage.services import activation

    options = {"name": name, "kind": kind, "purpose": purpose, "url": url, "folder": folder}
    options |= {"format": fmt, "platform": platform}
    found = activation.add_destination(
        ServiceContext(), _definition(file, options, "destination"), replace=replace
    )
    if as_json:
        print_json(found)
        return
    out = console()
    out.print(f"Added destination [bold]{found['name']}[/] ({found['kind']}, {found['purpose']}).")
    if found.get("secret"):
        out.print(f"Signing secret (give it to the receiver, shown once): {found['secret']}")


@destinations_app.command("list")
@friendly_errors
def list_destinations(as_json: JsonOption = False) -> None:
    """List destinations with their deliveries per status."""
    from vantage.services import activation

    found = activation.list_destinations(ServiceContext())
    if as_json:
        print_json(found)
        return
    print_table(
        "Destinations",
        ["name", "kind", "purpose", "target", "sent", "pending", "dead", "blocked"],
        (
            (
                d["name"],
                d["kind"],
                d["purpose"],
                d.get("url") or d.get("folder"),
                *(d["deliveries"].get(s, 0) for s in ("sent", "pending", "dead", "blocked")),
            )
            for d in found
        ),
    )


@destinations_app.command("test")
@friendly_errors
def test_destination(
    name: Annotated[str, typer.Argument(help="The destination.")], as_json: JsonOption = False
) -> None:
    """Send one test record now and show the result."""
    from vantage.services import activation

    result = activation.test_destination(ServiceContext(), name)
    if as_json:
        print_json(result)
        return
    verdict = "[green]delivered[/]" if result["ok"] else f"[red]failed[/]: {result['error']}"
    where = f" to {result['file']}" if result["file"] else ""
    console().print(f"{name}: {verdict}{where} in {result['latency_ms']:.0f} ms.")
    if not result["ok"]:
        raise typer.Exit(1)


@destinations_app.command("remove")
@friendly_errors
def remove_destination(name: Annotated[str, typer.Argument(help="The destination.")]) -> None:
    """Remove a destination (remove its triggers first)."""
    from vantage.services import activation

    activation.remove_destination(ServiceContext(), name)
    console().print(f"Removed destination {name}.")


@destinations_app.command("deliveries")
@friendly_errors
def deliveries(
    name: Annotated[str | None, typer.Argument(help="Only this destination.")] = None,
    status: Annotated[str | None, typer.Option(help="sent, pending, dead or blocked.")] = None,
    limit: Annotated[int, typer.Option(help="Most rows.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """The audit: what was sent where and when (and what consent blocked)."""
    from vantage.services import activation

    rows = activation.deliveries(ServiceContext(), destination=name, status=status, limit=limit)
    if as_json:
        print_json([r.public() for r in rows])
        return
    print_table(
        "Deliveries, newest first",
        ["created", "destination", "trigger", "customer", "status", "tries", "error"],
        (
            (
                _when(r.created_at),
                r.destination,
                r.trigger or "",
                r.customer_id,
                r.status,
                r.attempts,
                (r.last_error or "")[:60],
            )
            for r in rows
        ),
    )


@destinations_app.command("retry")
@friendly_errors
def retry(name: Annotated[str, typer.Argument(help="The destination.")]) -> None:
    """Re-queue a destination's dead letters (a running server sends them)."""
    from vantage.services import activation

    count = activation.retry_dead(ServiceContext(), name)
    console().print(f"Re-queued {count} dead letter(s) of {name}.")


@destinations_app.command("export")
@friendly_errors
def export(
    name: Annotated[str, typer.Argument(help="A file or ads destination.")],
    customers: Annotated[
        Path, typer.Option(help="Text file with one customer_id per line.", exists=True)
    ],
    as_json: JsonOption = False,
) -> None:
    """Export customers to a file or ad list (customers without consent are left out)."""
    from vantage.services import activation

    ids = [line.strip() for line in customers.read_text().splitlines() if line.strip()]
    result = activation.export_audience(ServiceContext(), name, ids)
    if as_json:
        print_json(result)
        return
    console().print(
        f"Exported {result['exported']:,} customer(s) to {result['file']}; "
        f"{result['blocked']:,} left out for lack of consent ({name})."
    )


@triggers_app.command("add")
@friendly_errors
def add_trigger(
    file: FileArgument = None,
    name: Annotated[str | None, typer.Option(help="Unique name.")] = None,
    destination: Annotated[str | None, typer.Option(help="Where to send.")] = None,
    segment: Annotated[str | None, typer.Option(help="On entering this segment.")] = None,
    exited: Annotated[bool, typer.Option("--exited", help="On leaving it instead.")] = False,
    event: Annotated[str | None, typer.Option(help="On this track event.")] = None,
    delay: Annotated[str | None, typer.Option(help="Wait first, e.g. 10m.")] = None,
    replace: ReplaceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Add a trigger (frequency caps and quiet hours: use a YAML file)."""
    from vantage.services import activation

    when: dict[str, Any] | None = None
    if segment is not None:
        when = {"segment": segment, "change": "exited" if exited else "entered"}
    elif event is not None:
        when = {"event": event}
    options = {"name": name, "destination": destination, "when": when, "delay": delay}
    spec = activation.add_trigger(
        ServiceContext(), _definition(file, options, "trigger"), replace=replace
    )
    if as_json:
        print_json(spec.model_dump(mode="json"))
        return
    console().print(f"Added trigger [bold]{spec.name}[/] -> {spec.destination}.")


@triggers_app.command("list")
@friendly_errors
def list_triggers(as_json: JsonOption = False) -> None:
    """List triggers."""
    from vantage.services import activation

    found = activation.list_triggers(ServiceContext())
    if as_json:
        print_json([t.model_dump(mode="json") for t in found])
        return
    print_table(
        "Triggers",
        ["name", "when", "destination", "delay (s)", "cap", "quiet hours", "enabled"],
        (
            (
                t.name,
                t.when.model_dump_json(),
                t.destination,
                f"{t.delay:g}",
                f"{t.frequency_cap.max} per {t.frequency_cap.per:g} s" if t.frequency_cap else "",
                f"{t.quiet_hours.start}-{t.quiet_hours.end} {t.quiet_hours.timezone}"
                if t.quiet_hours
                else "",
                "yes" if t.enabled else "no",
            )
            for t in found
        ),
    )


@triggers_app.command("remove")
@friendly_errors
def remove_trigger(name: Annotated[str, typer.Argument(help="The trigger.")]) -> None:
    """Remove a trigger."""
    from vantage.services import activation

    activation.remove_trigger(ServiceContext(), name)
    console().print(f"Removed trigger {name}.")


@nba_app.command("decide")
@friendly_errors
def decide(
    customer_id: Annotated[str, typer.Argument(help="The customer.")],
    log: Annotated[bool, typer.Option("--log/--preview", help="Log the decision.")] = True,
    as_json: JsonOption = False,
) -> None:
    """The customer's next best action, ranked by expected value (logged)."""
    from vantage.services import activation_nba

    found = activation_nba.next_best_action(ServiceContext(), customer_id, log=log)
    if as_json:
        print_json(found)
        return
    out = console()
    chosen = found["action"] or found["would_have_been"]
    if found["group"] == "control":
        out.print(f"{customer_id} is in the control group: no action (decision logged).")
    elif chosen is None:
        out.print(f"No action is worth giving to {customer_id}.")
    else:
        out.print(f"Next best action for {customer_id}: [bold]{chosen['action']}[/].")
        message = chosen.get("message")
        if message:
            subject = f"{message['subject']}: " if message.get("subject") else ""
            out.print(f"  {message['channel']} message: {subject}{message['text']}", markup=False)
    print_table(
        "Eligible actions",
        ["action", "kind", "probability", "expected value", "basis"],
        (
            (
                r["action"],
                r["kind"],
                f"{r['probability']:.3f}",
                f"{r['expected_value']:.2f}",
                r["basis"],
            )
            for r in found["ranked"]
        ),
    )
    for action, reason in found["ineligible"].items():
        out.print(f"  not eligible: {action} ({reason})")


@nba_app.command("outcome")
@friendly_errors
def outcome(
    decision_id: Annotated[str, typer.Argument(help="From `vantage nba decide`.")],
    converted: Annotated[bool, typer.Option("--converted/--not-converted")] = True,
    value: Annotated[float | None, typer.Option(help="E.g. the order's revenue.")] = None,
) -> None:
    """Record a decision's outcome by hand (goal events arriving live are recorded anyway)."""
    from vantage.services import activation_nba

    activation_nba.record_outcome(ServiceContext(), decision_id, converted=converted, value=value)
    console().print(f"Recorded the outcome of {decision_id}.")


@nba_app.command("report")
@friendly_errors
def report(as_json: JsonOption = False) -> None:
    """Lift of treatment over the control group, with 95% confidence intervals."""
    from vantage.services import activation_nba

    rows = [r.public() for r in activation_nba.report(ServiceContext())]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console().print("No decision has a known outcome yet.")
        return

    def pct(value: float | None) -> str:
        return "" if value is None else f"{value:.2%}"

    print_table(
        "Next best action: treatment vs control",
        ["action", "treated", "rate", "control", "rate", "lift", "95% CI", "p"],
        (
            (
                r["action"],
                f"{r['treated']:,}",
                pct(r["treated_rate"]),
                f"{r['control']:,}",
                pct(r["control_rate"]),
                pct(r["lift"]),
                "" if r["ci_low"] is None else f"[{r['ci_low']:+.2%}, {r['ci_high']:+.2%}]",
                "" if r["p_value"] is None else f"{r['p_value']:.3g}",
            )
            for r in rows
        ),
    )
