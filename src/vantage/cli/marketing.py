"""CLI commands for marketing measurement (attribution, marketing-mix modelling)."""

from __future__ import annotations

from typing import Annotated

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.cli.progress import progress_bar
from vantage.services.context import ServiceContext

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

mmm_app = typer.Typer(
    help="Marketing-mix model: fit adstock and saturation per channel on weekly spend and "
    "sales, then split a budget to maximise expected sales.",
    no_args_is_help=True,
)


@friendly_errors
def attribution_command(
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="Model(s) to run: first-touch, last-touch, linear, time-decay, "
            "position-based, markov, markov-2, markov-3, shapley (repeat; all by default).",
        ),
    ] = None,
    lookback_days: Annotated[
        float, typer.Option(help="Attribution window: touches this many days before a conversion.")
    ] = 30.0,
    no_identity: Annotated[
        bool,
        typer.Option("--no-identity", help="Attribute per device, without identity resolution."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Credit the workspace's conversions to channels, one column per attribution model.

    Journeys are each customer's ad clicks and e-mail opens (joined across devices through the
    identity map) up to an order; results are saved for the API.
    """
    from vantage.services import marketing

    report = marketing.run_attribution(
        ServiceContext(), model, lookback_days=lookback_days, resolve_identities=not no_identity
    )
    if as_json:
        print_json(report.as_dict())
        return
    table = report.table
    print_table(
        f"Conversions credited per channel ({report.converting_journeys:,} converting journeys "
        f"of {report.journeys:,}; {report.conversions_total:,} conversions in all)",
        ["channel", *table.columns],
        ([str(c), *(f"{v:,.1f}" for v in row)] for c, row in table.iterrows()),
    )


@mmm_app.command("fit")
@friendly_errors
def fit_command(
    method: Annotated[
        str, typer.Option(help="nuts (full MCMC, default) or advi (fast, approximate).")
    ] = "nuts",
    draws: Annotated[int, typer.Option(help="Posterior draws per chain.")] = 500,
    tune: Annotated[int, typer.Option(help="Tuning steps per chain (nuts).")] = 500,
    chains: Annotated[int, typer.Option(help="Chains (nuts).")] = 2,
    l_max: Annotated[int, typer.Option(help="Longest carry-over of spend, in weeks.")] = 8,
    as_json: JsonOption = False,
) -> None:
    """Fit the Bayesian MMM on weekly spend (campaign_spend) and sales (orders).

    Prints each channel's contribution and ROI with 94% intervals and writes the contribution
    waterfall and response curves (PNG and HTML) under <home>/marketing/charts.
    """
    from vantage.services import marketing, marketing_charts

    ctx = ServiceContext()
    with progress_bar("Fitting the marketing-mix model", quiet=as_json):
        summary = marketing.fit_mmm(
            ctx,
            method=method,  # type: ignore[arg-type]
            draws=draws,
            tune=tune,
            chains=chains,
            l_max=l_max,
        )
    charts = marketing_charts.write_charts(ctx)
    if as_json:
        print_json({**summary, "charts": [str(p) for p in charts]})
        return
    roi = {r["channel"]: r for r in summary["roi"]}
    print_table(
        f"Channel contributions over {summary['weeks']} weeks ({summary['method']}, "
        f"{summary['draws']} draws; 94% intervals)",
        ["channel", "spend", "contribution", "94% interval", "ROI", "ROI 94%"],
        (
            [
                r["channel"],
                f"{roi[r['channel']]['spend']:,.0f}",
                f"{r['mean']:,.0f}",
                f"{r['lo']:,.0f} to {r['hi']:,.0f}",
                f"{roi[r['channel']]['mean']:.2f}",
                f"{roi[r['channel']]['lo']:.2f} to {roi[r['channel']]['hi']:.2f}",
            ]
            for r in summary["contributions"]
        ),
    )
    for warning in summary.get("warnings", []):
        console().print(f"[yellow]Warning: {warning}[/]")
    console().print(f"Charts: {charts[0].parent}")


@mmm_app.command("optimise")
@friendly_errors
def optimise_command(
    budget: Annotated[
        float | None,
        typer.Option(help="Weekly budget to split (default: the last 13 weeks' average)."),
    ] = None,
    bounds: Annotated[
        list[str] | None,
        typer.Option(
            "--bounds",
            help="Weekly spend bounds as channel=low:high (repeat). Other channels may move "
            "between half and double their current spend.",
        ),
    ] = None,
    weeks: Annotated[int, typer.Option(help="Horizon for expected sales and uplift.")] = 13,
    as_json: JsonOption = False,
) -> None:
    """Recommend the weekly budget split that maximises expected sales, with its uplift."""
    from vantage.services import marketing, marketing_charts

    ctx = ServiceContext()
    plan = marketing.optimise(ctx, budget, marketing.parse_bounds(bounds), weeks=weeks)
    charts = marketing_charts.write_charts(ctx)
    if as_json:
        print_json({**plan.as_dict(), "charts": [str(p) for p in charts]})
        return
    print_table(
        "Weekly budget",
        ["channel", "current", "recommended"],
        (
            [c, f"{a:,.2f}", f"{b:,.2f}"]
            for c, a, b in zip(plan.channels, plan.current, plan.recommended, strict=True)
        ),
    )
    mean, lo, hi = plan.uplift
    console().print(
        f"Expected media-driven sales over {plan.weeks} weeks: {plan.recommended_sales[0]:,.0f} "
        f"(now {plan.current_sales[0]:,.0f}); uplift {mean:,.0f} (94%: {lo:,.0f} to {hi:,.0f}), "
        f"P(uplift > 0) = {plan.probability_of_uplift:.2f}."
    )


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root ``vantage`` app.

    Args:
        app: The root Typer application.
    """
    app.command("attribution")(attribution_command)
    app.add_typer(mmm_app, name="mmm")
