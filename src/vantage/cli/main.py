"""``vantage``: collect, unify and act on customer data. Run ``vantage --help``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vantage.cli import activate as activate_cli
from vantage.cli import analytics as analytics_cli
from vantage.cli import assistant as assistant_cli
from vantage.cli import datasets as datasets_cli
from vantage.cli import events as events_cli
from vantage.cli import forecast as forecast_cli
from vantage.cli import genai as genai_cli
from vantage.cli import identity as identity_cli
from vantage.cli import marketing as marketing_cli
from vantage.cli import nlp_documents as nlp_documents_cli
from vantage.cli import nlp_text as nlp_text_cli
from vantage.cli import privacy as privacy_cli
from vantage.cli import profile as profile_cli
from vantage.cli import recommend as recommend_cli
from vantage.cli import segments as segments_cli
from vantage.cli import sources as sources_cli
from vantage.cli import users as users_cli
from vantage.cli import vision as vision_cli
from vantage.cli.output import console, friendly_errors, print_json
from vantage.services.context import ServiceContext

app = typer.Typer(
    name="vantage",
    help=(
        "Vantage: an open-source customer-data and applied-AI platform.\n\n"
        "Settings come from VANTAGE_* environment variables and ./vantage.toml "
        "(VANTAGE_HOME is the data directory, default ./.vantage)."
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(events_cli.app, name="events")
app.add_typer(sources_cli.app, name="sources")
app.add_typer(users_cli.app, name="users")
app.add_typer(datasets_cli.app, name="datasets")
app.add_typer(profile_cli.app, name="profile")
app.add_typer(identity_cli.app, name="identity")
app.add_typer(privacy_cli.app, name="privacy")
nlp_app = typer.Typer(
    help="Language: sentiment, classification, entities, receipts, trends, speech to text.",
    no_args_is_help=True,
)
app.add_typer(nlp_app, name="nlp")
nlp_text_cli.register(nlp_app)
nlp_documents_cli.register(nlp_app)
for _module in (forecast_cli, vision_cli, marketing_cli, analytics_cli, recommend_cli):
    _module.register(app)
genai_cli.register(app)
segments_cli.register(app)
activate_cli.register(app)
assistant_cli.register(app)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command("init")
@friendly_errors
def init_command(as_json: JsonOption = False) -> None:
    """Create the data directory and generate its secrets (admin token)."""
    ctx = ServiceContext()
    _, created = ctx.workspace.init()
    ctx.log.count()
    ctx.sources.list()
    home = ctx.workspace.home.resolve()
    if as_json:
        print_json({"home": str(home), "created": created})
        return
    verb = "Initialised" if created else "Already initialised:"
    console().print(f"{verb} {home}. Secrets are in {ctx.workspace.secrets_path} (mode 0600).")


@app.command("serve")
@friendly_errors
def serve_command(
    host: Annotated[str | None, typer.Option(help="Address to bind (VANTAGE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind (VANTAGE_PORT).")] = None,
) -> None:
    """Run the collection API; a background process compacts the lake and syncs the warehouse."""
    from vantage.api.server import serve

    settings = ServiceContext().settings
    serve(settings, host or settings.host, port if port is not None else settings.port)


@app.command("ingest")
@friendly_errors
def ingest_command(
    file: Annotated[str, typer.Argument(help="CSV, Parquet or JSONL file, or a SQLAlchemy URL.")],
    source: Annotated[
        str | None,
        typer.Option("--source", "-s", help="Source name to record (default: the mapping's)."),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="YAML mapping of columns to fields.")
    ] = None,
    table: Annotated[str | None, typer.Option(help="Table to read from a SQL database.")] = None,
    query: Annotated[str | None, typer.Option(help="SQL query to read from a database.")] = None,
    rejected_csv: Annotated[
        Path | None, typer.Option(help="Also write rejected rows with reasons to this CSV.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import a file or a database table through the same write path as the API."""
    from vantage.cli.progress import progress_bar
    from vantage.services import ingest as ingest_service

    with progress_bar(f"Importing {file}", quiet=as_json) as on_progress:
        report = ingest_service.ingest(
            ServiceContext(),
            file,
            source=source,
            mapping_path=mapping,
            table=table,
            query=query,
            rejected_csv=rejected_csv,
            on_progress=on_progress,
        )
    summary = ingest_service.report_dict(report)
    if as_json:
        print_json(summary)
        return
    console().print(
        f"{summary['rows']} rows: {summary['stored']} stored, {summary['duplicates']} duplicates, "
        f"{summary['rejected']} rejected ({summary['rows_per_s']:.0f} rows/s)."
    )
    for example in summary["rejected_examples"][:5]:
        console().print(
            f"  [red]rejected[/] row {example['row']}: {example['field']}: {example['reason']}"
        )
    if summary["rejected"]:
        console().print("See all rejected rows with `vantage events failed`.")


@app.command("demo")
@friendly_errors
def demo_command(
    customers: Annotated[int, typer.Option(min=10, help="Customers to generate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed of the generator.")] = 42,
    as_json: JsonOption = False,
) -> None:
    """Generate a realistic retail workspace and ingest it through the real write paths."""
    from vantage.cli.embedded import collection_api
    from vantage.cli.progress import step_printer
    from vantage.services import demo as demo_service

    ctx = ServiceContext()
    ctx.workspace.init()
    # The demo compacts, syncs and resolves identities as steps of its own.
    with collection_api(ctx.settings, maintain=False) as api_url:
        report = demo_service.run_demo(
            ctx,
            customers=customers,
            seed=seed,
            api_url=api_url,
            on_step=step_printer(quiet=as_json),
        )
    from vantage.services.users import ensure_demo_admin

    username, password = ensure_demo_admin(ctx.settings.home)
    dashboard = f"http://{ctx.settings.host}:{ctx.settings.port}/ui/"
    if as_json:
        login = {"url": dashboard, "username": username, "password": password}
        print_json({**report.as_dict(), "dashboard": login})
    else:
        demo_service.render(report, console())
        console().print(
            f"Dashboard: start `vantage serve`, then open {dashboard}\n"
            f"Demo login: {username} / {password} "
            f"(kept in {ctx.settings.home}/demo-login.json, mode 0600)"
        )


def main() -> None:
    """Entry point of the ``vantage`` script."""
    app()
