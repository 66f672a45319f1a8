"""BG/NBD, Pareto/NBD and Gamma-Gamma as scikit-learn style estimators (engine: ``lifetimes``).

Each model takes the RFM summary of :func:`vantage.solutions.features.rfm_summary` (columns
``frequency, recency, T, monetary_value``, one row per customer) and fits by maximum likelihood,
which reproduces the published CDNOW estimates. A fit whose parameters run off (to 0, to
infinity, or not finite), as happens on data that break the model's assumptions, raises a
:class:`DegenerateFitWarning` and sets ``degenerate_``.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from vantage.core.errors import VantageError

RFM_COLUMNS = ("frequency", "recency", "T")
PARAM_LOW = 1e-4
PARAM_HIGH = 1e4
RETRY_PENALIZER = 0.01


class DegenerateFitWarning(UserWarning):
    """A probabilistic fit's parameters ran off: its predictions should not be trusted."""


class CLVInputError(VantageError):
    """An RFM summary is missing columns or holds impossible values."""


def _validate(rfm: pd.DataFrame, columns: tuple[str, ...] = RFM_COLUMNS) -> None:
    missing = [c for c in columns if c not in rfm.columns]
    if missing:
        raise CLVInputError(
            f"The RFM summary has no column {missing[0]!r}.",
            "Build it with vantage.solutions.features.rfm_summary(transactions, cutoff=...).",
        )
    if len(rfm) == 0:
        raise CLVInputError("The RFM summary is empty.", "Fit on at least one customer.")
    if (rfm["recency"] > rfm["T"] + 1e-9).any() or (rfm["frequency"] < 0).any():
        raise CLVInputError(
            "The RFM summary has recency > T or a negative frequency.",
            "Use one cut-off for both recency and T (rfm_summary does).",
        )


def degenerate_params(params: dict[str, float]) -> list[str]:
    """Names of the parameters that ran off (not finite, below 1e-4 or above 1e4)."""
    return [
        name
        for name, value in params.items()
        if not math.isfinite(value) or value < PARAM_LOW or value > PARAM_HIGH
    ]


class _LifetimesModel:
    """Shared fit/predict plumbing over a ``lifetimes`` fitter."""

    _fitter_name = ""
    label = ""

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    def _try_fit(self, rfm: pd.DataFrame, penalizer: float) -> tuple[Any, str]:
        import lifetimes

        fitter = getattr(lifetimes, self._fitter_name)(penalizer_coef=penalizer)
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                self._fit_arrays(fitter, rfm)
            except Exception as exc:  # lifetimes raises ConvergenceError and plain errors
                return fitter, f"{type(exc).__name__}: {exc}"
        return fitter, ""

    def _fit_arrays(self, fitter: Any, rfm: pd.DataFrame) -> None:
        fitter.fit(rfm["frequency"], rfm["recency"], rfm["T"])

    def fit(self, rfm: pd.DataFrame) -> _LifetimesModel:
        """Fit by maximum likelihood on an RFM summary.

        Warns:
            DegenerateFitWarning: Parameters ran off or the optimiser failed.
        """
        _validate(rfm)
        fitter, failed = self._try_fit(rfm, self.penalizer)
        if failed and self.penalizer < RETRY_PENALIZER:
            warnings.warn(
                f"{self.label} fit did not converge ({failed.splitlines()[0][:120]}); refitted "
                f"with penalizer={RETRY_PENALIZER}: treat its parameters with caution.",
                DegenerateFitWarning,
                stacklevel=2,
            )
            fitter, failed = self._try_fit(rfm, RETRY_PENALIZER)
        if failed:
            raise CLVInputError(
                f"The {self.label} fit did not converge ({failed[:200].strip()}).",
                "Check the data (enough repeat buyers?) or pass a larger penalizer.",
            )
        self.fitter_ = fitter
        self.params_ = {k: float(v) for k, v in fitter.params_.items()}
        self.n_customers_ = len(rfm)
        self.log_likelihood_ = self._log_likelihood(rfm)
        runaway = degenerate_params(self.params_)
        self.degenerate_ = bool(runaway)
        if runaway:
            shown = ", ".join(f"{k}={self.params_[k]:.3g}" for k in runaway)
            warnings.warn(
                f"{self.label} fit degenerated: {shown} ran off; expected purchases and "
                "probability alive are unreliable on this data (compare with the gradient "
                "boosting model, or use a penalizer).",
                DegenerateFitWarning,
                stacklevel=2,
            )
        return self

    def _log_likelihood(self, rfm: pd.DataFrame) -> float:
        return float("nan")

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the lambdas ``lifetimes`` attaches to a fitted model."""
        state = self.__dict__.copy()
        fitter = state.get("fitter_")
        if fitter is not None:
            fitter = copy.copy(fitter)
            for key, value in list(vars(fitter).items()):
                if callable(value):
                    delattr(fitter, key)
            state["fitter_"] = fitter
        return state

    def predict(self, rfm: pd.DataFrame, horizon: float) -> np.ndarray:
        """Expected repeat purchases in the next ``horizon`` periods, per customer."""
        _validate(rfm)
        fitter = self.fitter_
        with np.errstate(all="ignore"):
            out = fitter.conditional_expected_number_of_purchases_up_to_time(
                horizon, rfm["frequency"], rfm["recency"], rfm["T"]
            )
        return np.nan_to_num(np.asarray(out, dtype=float), nan=0.0, posinf=0.0)

    def probability_alive(self, rfm: pd.DataFrame) -> np.ndarray:
        """Probability each customer is still active at their ``T`` (1 - churn risk)."""
        _validate(rfm)
        with np.errstate(all="ignore"):
            out = self.fitter_.conditional_probability_alive(
                rfm["frequency"], rfm["recency"], rfm["T"]
            )
        return np.clip(np.nan_to_num(np.asarray(out, dtype=float), nan=1.0), 0.0, 1.0)


class BetaGeoModel(_LifetimesModel):
    """BG/NBD (Fader, Hardie and Lee, 2005): parameters ``r, alpha, a, b``.

    Args:
        penalizer: L2 penalty on the log-parameters (0: plain maximum likelihood).
    """

    _fitter_name = "BetaGeoFitter"
    label = "BG/NBD"

    def _log_likelihood(self, rfm: pd.DataFrame) -> float:
        """Total log-likelihood on the original scale (as published by Fader et al.)."""
        from scipy.special import gammaln

        r, alpha, a, b = (self.params_[k] for k in ("r", "alpha", "a", "b"))
        x = rfm["frequency"].to_numpy(dtype=float)
        t_x = rfm["recency"].to_numpy(dtype=float)
        t = rfm["T"].to_numpy(dtype=float)
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
        a3 = -(r + x) * np.log(alpha + t)
        with np.errstate(all="ignore"):
            a4 = np.where(
                x > 0,
                np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x),
                -np.inf,
            )
        return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


class ParetoNBDModel(_LifetimesModel):
    """Pareto/NBD (Schmittlein, Morrison and Colombo, 1987): parameters ``r, alpha, s, beta``.

    Args:
        penalizer: L2 penalty on the log-parameters (0: plain maximum likelihood).
    """

    _fitter_name = "ParetoNBDFitter"
    label = "Pareto/NBD"


class GammaGammaModel(_LifetimesModel):
    """Gamma-Gamma spend model (Fader, Hardie and Lee, 2005): parameters ``p, q, v``.

    Fitted on repeat buyers only (``frequency > 0``, positive ``monetary_value``); predicts the
    expected mean spend per transaction of every customer (the population mean for one-off
    buyers).

    Args:
        penalizer: L2 penalty on the log-parameters.
    """

    _fitter_name = "GammaGammaFitter"
    label = "Gamma-Gamma"

    def _fit_arrays(self, fitter: Any, rfm: pd.DataFrame) -> None:
        repeat = rfm[(rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)]
        if repeat.empty:
            raise ValueError("no repeat buyers with a positive monetary_value")
        fitter.fit(repeat["frequency"], repeat["monetary_value"])

    def fit(self, rfm: pd.DataFrame) -> GammaGammaModel:
        """Fit on the repeat buyers of an RFM summary (needs ``monetary_value``)."""
        _validate(rfm, (*RFM_COLUMNS, "monetary_value"))
        super().fit(rfm)
        return self

    def predict_spend(self, rfm: pd.DataFrame) -> np.ndarray:
        """Expected mean spend per transaction, per customer."""
        _validate(rfm, (*RFM_COLUMNS, "monetary_value"))
        p, q, v = (self.params_[k] for k in ("p", "q", "v"))
        x = rfm["frequency"].to_numpy(dtype=float)
        m = rfm["monetary_value"].to_numpy(dtype=float)
        population = (
            p * v / (q - 1) if q > 1 else float(np.mean(m[x > 0])) if (x > 0).any() else 0.0
        )
        weight = (q - 1) / (p * x + q - 1) if q > 1 else np.zeros_like(x)
        individual = np.divide(p * x * m, p * x + q - 1, out=np.zeros_like(x), where=x > 0)
        return np.where(x > 0, weight * population + individual, population)
