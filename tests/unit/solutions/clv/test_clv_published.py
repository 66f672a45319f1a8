"""The published CDNOW BG/NBD and Gamma-Gamma results, and the Online Retail degenerate fit."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from vantage.datasets.registry import load
from vantage.solutions.clv import BetaGeoModel, CLVSolution, DegenerateFitWarning, GammaGammaModel
from vantage.solutions.features import holdout_targets, rfm_summary

pytestmark = pytest.mark.shared_data


def test_cdnow_sample_reproduces_fader_hardie_lee(data_mirror: Path) -> None:
    sample = load("cdnow", "sample", mirror=data_mirror)
    tx = sample.rename(columns={"customer_index": "cid", "date": "ts", "dollar_value": "amount"})
    rfm = rfm_summary(tx, cutoff="1997-09-30", period_days=7, customer_id="cid")
    bg = BetaGeoModel().fit(rfm)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert bg.params_[name] == pytest.approx(value, abs=0.001)
    assert bg.log_likelihood_ == pytest.approx(-9582.4, abs=0.1)
    gg = GammaGammaModel().fit(rfm)
    for name, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert gg.params_[name] == pytest.approx(value, abs=0.01)
    truth = holdout_targets(
        tx, cutoff="1997-09-30", end="1998-06-30", customers=rfm.index, customer_id="cid"
    )
    corr = np.corrcoef(bg.predict(rfm, 39), truth.holdout_transactions)[0, 1]
    assert corr == pytest.approx(0.626, abs=0.002)


@pytest.mark.slow
def test_online_retail_fit_degenerates_with_a_warning(data_mirror: Path) -> None:
    invoices = load("online_retail", mirror=data_mirror)
    tx = invoices.rename(
        columns={"CustomerID": "customer_id", "InvoiceDate": "ts", "TotalPrice": "amount"}
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        solution = CLVSolution(horizon_days=182, models=("bgnbd",)).fit(tx, cutoff="2011-06-10")
    assert any(w.category is DegenerateFitWarning for w in caught)
    assert solution.warnings_ and "BG/NBD fit degenerated" in solution.warnings_[0]
