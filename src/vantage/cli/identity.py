"""``vantage identity``: resolve identities, match records, review uncertain matches."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.services.context import ServiceContext

app = typer.Typer(help="Identity resolution: one customer per person.", no_args_is_help=True)
review_app = typer.Typer(help="Uncertain probabilistic matches waiting for a person.")
app.add_typer(review_app, name="review")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command("rebuild")
@friendly_errors
def rebuild_command(as_json: JsonOption = False) -> None:
    """Resolve every identity from scratch from the lake and publish identity_map."""
    from vantage.services import events as event_service
    from vantage.services import identity as identity_service

    ctx = ServiceContext()
    event_service.compact_and_sync(ctx)
    report = identity_service.rebuild(ctx)
    if as_json:
        print_json(report.as_dict())
        return
    console().print(
        f"{report.events:,} events: {report.identifiers:,} identifiers became "
        f"{report.customers:,} customers ({report.seconds:.1f} s)."
    )


@app.command("match")
@friendly_errors
def match_command(
    upper: Annotated[float, typer.Option(help="Link pairs at or above this probability.")] = 0.95,
    lower: Annotated[float, typer.Option(help="Queue pairs at or above this for review.")] = 0.5,
    review_only: Annotated[
        bool, typer.Option("--review-only", help="Link nothing automatically; queue all pairs.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Find profiles that share no key but describe one person (Splink) and link them."""
    from vantage.services import events as event_service
    from vantage.services import identity as identity_service

    ctx = ServiceContext()
    event_service.compact_and_sync(ctx)
    report = identity_service.match(ctx, upper=upper, lower=lower, auto_accept=not review_only)
    if as_json:
        print_json(report.as_dict())
        return
    console().print(
        f"{report.records:,} profiles compared: {report.match_events:,} linked, "
        f"{report.queued_for_review:,} queued for review; customers "
        f"{report.customers_before:,} -> {report.customers_after:,}."
    )


@review_app.command("list")
@friendly_errors
def review_list_command(as_json: JsonOption = False) -> None:
    """Pairs waiting for a decision, most probable first."""
    from vantage.services import identity as identity_service

    rows = identity_service.review_pending(ServiceContext())
    if as_json:
        print_json(rows)
        return
    print_table(
        "Matches to review",
        ["left", "right", "probability"],
        ((r["left_id"], r["right_id"], f"{r['match_probability']:.3f}") for r in rows),
    )


def _decide(left: str, right: str, accept: bool, by: str | None, as_json: bool) -> None:
    from vantage.services import identity as identity_service

    report = identity_service.review_decide(
        ServiceContext(), left, right, accept=accept, by=by or getpass.getuser()
    )
    if as_json:
        print_json(report.as_dict())
    else:
        console().print(
            f"Recorded; customers {report.customers_before:,} -> {report.customers_after:,}."
        )


@review_app.command("accept")
@friendly_errors
def accept_command(
    left: Annotated[str, typer.Argument(help="Left customer id of the pair.")],
    right: Annotated[str, typer.Argument(help="Right customer id of the pair.")],
    by: Annotated[str | None, typer.Option(help="Reviewer name (default: your login).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Accept a pair: the two profiles are linked now, and the thresholds learn from it."""
    _decide(left, right, True, by, as_json)


@review_app.command("reject")
@friendly_errors
def reject_command(
    left: Annotated[str, typer.Argument(help="Left customer id of the pair.")],
    right: Annotated[str, typer.Argument(help="Right customer id of the pair.")],
    by: Annotated[str | None, typer.Option(help="Reviewer name (default: your login).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Reject a pair: it is never linked or queued again, and the thresholds learn from it."""
    _decide(left, right, False, by, as_json)
