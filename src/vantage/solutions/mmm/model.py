"""A Bayesian marketing-mix model: adstock and saturation per channel, controls, seasonality.

A thin estimator over PyMC-Marketing's ``MMM`` (``pymc_marketing.mmm.multidimensional``) with
geometric adstock and logistic saturation. After fitting, the posterior draws of the media
parameters are kept as a :class:`~vantage.solutions.mmm.response.ResponseSamples`, from which
contributions, ROI and response curves are computed (with uncertainty) without PyMC.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from vantage.core.errors import VantageError
from vantage.solutions.mmm.response import ResponseSamples

INTERVAL = (0.03, 0.97)


class MMMError(VantageError):
    """The marketing-mix model cannot be fitted on this data."""


def use_compiledir(folder: Path) -> None:
    """Point PyTensor's compile cache at ``folder`` unless it is already configured.

    Must run before PyTensor is first imported; later calls do nothing.
    """
    if "PYTENSOR_FLAGS" not in os.environ or "compiledir" not in os.environ["PYTENSOR_FLAGS"]:
        folder.mkdir(parents=True, exist_ok=True)
        flags = os.environ.get("PYTENSOR_FLAGS", "")
        os.environ["PYTENSOR_FLAGS"] = ",".join(x for x in (flags, f"compiledir={folder}") if x)


class MarketingMixModel:
    """Weekly sales explained by media spend (adstock + saturation), controls and seasonality.

    Args:
        channels: Spend columns (one per channel).
        controls: Control-variable columns (promotions, prices, holidays), or none.
        date: Week column.
        target: Sales column.
        l_max: Longest carry-over of a week's spend, in weeks.
        yearly_seasonality: Fourier modes of yearly seasonality (None for none).
        method: ``"nuts"`` (full MCMC) or ``"advi"`` (variational: fast, narrower intervals).
        draws: Posterior draws per chain (``nuts``) or in all (``advi``).
        tune: Tuning steps per chain (``nuts``).
        chains: Chains (``nuts``).
        advi_steps: Optimisation steps (``advi``).
        random_seed: Seed for reproducible fits.

    Attributes:
        response_: Posterior draws of the media parameters.
        contributions_: Per channel: total contribution over the data (mean, lo, hi) and share.
        roi_: Per channel: spend and sales per unit spend (mean, lo, hi).
        weekly_contributions_: Mean weekly contribution per channel (weeks x channels).
        max_rhat_: Largest R-hat of the media parameters (``nuts`` with 2+ chains; values
            above 1.01 mean the chains disagree: draw more), else None.
        warnings_: Reasons not to trust this fit (chains that disagree, media contributions
            larger than sales, the biased ``advi`` method); empty when none was found.
    """

    def __init__(
        self,
        channels: list[str],
        controls: list[str] | None = None,
        date: str = "week_start",
        target: str = "sales",
        l_max: int = 8,
        yearly_seasonality: int | None = 2,
        method: Literal["nuts", "advi"] = "nuts",
        draws: int = 500,
        tune: int = 500,
        chains: int = 2,
        advi_steps: int = 20_000,
        random_seed: int = 0,
    ) -> None:
        self.channels = channels
        self.controls = controls
        self.date = date
        self.target = target
        self.l_max = l_max
        self.yearly_seasonality = yearly_seasonality
        self.method = method
        self.draws = draws
        self.tune = tune
        self.chains = chains
        self.advi_steps = advi_steps
        self.random_seed = random_seed

    def _validate(self, data: pd.DataFrame) -> pd.DataFrame:
        needed = [self.date, self.target, *self.channels, *(self.controls or [])]
        missing = [c for c in needed if c not in data.columns]
        if missing:
            raise MMMError(
                f"The MMM data lacks column(s) {missing}; it has {list(data.columns)}.",
                "Pass one row per week with the date, sales, one spend column per channel "
                "and the control columns.",
            )
        if self.method not in ("nuts", "advi"):
            raise MMMError(f"Unknown fit method {self.method!r}.", "Use 'nuts' or 'advi'.")
        if len(data) < 2 * self.l_max or len(data) < 20:
            raise MMMError(
                f"The MMM needs at least {max(20, 2 * self.l_max)} weeks; got {len(data)}.",
                "Use more history (two years of weeks is typical) or a smaller l_max.",
            )
        spend = data[self.channels].to_numpy(float)
        if not np.isfinite(spend).all() or (spend < 0).any():
            raise MMMError(
                "Spend columns hold negative or missing values.",
                "Fill missing weeks with 0 and check the spend import.",
            )
        dead = [c for c in self.channels if float(data[c].abs().sum()) == 0.0]
        if dead:
            raise MMMError(
                f"Channel(s) {dead} never spent anything, so their effect cannot be estimated.",
                "Drop those channels from the model.",
            )
        out = data[needed].copy()
        out[self.date] = pd.to_datetime(out[self.date])
        return out.sort_values(self.date).reset_index(drop=True)

    def fit(self, data: pd.DataFrame) -> MarketingMixModel:
        """Fit the model on weekly data.

        Args:
            data: One row per week with the date, target, channel and control columns.

        Returns:
            self, with the learned attributes set.
        """
        frame = self._validate(data)
        posterior, scales = self._sample(frame)
        spend = frame[self.channels].to_numpy(float)
        self.max_rhat_ = _max_rhat(posterior) if self.method == "nuts" and self.chains > 1 else None
        self.response_ = ResponseSamples(
            channels=list(self.channels),
            alpha=_draws(posterior, "adstock_alpha"),
            lam=_draws(posterior, "saturation_lam"),
            beta=_draws(posterior, "saturation_beta"),
            channel_scale=scales[0],
            target_scale=scales[1],
            l_max=self.l_max,
        )
        weekly = self.response_.contributions(spend)
        self.weekly_contributions_ = pd.DataFrame(
            weekly.mean(0), columns=self.channels, index=frame[self.date]
        )
        totals = weekly.sum(1)
        spent = spend.sum(0)
        self.contributions_ = _summary_frame(self.channels, totals)
        self.contributions_["share_of_sales"] = self.contributions_["mean"] / float(
            frame[self.target].sum()
        )
        roi = totals / np.where(spent > 0, spent, np.nan)
        self.roi_ = _summary_frame(self.channels, roi)
        self.roi_.insert(1, "spend", spent)
        self.warnings_ = self._warnings(float(frame[self.target].sum()))
        self.last_spend_ = spend[-13:].mean(0)
        self.max_spend_ = spend.max(0)
        return self

    def _warnings(self, sales: float) -> list[str]:
        out = []
        if self.max_rhat_ is not None and self.max_rhat_ > 1.01:
            out.append(
                f"R-hat {self.max_rhat_:.3f} > 1.01: the chains disagree; refit with more draws "
                "and tuning steps."
            )
        media = float(self.contributions_["mean"].sum())
        if media > sales:
            out.append(
                f"Media contributions ({media:,.0f}) exceed total sales ({sales:,.0f}): the "
                "effects are not identified from this data (too little spend variation, or "
                "spend that moves with seasonality); do not act on these numbers."
            )
        if self.method == "advi":
            out.append("ADVI is approximate and can be badly biased; confirm with nuts.")
        return out

    def response_curve(self, channel: str, spend: np.ndarray) -> pd.DataFrame:
        """Steady-state weekly sales from ``channel`` at each weekly spend (mean, lo, hi).

        Args:
            channel: A fitted channel.
            spend: Weekly spend levels.
        """
        if channel not in self.response_.channels:
            raise MMMError(
                f"Unknown channel {channel!r}.", f"Use one of {', '.join(self.response_.channels)}."
            )
        c = self.response_.channels.index(channel)
        rows = []
        for s in np.asarray(spend, float):
            x = np.zeros(len(self.response_.channels))
            x[c] = s
            draws = self.response_.weekly_response(x)[:, c]
            lo, hi = np.quantile(draws, INTERVAL)
            rows.append((float(s), float(draws.mean()), float(lo), float(hi)))
        return pd.DataFrame(rows, columns=["spend", "mean", "lo", "hi"])

    def _sample(self, frame: pd.DataFrame) -> tuple[Any, tuple[np.ndarray, float]]:
        import pymc as pm
        from pymc_marketing.mmm import GeometricAdstock, LogisticSaturation
        from pymc_marketing.mmm.multidimensional import MMM

        features = frame.drop(columns=[self.target])
        y = frame[self.target].astype(float).rename("y")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mmm = MMM(
                date_column=self.date,
                channel_columns=list(self.channels),
                target_column="y",
                control_columns=list(self.controls) if self.controls else None,
                adstock=GeometricAdstock(l_max=self.l_max),
                saturation=LogisticSaturation(),
                yearly_seasonality=self.yearly_seasonality,
            )
            if self.method == "nuts":
                idata = mmm.fit(
                    features,
                    y,
                    draws=self.draws,
                    tune=self.tune,
                    chains=self.chains,
                    cores=1,
                    progressbar=False,
                    random_seed=self.random_seed,
                )
                model = mmm.model
            else:
                mmm.build_model(features, y)
                model = mmm.model
                with model:
                    approx = pm.fit(
                        n=self.advi_steps,
                        method="advi",
                        random_seed=self.random_seed,
                        progressbar=False,
                    )
                    idata = approx.sample(self.draws, random_seed=self.random_seed)
        scales = (
            np.asarray(model["channel_scale"].eval(), float).reshape(-1),
            float(np.asarray(model["target_scale"].eval())),
        )
        return idata.posterior, scales  # type: ignore[attr-defined]


def _max_rhat(posterior: Any) -> float:
    import arviz as az

    names = ["adstock_alpha", "saturation_lam", "saturation_beta"]
    rhat = az.rhat(posterior[names])
    return float(max(float(rhat[n].max()) for n in names))


def _draws(posterior: Any, name: str) -> np.ndarray:
    values = posterior[name].stack(sample=("chain", "draw")).transpose("sample", ...)
    return np.asarray(values.to_numpy(), float)


def _summary_frame(channels: list[str], draws: np.ndarray) -> pd.DataFrame:
    lo, hi = np.quantile(draws, INTERVAL, axis=0)
    return pd.DataFrame({"channel": channels, "mean": draws.mean(0), "lo": lo, "hi": hi})
