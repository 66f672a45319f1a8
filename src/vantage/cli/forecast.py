"""``vantage forecast``: compare forecasting models, choose the best per horizon, forecast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.cli.progress import progress_bar
from vantage.core.errors import VantageError

HELP = """Compare forecasting models on past origins, choose the best per horizon, forecast.

FILE is a long CSV or Parquet file: unique_id, ds, y (plus exogenous columns). Every model
(random walk, drift, seasonal naive, AutoETS, AutoARIMA, Theta, MSTL, LightGBM, LSTM and an
ensemble of the best) is backtested from several past origins; the leaderboard shows each
model's MASE relative to the random walk, and the output holds the chosen model's forecast
per unique_id, ds with its intervals.

Examples:

  vantage forecast sales.csv --freq D --horizon 30 --output forecast.csv

  vantage forecast prices.csv --freq B --horizon 21 --fill ffill --models naive,ets,arima

  vantage forecast --dataset henry_hub --output gas.csv --charts charts/

  vantage forecast --demand --freq W --horizon 8
"""


def _split_models(models: str | None) -> list[str] | None:
    return [m.strip() for m in models.split(",") if m.strip()] if models else None


def _parse_horizons(text: str) -> dict[str, int]:
    out = {}
    for part in text.split(","):
        label, _, steps = part.partition("=")
        if not steps.strip().isdigit():
            raise VantageError(
                f"--horizons entry {part!r} is not LABEL=STEPS.", "Write e.g. 1w=5,1m=21."
            )
        out[label.strip()] = int(steps)
    return out


def forecast_command(
    file: Annotated[
        Path | None, typer.Argument(help="Long CSV/Parquet file (unique_id, ds, y).")
    ] = None,
    freq: Annotated[str, typer.Option(help="Frequency: D, B (business days), W, MS, h.")] = "D",
    horizon: Annotated[int, typer.Option(help="Steps ahead to forecast.", min=1)] = 30,
    horizons: Annotated[
        str | None,
        typer.Option(help="Named horizons instead of --horizon checkpoints: 1w=5,1m=21."),
    ] = None,
    models: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated: naive,drift,seasonal_naive,ets,arima,theta,mstl,"
            "lightgbm,lstm,mean (default: all but mean)."
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Write the forecast CSV here.")] = None,
    charts: Annotated[
        Path | None, typer.Option(help="Folder for forecast.png and forecast.html.")
    ] = None,
    origins: Annotated[int, typer.Option(help="Backtest origins per horizon.", min=1)] = 5,
    step: Annotated[int | None, typer.Option(help="Steps between origins.")] = None,
    max_train: Annotated[
        int | None, typer.Option(help="Fit on the last N points of each series.")
    ] = None,
    fill: Annotated[
        str | None, typer.Option(help="Fill gaps: ffill (prices), zero (sales), interpolate.")
    ] = None,
    id_col: Annotated[str, typer.Option(help="Series column in FILE.")] = "unique_id",
    time_col: Annotated[str, typer.Option(help="Date column in FILE.")] = "ds",
    target_col: Annotated[str, typer.Option(help="Value column in FILE.")] = "y",
    future: Annotated[
        Path | None, typer.Option(help="Future values of exogenous columns (unique_id, ds, ...).")
    ] = None,
    dataset: Annotated[
        str | None,
        typer.Option(help="henry_hub (daily, 1d..12m) or henry_hub:monthly instead of FILE."),
    ] = None,
    demand: Annotated[
        bool, typer.Option("--demand", help="Store demand from the workspace's orders.")
    ] = False,
    purchase_level: Annotated[
        float | None, typer.Option(help="Price level: chance per month of exceeding it.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Compare forecasting models, choose the best per horizon, forecast."""
    from vantage.services import forecast as service

    chosen = _split_models(models)
    with progress_bar("Backtesting", quiet=quiet or as_json) as on_progress:
        if dataset:
            name, _, table = dataset.partition(":")
            if name != "henry_hub":
                raise VantageError(f"Unknown --dataset {dataset!r}.", "Use henry_hub[:monthly].")
            run = service.run_henry_hub(
                table or "daily", models=chosen, step=step, on_progress=on_progress
            )
        elif demand:
            from vantage.core.settings import load_settings

            run = service.run_demand(
                load_settings(),
                freq=freq if freq in ("D", "W") else "W",
                horizon=horizon,
                models=chosen,
                n_origins=origins,
                on_progress=on_progress,
            )
        else:
            run = _run_file(
                service,
                file,
                freq,
                horizon,
                horizons,
                chosen,
                origins,
                step,
                max_train,
                fill,
                (id_col, time_col, target_col),
                future,
                on_progress,
            )
    service.write_outputs(run, output, charts, purchase_level=purchase_level)
    if as_json:
        print_json(run.as_dict())
        return
    _show(run, service, purchase_level)


def _run_file(
    service: Any,
    file: Path | None,
    freq: str,
    horizon: int,
    horizons: str | None,
    models: list[str] | None,
    origins: int,
    step: int | None,
    max_train: int | None,
    fill: str | None,
    columns: tuple[str, str, str],
    future: Path | None,
    on_progress: Any,
) -> Any:
    from vantage.services.forecast_data import read_series_file

    if file is None:
        raise VantageError("No input given.", "Pass FILE, --dataset henry_hub or --demand.")
    df = read_series_file(file, id_col=columns[0], time_col=columns[1], target_col=columns[2])
    future_x = read_series_file(future, id_col=columns[0], time_col=columns[1]) if future else None
    return service.run_frame(
        df,
        freq,
        _parse_horizons(horizons) if horizons else horizon,
        models=models,
        n_origins=origins,
        step=step,
        max_train=max_train,
        fill=fill,
        future_x=future_x,
        on_progress=on_progress,
    )


def _show(run: Any, service: Any, purchase_level: float | None) -> None:
    fc = run.forecaster
    board = fc.leaderboard_
    cov = next(c for c in board.columns if c.startswith("coverage_"))
    print_table(
        "Leaderboard (rel = MASE / random walk's; below 1 beats it; * = chosen)",
        ["h", "model", "MASE", "rel", "win", "sMAPE", f"cov{cov.split('_')[1]}", "*"],
        (
            (
                r.horizon,
                r.model,
                f"{r.mase:.3f}",
                f"{r.rel_mase:.3f}",
                f"{r.win_rate:.0%}",
                f"{r.smape:.1f}",
                f"{getattr(r, cov):.0%}",
                "*" if r.selected else "",
            )
            for r in board.itertuples()
        ),
    )
    out = console()
    for note in fc.evaluation_.notes.values():
        out.print(note)
    for name, why in fc.backtest_.failures.items():
        out.print(f"[yellow]{name} left out:[/] {why}")
    if run.hierarchy is not None:
        acc = run.hierarchy.accuracy
        print_table(
            "Reconciliation on held-out weeks (MASE)",
            ["level", "method", "MASE"],
            ((r.level, r.method, f"{r.mase:.3f}") for r in acc.itertuples()),
        )
    if purchase_level is not None or fc.freq in ("B", "MS"):
        view = service.purchase_view(run, purchase_level)
        cols = ["month", "expected", "low", "high"] + (["p_above"] if purchase_level else [])
        print_table(
            f"Purchase view: price band per month ({fc.levels[0]}% interval)",
            cols,
            (
                [f"{v:.3f}" if isinstance(v, float) else v for v in row]
                for row in view[cols].itertuples(index=False)
            ),
        )
    for kind, path in run.files.items():
        out.print(f"Wrote {kind}: {path}")


def register(app: typer.Typer) -> None:
    """Add ``vantage forecast`` to the root ``vantage`` app.

    Args:
        app: The root Typer application.
    """
    app.command("forecast", help=HELP)(friendly_errors(forecast_command))
