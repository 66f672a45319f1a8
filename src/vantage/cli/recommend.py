"""CLI commands for segmentation, recommendations and uplift.

``vantage rfm`` and ``vantage clusters`` segment the workspace's customers, ``vantage
recommend`` serves and evaluates recommendations, ``vantage uplift evaluate|train`` measures
who responds because of a treatment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.services.context import ServiceContext

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
AsOfOption = Annotated[
    datetime | None,
    typer.Option("--as-of", help="Cut-off date: later orders are ignored (default: now)."),
]
TrackOption = Annotated[
    bool, typer.Option("--track/--no-track", help="Log the training run to MLflow.")
]
SaveOption = Annotated[
    bool, typer.Option("--save/--no-save", help="Save the result as a warehouse table.")
]


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


@friendly_errors
def rfm_command(
    as_of: AsOfOption = None, save: SaveOption = True, as_json: JsonOption = False
) -> None:
    """RFM segments: champions, loyal, at risk, hibernating, ...

    Scores recency, frequency and monetary value 1-5 and names each customer's segment.
    """
    from vantage.services import segmentation

    result = segmentation.rfm(ServiceContext(), as_of=as_of, save=save)
    if as_json:
        print_json(result.as_dict())
        return
    print_table(
        f"RFM segments of {len(result.scored):,} customers as of {result.as_of:%Y-%m-%d}",
        ["segment", "customers", "share", "recency (days)", "orders", "avg order", "what to do"],
        (
            (
                name,
                f"{row.customers:,}",
                f"{row.share:.1%}",
                f"{row.recency_days:.0f}",
                f"{row.frequency:.1f}",
                f"{row.monetary:.2f}",
                row.description,
            )
            for name, row in result.summary.iterrows()
        ),
    )
    if result.saved_to:
        console().print(f"Saved to the warehouse table {result.saved_to}.")


@friendly_errors
def clusters_command(
    method: Annotated[str, typer.Option(help="kmeans or gmm (Gaussian mixture).")] = "kmeans",
    criterion: Annotated[
        str | None,
        typer.Option(help="silhouette or bic (default: silhouette for kmeans, bic for gmm)."),
    ] = None,
    k_max: Annotated[int, typer.Option(help="Largest number of clusters tried (from 2).")] = 8,
    as_of: AsOfOption = None,
    save: SaveOption = True,
    as_json: JsonOption = False,
) -> None:
    """Behavioural clusters, their number chosen by a criterion, each described in words."""
    from vantage.services import segmentation

    result = segmentation.clusters(
        ServiceContext(), method=method, criterion=criterion, k_max=k_max, as_of=as_of, save=save
    )
    if as_json:
        print_json(result.as_dict())
        return
    print_table(
        f"{result.criterion} by number of clusters ({result.method})",
        ["k", result.criterion, "chosen"],
        ((k, f"{v:.4f}", "<-" if k == result.n_clusters else "") for k, v in result.scores.items()),
    )
    profiles = result.profiles
    print_table(
        f"{result.n_clusters} clusters of {len(result.labels):,} customers",
        ["cluster", "customers", "share", "recency (days)", "orders", "avg order", "profile"],
        (
            (
                c,
                f"{row.customers:,}",
                f"{row.share:.1%}",
                f"{row.median_recency_days:.0f}",
                f"{row.median_frequency:.0f}",
                f"{row.median_monetary:.2f}",
                row.description,
            )
            for c, row in profiles.iterrows()
        ),
    )


def _leaderboard(title: str, table: Any) -> None:
    columns = [c for c in table.columns if c not in ("cutoff", "train_rows", "test_rows")]
    print_table(
        title,
        ["model", *columns],
        ((name, *(_fmt(row[c]) for c in columns)) for name, row in table.iterrows()),
    )


@friendly_errors
def recommend_command(
    customer_id: Annotated[
        str | None, typer.Argument(help="Customer to recommend products to.")
    ] = None,
    product: Annotated[
        str | None, typer.Option("--product", help="Product id or SKU: show what is also bought.")
    ] = None,
    n: Annotated[int, typer.Option("-n", min=1, max=100, help="How many products.")] = 10,
    train: Annotated[bool, typer.Option("--train", help="Retrain on the current orders.")] = False,
    track: TrackOption = True,
    evaluate: Annotated[
        bool, typer.Option("--evaluate", help="Recall@10 / NDCG@10 on a time split, vs popularity.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Product recommendations: for a customer, for a product (--product), or evaluate/train."""
    from vantage.cli.progress import step_printer
    from vantage.services import recommend

    ctx = ServiceContext()
    show = step_printer(quiet=as_json)
    if evaluate or train:
        if train:
            card = recommend.train(ctx, track=track, on_model=lambda m: show(m, "..."))
            data: Any = card
            if not as_json:
                console().print(
                    f"Trained {card['name']} {card['version']}: serving {card['chosen']}."
                )
        else:
            table = recommend.evaluate(ctx, on_model=lambda m: show(m, "..."))
            data = table.drop(columns="cutoff").reset_index().to_dict(orient="records")
            if not as_json:
                _leaderboard("Recommenders on the latest 20% of orders (time split)", table)
        if as_json:
            print_json(data)
        return
    if (customer_id is None) == (product is None):
        console().print("Give a CUSTOMER_ID or --product (or --train / --evaluate).")
        raise typer.Exit(2)
    if product is not None:
        result = recommend.also_bought(ctx, product, n)
        title = f"Also bought with {result['product_id']}"
    else:
        result = recommend.recommend_for(ctx, customer_id or "", n)
        title = f"For {customer_id} ({result['strategy']}, {result['model']})"
    if as_json:
        print_json(result)
        return
    print_table(
        title,
        ["product", "name", "category", "score"],
        ((i["product_id"], i["name"], i["category"], f"{i['score']:.3f}") for i in result["items"]),
    )


uplift_app = typer.Typer(help="Uplift: who responds because of a treatment.", no_args_is_help=True)

DataOption = Annotated[
    str, typer.Option("--data", help="'hillstrom' or a CSV / Parquet file, one row per customer.")
]
TreatmentCol = Annotated[str | None, typer.Option(help="Column naming the arm.")]
Treated = Annotated[str | None, typer.Option(help="Arm value of treated customers.")]
Control = Annotated[str | None, typer.Option(help="Arm value of control customers.")]
Outcome = Annotated[str | None, typer.Option("--outcome", help="Binary outcome column.")]
Features = Annotated[
    list[str] | None, typer.Option("--feature", help="A feature column (repeat; default: all).")
]


def _spec(
    data: str,
    treatment_col: str | None,
    treated: str | None,
    control: str | None,
    outcome: str | None,
    features: list[str] | None,
) -> Any:
    from vantage.services.uplift import ExperimentSpec

    return ExperimentSpec(data, treatment_col, treated, control, outcome, tuple(features or ()))


@uplift_app.command("evaluate")
@friendly_errors
def uplift_evaluate_command(
    data: DataOption = "hillstrom",
    treatment_col: TreatmentCol = None,
    treated: Treated = None,
    control: Control = None,
    outcome: Outcome = None,
    feature: Features = None,
    as_json: JsonOption = False,
) -> None:
    """Two-model and X-learner vs random targeting on a held-out 30%: uplift@k, Qini, AUUC."""
    from vantage.cli.progress import step_printer
    from vantage.services import uplift

    show = step_printer(quiet=as_json)
    spec = _spec(data, treatment_col, treated, control, outcome, feature)
    table = uplift.evaluate(spec, on_model=lambda m: show(m, "fitting"))
    if as_json:
        print_json(table.reset_index().to_dict(orient="records"))
        return
    _leaderboard(f"Uplift on {data} (held-out 30%)", table)


@uplift_app.command("train")
@friendly_errors
def uplift_train_command(
    data: DataOption = "hillstrom",
    treatment_col: TreatmentCol = None,
    treated: Treated = None,
    control: Control = None,
    outcome: Outcome = None,
    feature: Features = None,
    model: Annotated[str, typer.Option(help="x-learner or two-model.")] = "x-learner",
    track: TrackOption = True,
    as_json: JsonOption = False,
) -> None:
    """Train an uplift model on the whole experiment and save it (for next best action)."""
    from vantage.services import uplift

    spec = _spec(data, treatment_col, treated, control, outcome, feature)
    card = uplift.train(ServiceContext(), spec, model=model, track=track)
    if as_json:
        print_json(card)
        return
    console().print(f"Saved {card['name']} {card['version']} ({model}) in {card['path']}.")


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root ``vantage`` app.

    Args:
        app: The root Typer application.
    """
    app.command("rfm")(rfm_command)
    app.command("clusters")(clusters_command)
    app.command("recommend")(recommend_command)
    app.add_typer(uplift_app, name="uplift")
