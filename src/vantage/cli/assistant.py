"""CLI commands: ``vantage assistant train|handoffs``, ``vantage chat``, ``vantage ask``."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.services.context import ServiceContext

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
app = typer.Typer(help="Customer-service assistant: train it, see hand-offs.", no_args_is_help=True)


@app.command("train")
@friendly_errors
def train_command(
    data: Annotated[
        Path | None, typer.Option("--data", help="Training YAML (default: the shipped data).")
    ] = None,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings/--no-embeddings", help="Use MiniLM sentence embeddings (slower)."
        ),
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Train the intent classifier (threshold tuned by cross-validation) and save it.

    Example: `vantage assistant train --data my_assistant.yml`. See docs/assistant.md.
    """
    from vantage.services import assistant as service

    ctx = ServiceContext()
    card = service.train(
        ctx.settings, data, encoder=service.DEFAULT_ENCODER if embeddings else None
    )
    if as_json:
        print_json(card)
        return
    model, base = card["metrics"]["model"], card["metrics"]["baseline"]
    print_table(
        f"Assistant {card['version']} ({card['rows']} examples, threshold "
        f"{card['params']['threshold']:.3f}; 5-fold cross-validation)",
        ["model", "in-scope accuracy", "out-of-scope recall"],
        [
            (card["estimator"], f"{model['in_scope_accuracy']:.3f}", f"{model['oos_recall']:.3f}"),
            (card["baseline"], f"{base['in_scope_accuracy']:.3f}", f"{base['oos_recall']:.3f}"),
        ],
    )


@app.command("handoffs")
@friendly_errors
def handoffs_command(
    status: Annotated[str, typer.Option(help="open, or all.")] = "open",
    as_json: JsonOption = False,
) -> None:
    """Conversations handed to a person, with their summaries."""
    from vantage.services import assistant as service

    items = service.handoffs(ServiceContext().settings, None if status == "all" else status)
    if as_json:
        print_json([h.as_dict() for h in items])
        return
    print_table(
        "Hand-offs",
        ["id", "session", "customer", "created", "summary"],
        [(h.id, h.session_id, h.customer_id or "-", h.created_at, h.summary) for h in items],
    )


@friendly_errors
def chat_command(
    session: Annotated[
        str | None, typer.Option(help="Conversation id (default: a new one).")
    ] = None,
    user_id: Annotated[
        str | None,
        typer.Option("--user-id", help="A user id you have verified (e.g. a signed-in customer)."),
    ] = None,
) -> None:
    """Talk to the customer-service assistant in the terminal (Ctrl-D or 'quit' ends).

    Without --user-id, account questions first ask for the e-mail and an order number that
    must match one profile.
    """
    from vantage.services import assistant as service

    ctx = ServiceContext()
    session_id = session or f"cli-{uuid.uuid4().hex[:8]}"
    out = console()
    out.print(f"[dim]Session {session_id}. Type 'quit' to stop.[/dim]")
    while True:
        out.print("[bold]you>[/bold] ", end="")
        line = sys.stdin.readline()
        if not line or line.strip().lower() in {"quit", "exit"}:
            break
        if not line.strip():
            continue
        reply = service.respond(ctx, session_id, line.strip(), verified_user_id=user_id)
        out.print(f"[bold cyan]assistant>[/bold cyan] {reply.text}")
        out.print(f"[dim]({reply.intent} {reply.confidence:.2f}, {reply.outcome})[/dim]")


def _show_table(result: dict[str, Any]) -> None:
    rows = result.get("rows", [])
    columns = list(rows[0]) if rows else list(result.get("columns", []))
    print_table(result.get("title", "Answer"), columns, [[r.get(c) for c in columns] for r in rows])


@friendly_errors
def ask_command(
    question: Annotated[str, typer.Argument(help="A question about the customers or sales.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Run without asking.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Ask the analyst's assistant: shows the segment definition or query, then runs it.

    Examples: `vantage ask "how many customers bought twice in the last 30 days but not since"`,
    `vantage ask "which segment has the highest churn risk"`. Read-only: nothing is saved.
    The grammar it understands is in docs/assistant.md.
    """
    from vantage.services import assistant_analyst as analyst

    ctx = ServiceContext()
    plan = analyst.plan(question, ctx.settings)
    if as_json and not yes:
        print_json(plan.as_dict())
        return
    if not as_json:
        console().print(f"[bold]{plan.kind}[/bold]: {plan.explanation}\n{plan.shown}")
        if not yes and not typer.confirm("Run it?", default=True):
            return
    result = analyst.run(ctx, plan)
    if as_json:
        print_json({**plan.as_dict(), "result": result})
    else:
        _show_table(result)


def register(main: typer.Typer) -> None:
    """Add ``vantage assistant``, ``vantage chat`` and ``vantage ask`` to the main app.

    Args:
        main: The ``vantage`` Typer app.
    """
    main.add_typer(app, name="assistant")
    main.command("chat")(chat_command)
    main.command("ask")(ask_command)
