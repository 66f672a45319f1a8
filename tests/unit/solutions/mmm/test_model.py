"""The PyMC-Marketing MMM: validation at fit, and one small fit that recovers the truth."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

from vantage.solutions.mmm import MarketingMixModel, MMMError, simulate_mmm, use_compiledir

CHANNELS = ["tv", "search", "social"]


def model(**kwargs: object) -> MarketingMixModel:
    return MarketingMixModel(channels=CHANNELS, controls=["promo"], **kwargs)  # type: ignore[arg-type]


def test_missing_columns_are_named() -> None:
    data = simulate_mmm(weeks=40).data.drop(columns="search")
    with pytest.raises(MMMError, match=r"lacks column\(s\) \['search'\]"):
        model().fit(data)


def test_too_little_history_is_refused() -> None:
    with pytest.raises(MMMError, match="needs at least 20 weeks; got 12"):
        model().fit(simulate_mmm(weeks=12).data)


def test_negative_spend_and_silent_channels_are_refused() -> None:
    data = simulate_mmm(weeks=40).data
    data.loc[3, "tv"] = -1.0
    with pytest.raises(MMMError, match="negative or missing"):
        model().fit(data)
    data["tv"] = 0.0
    with pytest.raises(MMMError, match=r"Channel\(s\) \['tv'\] never spent anything"):
        model().fit(data)


def test_unknown_method_is_refused() -> None:
    with pytest.raises(MMMError, match="Unknown fit method 'magic'"):
        model(method="magic").fit(simulate_mmm(weeks=40).data)


@pytest.mark.slow
def test_a_small_nuts_fit_recovers_contributions_and_roi() -> None:
    use_compiledir(Path(tempfile.gettempdir()) / f"vantage-pytensor-{os.getuid()}")
    sim = simulate_mmm(weeks=104, seed=0)
    fitted = model(l_max=8, draws=150, tune=150, chains=1, random_seed=1).fit(sim.data)
    got = fitted.contributions_.set_index("channel")
    total_error = abs(got["mean"].sum() - sim.contributions.sum()) / sim.contributions.sum()
    assert total_error < 0.3
    assert got["mean"].idxmax() == "search"
    roi = fitted.roi_.set_index("channel")
    assert ((roi["lo"] <= roi["mean"]) & (roi["mean"] <= roi["hi"])).all()
    curve = fitted.response_curve("tv", np.linspace(0, 8000, 5))
    assert curve["mean"].is_monotonic_increasing
    assert fitted.weekly_contributions_.shape == (104, 3)
    assert fitted.max_rhat_ is None  # one chain: no R-hat
    with pytest.raises(MMMError, match="Unknown channel 'radio'"):
        fitted.response_curve("radio", np.array([1.0]))


def test_an_unidentified_fit_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """Media worth more than all sales is flagged (sampler replaced by fixed draws)."""
    import xarray as xr

    sim = simulate_mmm(weeks=40, seed=3)
    truth = sim.truth

    def fake_sample(self: MarketingMixModel, frame: object) -> object:
        def draws(values: np.ndarray) -> xr.DataArray:
            return xr.DataArray(
                np.broadcast_to(values, (2, 4, 3)).copy(), dims=("chain", "draw", "channel")
            )

        posterior = xr.Dataset(
            {
                "adstock_alpha": draws(truth.alpha),
                "saturation_lam": draws(truth.lam),
                "saturation_beta": draws(truth.beta * 50),
            }
        )
        return posterior, (truth.channel_scale, truth.target_scale)

    monkeypatch.setattr(MarketingMixModel, "_sample", fake_sample)
    monkeypatch.setattr("vantage.solutions.mmm.model._max_rhat", lambda posterior: 1.2)
    fitted = model().fit(sim.data)
    assert fitted.max_rhat_ == 1.2
    assert any("R-hat 1.200 > 1.01" in w for w in fitted.warnings_)
    assert any("exceed total sales" in w for w in fitted.warnings_)
