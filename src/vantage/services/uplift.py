"""Uplift on an experiment table: evaluate, train, score customers for next best action.

Two-model and X-learner are compared with random targeting.
The experiment is the Hillstrom e-mail test from the data registry (``data="hillstrom"``:
Womens e-mail vs no e-mail, outcome ``visit``) or any CSV / Parquet file with one row per
customer, an arm column and a binary outcome. A trained model is saved as ``uplift`` with the
feature columns it expects, so next best action can rank customers by
:func:`score_customers`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vantage.core.errors import VantageError
from vantage.services.context import ServiceContext
from vantage.solutions.uplift import (
    Experiment,
    TwoModelUplift,
    XLearnerUplift,
    evaluate_uplift,
    experiment_from_frame,
)

MODEL_NAME = "uplift"
HILLSTROM = {
    "treatment_col": "segment",
    "treated": "Womens E-Mail",
    "control": "No E-Mail",
    "outcome_col": "visit",
    # conversion and spend happen after the e-mail: never features.
    "features": ["recency", "history", "mens", "womens", "zip_code", "newbie", "channel"],
}


class UpliftError(VantageError):
    """The experiment table cannot be read or is not a usable experiment."""


@dataclass(frozen=True)
class ExperimentSpec:
    """Where the experiment is and which columns mean what.

    Attributes:
        data: ``hillstrom`` or a path to a CSV / Parquet file.
        treatment_col: Arm column (default for hillstrom: ``segment``).
        treated: Value of the arm column for treated customers.
        control: Value for control customers.
        outcome_col: Binary outcome column.
        features: Feature columns (default: every other column; list them when the table also
            holds post-treatment columns such as spend).
    """

    data: str = "hillstrom"
    treatment_col: str | None = None
    treated: str | None = None
    control: str | None = None
    outcome_col: str | None = None
    features: Sequence[str] = field(default_factory=tuple)


def _read(spec: ExperimentSpec) -> pd.DataFrame:
    if spec.data == "hillstrom":
        from vantage.datasets.registry import load

        return load("hillstrom")
    path = Path(spec.data)
    if not path.is_file():
        raise UpliftError(
            f"No experiment file {spec.data!r}.",
            "Give 'hillstrom' or the path of a CSV / Parquet file (one row per customer).",
        )
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def load_experiment(spec: ExperimentSpec) -> Experiment:
    """Read and validate the experiment (Hillstrom defaults fill unset columns).

    Raises:
        UpliftError: Missing file or column, empty arm, non-binary outcome.
    """
    frame = _read(spec)
    defaults: dict[str, Any] = HILLSTROM if spec.data == "hillstrom" else {}
    treatment_col = spec.treatment_col or defaults.get("treatment_col")
    treated = spec.treated if spec.treated is not None else defaults.get("treated")
    control = spec.control if spec.control is not None else defaults.get("control")
    outcome_col = spec.outcome_col or defaults.get("outcome_col")
    options = {"treatment_col": treatment_col, "treated": treated}
    options.update(control=control, outcome_col=outcome_col)
    unset = [k for k, v in options.items() if v is None]
    if treatment_col is None or outcome_col is None or unset:
        raise UpliftError(
            f"The experiment needs {', '.join(unset)}.",
            "Pass --treatment-col, --treated, --control and --outcome naming your columns.",
        )
    try:
        return experiment_from_frame(
            frame,
            treatment_col=treatment_col,
            treated=treated,
            control=control,
            outcome_col=outcome_col,
            features=list(spec.features) or defaults.get("features"),
        )
    except ValueError as exc:
        raise UpliftError(f"{spec.data}: {exc}.", "Check the column names and values.") from exc


def candidate_models(random_state: int = 0) -> dict[str, Any]:
    """The uplift models compared with random targeting, unfitted."""
    return {
        "two-model": TwoModelUplift(random_state=random_state),
        "x-learner": XLearnerUplift(random_state=random_state),
    }


def evaluate(
    spec: ExperimentSpec,
    *,
    test_size: float = 0.3,
    random_state: int = 0,
    on_model: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Held-out uplift@10/30/50%, Qini and AUUC of each model next to random targeting."""
    experiment = load_experiment(spec)
    table, _ = evaluate_uplift(
        experiment,
        candidate_models(random_state),
        test_size=test_size,
        random_state=random_state,
        on_model=on_model,
    )
    return table


def train(
    ctx: ServiceContext, spec: ExperimentSpec, *, model: str = "x-learner", track: bool = False
) -> dict[str, Any]:
    """Evaluate, refit ``model`` on the whole experiment and save it as ``uplift``.

    Returns:
        The model card (held-out metrics of the model and of random targeting).
    """
    from vantage.services import models as model_service

    candidates = candidate_models()
    if model not in candidates:
        raise UpliftError(f"Unknown uplift model {model!r}.", f"Use one of {list(candidates)}.")
    experiment = load_experiment(spec)
    table, _ = evaluate_uplift(experiment, {model: candidates[model]})
    fitted = candidate_models()[model].fit(experiment.x, experiment.treatment, experiment.y)
    now = datetime.now(UTC)
    # MLflow metric names allow no '@' or '%'.
    names = {"uplift@30%": "uplift_at_30pct", "qini": "qini", "auuc": "auuc"}
    metric_names = list(names.values())
    card = {
        "name": MODEL_NAME,
        "version": model_service.new_version(now),
        "trained_at": now.isoformat(),
        "as_of": now.isoformat(),
        "solution": "uplift",
        "description": f"{model} uplift on {spec.data}: the change in the chance of the "
        "outcome caused by the treatment, per customer.",
        "estimator": f"{model} on gradient boosting (scikit-learn HistGradientBoosting)",
        "baseline": "random targeting",
        "rows": len(experiment.y),
        "evaluation": f"stratified 70/30 split; {int(table.test_rows.iloc[0])} held-out rows",
        "metric_names": metric_names,
        "metrics": table[list(names)].rename(columns=names).to_dict(orient="index"),
        "params": {"model": model, "best": model, "features": list(experiment.x.columns)},
        "warnings": [],
        "limitations": ["Valid for the population and treatment of the experiment."],
    }
    return model_service.save_model(ctx.settings, card, fitted, track=track)


def score_customers(
    ctx: ServiceContext, customers: pd.DataFrame, *, id_col: str = "customer_id"
) -> pd.DataFrame:
    """Uplift scores of customers from the trained ``uplift`` model, highest first.

    Args:
        ctx: The workspace.
        customers: One row per customer with the model's raw feature columns.
        id_col: The customer id column.

    Returns:
        ``customer_id, score`` (the input of next best action and of ``write_predictions``).
    """
    from vantage.services import models as model_service

    fitted, card = model_service.load_model(ctx.settings, MODEL_NAME)
    columns = card["params"]["features"]
    x = pd.get_dummies(customers.drop(columns=[id_col]), dtype=float).astype(float)
    x = x.reindex(columns=columns, fill_value=0.0)
    scores = np.asarray(fitted.predict(x.to_numpy(float)))
    out = pd.DataFrame({"customer_id": customers[id_col].to_numpy(), "score": scores})
    return out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
