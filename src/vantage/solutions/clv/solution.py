"""Lifetime value and churn: fit every model on a calibration period, compare on a holdout.

:class:`CLVSolution` imitates statsforecast's orchestrator: a list of models, one ``fit`` on
transactions up to a cut-off, long predictions out (``customer_id, model, ...``) and an
``evaluate`` that scores every model and a naive baseline on the holdout.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vantage.solutions.clv.ml import GradientBoostingCLV
from vantage.solutions.clv.probabilistic import (
    BetaGeoModel,
    CLVInputError,
    DegenerateFitWarning,
    GammaGammaModel,
    ParetoNBDModel,
)
from vantage.solutions.features import holdout_targets, rfm_summary

MODELS = ("naive", "bgnbd", "paretonbd", "lightgbm")


@dataclass
class CLVSolution:
    """BG/NBD and Pareto/NBD (+ Gamma-Gamma), gradient boosting and a naive baseline.

    Args:
        horizon_days: Prediction horizon in days (lifetime value = spend over it).
        period_days: Period of the probabilistic models (1 = days, 7 = weeks).
        models: Which models to fit (``naive`` is always fitted: it is the baseline).
        penalizer: L2 penalty of the probabilistic fits.
    """

    horizon_days: float = 90.0
    period_days: float = 1.0
    models: tuple[str, ...] = ("bgnbd", "lightgbm")
    penalizer: float = 0.0
    fitted_: dict[str, object] = field(default_factory=dict, init=False)
    warnings_: list[str] = field(default_factory=list, init=False)

    def fit(self, transactions: pd.DataFrame, *, cutoff: object, **columns: str) -> CLVSolution:
        """Fit every model on the transactions up to ``cutoff``.

        A probabilistic model that does not converge is left out with a
        :class:`DegenerateFitWarning` (also kept in ``warnings_``) instead of failing the fit.
        """
        unknown = sorted(set(self.models) - set(MODELS))
        if unknown:
            raise ValueError(f"unknown CLV models {unknown}; choose from {list(MODELS)}")
        self.cutoff_ = cutoff
        self.columns_ = columns
        rfm = rfm_summary(transactions, cutoff=cutoff, period_days=self.period_days, **columns)
        self.rfm_ = rfm
        self.fitted_ = {}
        self.warnings_ = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DegenerateFitWarning)
            for name, cls in (
                ("bgnbd", BetaGeoModel),
                ("paretonbd", ParetoNBDModel),
                ("gammagamma", GammaGammaModel),
            ):
                wanted = name in self.models or (
                    name == "gammagamma" and {"bgnbd", "paretonbd"} & set(self.models)
                )
                if not wanted:
                    continue
                try:
                    self.fitted_[name] = cls(penalizer=self.penalizer).fit(rfm)
                except CLVInputError as exc:
                    self.warnings_.append(f"{exc.message} The model is left out.")
        for message in self.warnings_:
            warnings.warn(message, DegenerateFitWarning, stacklevel=2)
        for item in caught:
            if issubclass(item.category, DegenerateFitWarning):
                self.warnings_.append(str(item.message))
                warnings.warn(str(item.message), DegenerateFitWarning, stacklevel=2)
        if "lightgbm" in self.models:
            model = GradientBoostingCLV(horizon_days=self.horizon_days)
            self.fitted_["lightgbm"] = model.fit(transactions, cutoff=cutoff, **columns)
        return self

    def predict(self, transactions: pd.DataFrame) -> pd.DataFrame:
        """Long predictions as of the fit's cut-off.

        Returns:
            One row per customer and model: ``customer_id, model, transactions, spend,
            p_alive`` (``spend`` is the lifetime value over the horizon; ``p_alive`` is NaN for
            models that do not estimate it).
        """
        rfm = self.rfm_
        horizon = self.horizon_days / self.period_days
        calibration_days = rfm["T"] * self.period_days
        rate = rfm["frequency"] / calibration_days.where(calibration_days > 0, 1.0)
        total = rfm["monetary_value"].where(rfm["frequency"] > 0, 0.0)
        parts = [
            pd.DataFrame(
                {
                    "transactions": rate * self.horizon_days,
                    "spend": rate * self.horizon_days * total,
                    "p_alive": np.nan,
                },
                index=rfm.index,
            ).assign(model="naive")
        ]
        gamma = self.fitted_.get("gammagamma")
        for name in ("bgnbd", "paretonbd"):
            model = self.fitted_.get(name)
            if not isinstance(model, BetaGeoModel | ParetoNBDModel):
                continue
            expected = model.predict(rfm, horizon)
            spend = gamma.predict_spend(rfm) if isinstance(gamma, GammaGammaModel) else 0.0
            frame = pd.DataFrame(
                {
                    "transactions": expected,
                    "spend": expected * spend,
                    "p_alive": model.probability_alive(rfm),
                },
                index=rfm.index,
            )
            parts.append(frame.assign(model=name))
        ml = self.fitted_.get("lightgbm")
        if isinstance(ml, GradientBoostingCLV):
            frame = ml.predict(transactions, cutoff=self.cutoff_, **self.columns_)
            parts.append(
                frame.reindex(rfm.index).fillna(0.0).assign(p_alive=np.nan, model="lightgbm")
            )
        long = pd.concat(parts).rename_axis("customer_id").reset_index()
        return long[["customer_id", "model", "transactions", "spend", "p_alive"]]

    def predict_at(self, transactions: pd.DataFrame, *, cutoff: object) -> pd.DataFrame:
        """Predictions of the fitted models as of a new ``cutoff`` (no refit)."""
        self.cutoff_ = cutoff
        self.rfm_ = rfm_summary(
            transactions, cutoff=cutoff, period_days=self.period_days, **self.columns_
        )
        return self.predict(transactions)

    def evaluate(self, transactions: pd.DataFrame, *, end: object) -> pd.DataFrame:
        """Holdout scores of every model: MAE and RMSE of transactions and spend per customer.

        Args:
            transactions: The full transactions (calibration and holdout).
            end: End of the holdout (its start is the fit's cut-off).

        Returns:
            One row per model: ``mae_transactions, rmse_transactions, mae_spend, rmse_spend,
            corr_transactions`` and the customers scored.
        """
        predictions = self.predict(transactions)
        truth = holdout_targets(
            transactions, cutoff=self.cutoff_, end=end, customers=self.rfm_.index, **self.columns_
        )
        rows = []
        for name, frame in predictions.groupby("model", sort=False):
            joined = frame.set_index("customer_id").join(truth)
            err_t = joined["transactions"] - joined["holdout_transactions"]
            err_s = joined["spend"] - joined["holdout_spend"]
            rows.append(
                {
                    "model": name,
                    "customers": len(joined),
                    "mae_transactions": float(err_t.abs().mean()),
                    "rmse_transactions": float(np.sqrt((err_t**2).mean())),
                    "mae_spend": float(err_s.abs().mean()),
                    "rmse_spend": float(np.sqrt((err_s**2).mean())),
                    "corr_transactions": float(
                        np.corrcoef(joined["transactions"], joined["holdout_transactions"])[0, 1]
                    ),
                }
            )
        return pd.DataFrame(rows).set_index("model")
