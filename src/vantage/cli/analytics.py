"""CLI commands for customer analytics models: ``vantage train``, ``score``, ``models list``."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated, Any

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table

SOLUTION_HELP = "Solution: clv (lifetime value and churn risk) or propensity (buy in 30 days)."
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
models_app = typer.Typer(help="Trained models and their cards.", no_args_is_help=True)


def _metrics_rows(card: dict[str, Any]) -> list[list[str]]:
    names = card.get("metric_names", [])
    return [
        [model, *(f"{values.get(n, float('nan')):.4g}" for n in names)]
        for model, values in card.get("metrics", {}).items()
    ]


@friendly_errors
def train_command(
    solution: Annotated[str, typer.Argument(help=SOLUTION_HELP)],
    no_tracking: Annotated[
        bool, typer.Option("--no-tracking", help="Do not log the run to MLflow.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Train SOLUTION: evaluate on the latest held-out window against the baseline.

    Then refit on all data, save the model card and log the run to MLflow.
    """
    from vantage.core.settings import load_settings
    from vantage.services import analytics

    quiet = as_json
    note = (lambda _: None) if quiet else (lambda text: console().print(f"[dim]{text}[/dim]"))
    with console().status(f"Training {solution}...") if not quiet else nullcontext():
        card = analytics.train(load_settings(), solution, track=not no_tracking, progress=note)
    if as_json:
        print_json(card)
        return
    print_table(
        f"{card['name']} {card['version']}: {card['evaluation']}",
        ["model", *card.get("metric_names", [])],
        _metrics_rows(card),
    )
    for warning in card.get("warnings", []):
        console().print(f"[yellow]warning:[/yellow] {warning}")
    console().print(f"Model card: {card['path']}/card.md; MLflow run {card.get('run_id')}.")


@friendly_errors
def score_command(
    solution: Annotated[str, typer.Argument(help=SOLUTION_HELP)],
    as_json: JsonOption = False,
) -> None:
    """Score every customer with SOLUTION's latest model; write the warehouse predictions."""
    from vantage.core.settings import load_settings
    from vantage.services import analytics

    written = analytics.score(load_settings(), solution)
    if as_json:
        print_json(written)
        return
    for model, rows in written.items():
        console().print(f"{model}: {rows:,} predictions written.")


@models_app.command("list")
@friendly_errors
def list_command(as_json: JsonOption = False) -> None:
    """Trained models, newest first, with their headline held-out metric."""
    from vantage.core.settings import load_settings
    from vantage.services.models import list_models

    cards = list_models(load_settings())
    if as_json:
        print_json(
            [
                {
                    k: c.get(k)
                    for k in (
                        "name",
                        "version",
                        "solution",
                        "trained_at",
                        "as_of",
                        "run_id",
                        "metrics",
                    )
                }
                for c in cards
            ]
        )
        return
    rows = []
    for c in cards:
        metric = (c.get("metric_names") or ["-"])[0]
        best = c.get("params", {}).get("best", "lightgbm")
        value = c.get("metrics", {}).get(best, {}).get(metric)
        shown = f"{metric} {value:.4g}" if isinstance(value, float) else "-"
        rows.append([c["name"], c["version"], c["solution"], c["as_of"][:10], shown])
    print_table("Trained models", ["name", "version", "solution", "data up to", "held-out"], rows)


@models_app.command("show")
@friendly_errors
def show_command(
    name: Annotated[str, typer.Argument(help="Model name, e.g. clv_90d or propensity_30d.")],
    as_json: JsonOption = False,
) -> None:
    """Print a model's card (latest version)."""
    from vantage.core.settings import load_settings
    from vantage.services.models import card_markdown, get_card

    card = get_card(load_settings(), name)
    if as_json:
        print_json(card)
        return
    console().print(card_markdown(card), markup=False)


@models_app.command("explain")
@friendly_errors
def explain_command(
    customer_id: Annotated[str, typer.Argument(help="The customer_id to explain.")],
    k: Annotated[int, typer.Option(help="How many factors.")] = 3,
    as_json: JsonOption = False,
) -> None:
    """Why the propensity model scores CUSTOMER_ID as it does (SHAP top factors)."""
    from vantage.core.settings import load_settings
    from vantage.services import analytics

    found = analytics.top_factors(load_settings(), customer_id, k=k)
    if as_json:
        print_json(found)
        return
    print_table(
        f"{customer_id}: propensity to order in 30 days {found['score']:.1%}",
        ["feature", "value", "impact (log-odds)"],
        ([f["feature"], f["value"], f"{f['impact']:+.3f}"] for f in found["factors"]),
    )


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root ``vantage`` app.

    Args:
        app: The root Typer application.
    """
    app.command("train")(train_command)
    app.command("score")(score_command)
    app.add_typer(models_app, name="models")
