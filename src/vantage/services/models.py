"""Trained models: MLflow tracking, model cards, the model list and warehouse predictions.

Every training run is logged to MLflow (parameters, metrics, plots and the model file) in a local
store under ``<VANTAGE_HOME>/mlflow`` by default, or any tracking server named by the
``VANTAGE_MLFLOW_URI`` environment variable. Next to it each trained model gets a folder
``<VANTAGE_HOME>/models/<name>/<version>/`` with ``model.joblib``, ``card.json`` and ``card.md``
(the model card), which is what scoring and ``vantage models list`` read, so listing needs
neither MLflow nor the warehouse.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from vantage.core.errors import VantageError
from vantage.core.settings import Settings
from vantage.store.migrations import PREDICTIONS_TABLE
from vantage.store.warehouse import Store

MLFLOW_URI_ENV = "VANTAGE_MLFLOW_URI"
EXPERIMENT = "vantage"


class ModelNotFoundError(VantageError):
    """No trained model matches the name or version asked for."""


def tracking_uri(settings: Settings | Path) -> str:
    """``VANTAGE_MLFLOW_URI`` when set, else a file store in ``<home>/mlflow``.

    Args:
        settings: The settings, or just the data directory.
    """
    configured = os.environ.get(MLFLOW_URI_ENV)
    if configured:
        return configured
    home = settings if isinstance(settings, Path) else Path(settings.home)
    return (home.resolve() / "mlflow").as_uri()


def models_dir(settings: Settings) -> Path:
    """Folder holding one sub-folder per model name."""
    return Path(settings.home) / "models"


def new_version(now: datetime | None = None) -> str:
    """A sortable version label: UTC time of training to the microsecond."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")


def card_markdown(card: dict[str, Any]) -> str:
    """The model card as Markdown: purpose, data, metrics against the baseline, caveats."""
    lines = [
        f"# Model card: {card['name']} {card['version']}",
        "",
        card.get("description", ""),
        "",
        f"- Solution: {card['solution']}",
        f"- Trained at: {card['trained_at']} on data up to {card['as_of']}",
        f"- Estimator: {card.get('estimator', '')}",
        f"- Baseline: {card.get('baseline', '')}",
        f"- Training rows: {card.get('rows', '')}",
        f"- MLflow run: {card.get('run_id') or 'not logged'} ({card.get('tracking_uri', '')})",
        "",
        "## Held-out evaluation",
        "",
        f"{card.get('evaluation', '')}",
        "",
        "| model | " + " | ".join(card.get("metric_names", [])) + " |",
        "|---|" + "---|" * len(card.get("metric_names", [])),
    ]
    for model, values in card.get("metrics", {}).items():
        cells = [f"{values.get(m, float('nan')):.4g}" for m in card.get("metric_names", [])]
        lines.append(f"| {model} | " + " | ".join(cells) + " |")
    lines += ["", "## Parameters", ""]
    lines += [f"- {k}: {v}" for k, v in card.get("params", {}).items()]
    caveats = card.get("warnings", []) + card.get("limitations", [])
    if caveats:
        lines += ["", "## Caveats", ""] + [f"- {w}" for w in caveats]
    return "\n".join(lines) + "\n"


def metrics_figure(card: dict[str, Any]) -> Any:
    """A bar chart of each held-out metric per model (a matplotlib figure)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = card.get("metric_names", [])
    models = list(card.get("metrics", {}))
    fig, axes = plt.subplots(1, max(len(names), 1), figsize=(3.2 * max(len(names), 1), 3))
    for ax, metric in zip(list(getattr(axes, "flat", [axes])), names, strict=False):
        values = [card["metrics"][m].get(metric) or 0.0 for m in models]
        ax.bar(models, values, color="#4c72b0")
        ax.set_title(metric)
        ax.tick_params(axis="x", rotation=30)
    fig.suptitle(f"{card['name']}: held-out metrics")
    fig.tight_layout()
    return fig


def log_run(
    settings: Settings | Path,
    card: dict[str, Any],
    model_path: Path,
    plots: dict[str, Any] | None = None,
) -> str:
    """Log one trained model to MLflow: tags, parameters, metrics, plots, the model and its card.

    Args:
        settings: The settings, or the data directory (see :func:`tracking_uri`).
        card: ``name``, ``version``, ``solution``, ``params`` and ``metrics`` (a mapping from
            model or baseline name to its numeric metrics; other values are skipped).
        model_path: The saved model, a file or a folder.
        plots: Matplotlib figures to log as PNGs, by name.

    Returns:
        The MLflow run id.
    """
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    import mlflow

    logging.getLogger("mlflow").setLevel(logging.WARNING)

    mlflow.set_tracking_uri(tracking_uri(settings))
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(run_name=f"{card['name']}-{card['version']}") as run:
        mlflow.set_tags({"solution": card["solution"], "version": card["version"]})
        mlflow.log_params({k: str(v)[:500] for k, v in card.get("params", {}).items()})
        for model, values in card.get("metrics", {}).items():
            mlflow.log_metrics(
                {
                    f"{model}.{k}": float(v)
                    for k, v in values.items()
                    if isinstance(v, int | float)
                    and not isinstance(v, bool)
                    and not math.isnan(float(v))
                }
            )
        for name, figure in (plots or {}).items():
            mlflow.log_figure(figure, f"plots/{name}.png")
        if model_path.is_dir():
            mlflow.log_artifacts(str(model_path), artifact_path="model")
        else:
            mlflow.log_artifact(str(model_path), artifact_path="model")
        with tempfile.TemporaryDirectory() as tmp:
            md = Path(tmp) / "card.md"
            md.write_text(card_markdown(card))
            mlflow.log_artifact(str(md))
        return str(run.info.run_id)


def save_model(
    settings: Settings,
    card: dict[str, Any],
    model: Any,
    *,
    plots: dict[str, Any] | None = None,
    track: bool = True,
) -> dict[str, Any]:
    """Save a trained model with its card, and log the run to MLflow.

    Args:
        settings: Settings naming the data directory.
        card: The model card (``name``, ``version``, ``solution``, metrics, params, ...).
        model: The fitted estimator (pickled with joblib).
        plots: Matplotlib figures to log as PNGs, by name.
        track: Log to MLflow (the card still records the tracking URI when False).

    Returns:
        The card, completed with ``path``, ``run_id`` and ``tracking_uri``.
    """
    import joblib

    folder = models_dir(settings) / card["name"] / card["version"]
    folder.mkdir(parents=True, exist_ok=True)
    model_path = folder / "model.joblib"
    joblib.dump(model, model_path)
    card = {**card, "path": str(folder), "tracking_uri": tracking_uri(settings), "run_id": None}
    if track:
        figures = {"heldout_metrics": metrics_figure(card), **(plots or {})}
        card["run_id"] = log_run(settings, card, model_path, figures)
        import matplotlib.pyplot as plt

        for figure in figures.values():
            plt.close(figure)
    (folder / "card.json").write_text(json.dumps(card, indent=2, default=str))
    (folder / "card.md").write_text(card_markdown(card))
    return card


def list_models(settings: Settings) -> list[dict[str, Any]]:
    """Cards of every trained model, newest version first within each name."""
    root = models_dir(settings)
    cards = [json.loads(p.read_text()) for p in sorted(root.glob("*/*/card.json"))]
    return sorted(cards, key=lambda c: (c["name"], c["version"]), reverse=True)


def get_card(settings: Settings, name: str, version: str | None = None) -> dict[str, Any]:
    """The card of one model (its latest version unless ``version`` is given).

    Raises:
        ModelNotFoundError: No such model or version.
    """
    versions = [c for c in list_models(settings) if c["name"] == name]
    if version is not None:
        versions = [c for c in versions if c["version"] == version]
    if not versions:
        known = sorted({c["name"] for c in list_models(settings)})
        raise ModelNotFoundError(
            f"No trained model {name!r}" + (f" version {version!r}" if version else "") + ".",
            f"Train it with `vantage train SOLUTION` (trained models: {known or 'none'}).",
        )
    return versions[0]


def load_model(
    settings: Settings, name: str, version: str | None = None
) -> tuple[Any, dict[str, Any]]:
    """The fitted estimator and card of a trained model (latest version by default)."""
    import joblib

    card = get_card(settings, name, version)
    return joblib.load(Path(card["path"]) / "model.joblib"), card


def write_predictions(store: Store, frame: pd.DataFrame, *, model: str, version: str) -> int:
    """Replace ``model``'s predictions in the warehouse with ``frame``.

    Args:
        store: The warehouse.
        frame: ``customer_id, score`` and optionally ``lo``, ``hi``.
        model: Prediction name (``clv_90d``, ``churn_risk``, ``propensity_30d``).
        version: The trained model's version.

    Returns:
        The rows written.
    """
    now = datetime.now(UTC)
    table = pa.table(
        {
            "customer_id": pa.array(frame["customer_id"].astype(str), pa.string()),
            "model": pa.array([model] * len(frame), pa.string()),
            "version": pa.array([version] * len(frame), pa.string()),
            "score": pa.array(frame["score"].astype(float), pa.float64()),
            "lo": pa.array(frame.get("lo", pd.Series([None] * len(frame))), pa.float64()),
            "hi": pa.array(frame.get("hi", pd.Series([None] * len(frame))), pa.float64()),
            "computed_at": pa.array([now] * len(frame), pa.timestamp("us", tz="UTC")),
        }
    )
    with store.transaction():
        store.delete_where(PREDICTIONS_TABLE, lambda t: t.model == model)
        return store.append(PREDICTIONS_TABLE, table)


def read_predictions(store: Store, customer_id: str) -> list[dict[str, Any]]:
    """Every model's latest prediction for one customer, sorted by model."""
    table = store.table(PREDICTIONS_TABLE)
    rows = store.execute(table.filter(table.customer_id == customer_id).order_by("model"))
    out = []
    for row in rows.to_dict(orient="records"):
        out.append(
            {
                "model": row["model"],
                "version": row["version"],
                "score": float(row["score"]),
                "lo": None if pd.isna(row["lo"]) else float(row["lo"]),
                "hi": None if pd.isna(row["hi"]) else float(row["hi"]),
                "computed_at": pd.Timestamp(row["computed_at"]).isoformat(),
            }
        )
    return out
