"""BG/NBD, Pareto/NBD, Gamma-Gamma, gradient boosting and the orchestrator on generated data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from vantage.solutions.clv import (
    BetaGeoModel,
    CLVInputError,
    CLVSolution,
    DegenerateFitWarning,
    GammaGammaModel,
    GradientBoostingCLV,
    ParetoNBDModel,
    degenerate_params,
)
from vantage.solutions.features.sample import sample_events

TRUE = {"r": 0.5, "alpha": 8.0, "a": 0.6, "b": 2.5}


def _bgnbd_rfm(n: int = 3000, seed: int = 1, period: float = 40.0) -> pd.DataFrame:
    """RFM summaries simulated from the BG/NBD story with known parameters."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], n)
    p = rng.beta(TRUE["a"], TRUE["b"], n)
    rows = []
    for rate, drop in zip(lam, p, strict=True):
        t, times = 0.0, []
        while True:
            t += rng.exponential(1 / rate)
            if t > period:
                break
            times.append(t)
            if rng.uniform() < drop:
                break
        rows.append((len(times), times[-1] if times else 0.0, period))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T"]).assign(monetary_value=0.0)


def _transactions(customers: int = 250, seed: int = 0) -> pd.DataFrame:
    events, _ = sample_events(customers, seed=seed)
    frame = events.to_pandas()
    orders = frame[frame.event == "Order Completed"]
    amount = orders.payload.str.extract(r'"revenue": ([0-9.]+)')[0].astype(float)
    return pd.DataFrame(
        {
            "customer_id": orders.user_id,
            "ts": orders.timestamp,
            "amount": amount,
            "channel": orders.source,
        }
    )


def test_bgnbd_recovers_the_parameters_it_was_simulated_from() -> None:
    model = BetaGeoModel().fit(_bgnbd_rfm())
    assert not model.degenerate_
    assert model.params_["r"] == pytest.approx(TRUE["r"], rel=0.25)
    assert model.params_["alpha"] == pytest.approx(TRUE["alpha"], rel=0.3)
    assert model.params_["a"] / (model.params_["a"] + model.params_["b"]) == pytest.approx(
        TRUE["a"] / (TRUE["a"] + TRUE["b"]), rel=0.3
    )
    assert model.log_likelihood_ < 0


def test_predictions_grow_with_frequency_and_alive_falls_with_silence() -> None:
    model = BetaGeoModel().fit(_bgnbd_rfm(1500))
    rfm = pd.DataFrame({"frequency": [1, 5, 5], "recency": [30, 38, 5], "T": [40, 40, 40]})
    expected = model.predict(rfm, 10)
    alive = model.probability_alive(rfm)
    assert expected[1] > expected[0] and expected[1] > expected[2]
    assert alive[1] > alive[2] and ((alive >= 0) & (alive <= 1)).all()


def test_pareto_nbd_fits_the_same_data() -> None:
    model = ParetoNBDModel().fit(_bgnbd_rfm(1500))
    assert set(model.params_) == {"r", "alpha", "s", "beta"}
    assert (model.predict(_bgnbd_rfm(20, seed=2), 10) >= 0).all()


def test_gamma_gamma_matches_lifetimes_conditional_spend() -> None:
    rng = np.random.default_rng(0)
    n = 800
    rfm = pd.DataFrame(
        {
            "frequency": rng.integers(0, 8, n).astype(float),
            "recency": 10.0,
            "T": 20.0,
            "monetary_value": rng.gamma(4.0, 10.0, n),
        }
    )
    rfm.loc[rfm.frequency == 0, "monetary_value"] = 0.0
    model = GammaGammaModel().fit(rfm)
    ours = model.predict_spend(rfm)
    repeat = rfm.frequency > 0
    theirs = model.fitter_.conditional_expected_average_profit(
        rfm.frequency[repeat], rfm.monetary_value[repeat]
    )
    np.testing.assert_allclose(ours[repeat.to_numpy()], theirs.to_numpy(), rtol=1e-6)
    assert np.allclose(ours[~repeat.to_numpy()], ours[~repeat.to_numpy()][0])


def test_a_fit_whose_parameters_run_off_warns() -> None:
    # Everybody buys steadily up to the cut-off: nobody ever drops out, so a -> 0 / b -> inf.
    rng = np.random.default_rng(0)
    freq = rng.integers(1, 30, 400).astype(float)
    rfm = pd.DataFrame({"frequency": freq, "recency": 100.0, "T": 100.0, "monetary_value": 1.0})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = BetaGeoModel().fit(rfm)
        except CLVInputError as exc:
            assert "did not converge" in exc.message
            model = None
    messages = [str(w.message) for w in caught if w.category is DegenerateFitWarning]
    assert messages, "expected a DegenerateFitWarning"
    assert "BG/NBD fit" in messages[0]
    if model is not None:
        assert model.degenerate_ or "did not converge" in messages[0]


def test_degenerate_params_names_the_runaways() -> None:
    assert degenerate_params({"r": 0.2, "a": 1e-7, "b": 2e5, "q": float("nan")}) == ["a", "b", "q"]


def test_bad_summaries_are_refused_with_a_fix() -> None:
    with pytest.raises(CLVInputError, match=r"no column 'T'.*rfm_summary"):
        BetaGeoModel().fit(pd.DataFrame({"frequency": [1], "recency": [1]}))
    with pytest.raises(CLVInputError, match="recency > T"):
        BetaGeoModel().fit(pd.DataFrame({"frequency": [1], "recency": [5], "T": [2]}))
    with pytest.raises(CLVInputError, match="is empty"):
        BetaGeoModel().fit(pd.DataFrame({"frequency": [], "recency": [], "T": []}))


@pytest.mark.slow
def test_solution_evaluates_every_model_against_the_naive_baseline() -> None:
    tx = _transactions()
    solution = CLVSolution(horizon_days=90, models=("bgnbd", "paretonbd", "lightgbm"))
    solution.fit(tx, cutoff="2025-04-01")
    table = solution.evaluate(tx, end="2025-06-30")
    assert list(table.index) == ["naive", "bgnbd", "paretonbd", "lightgbm"]
    assert (table["customers"] == table["customers"].iloc[0]).all()
    mae = table["mae_transactions"].to_dict()
    assert mae["bgnbd"] < mae["naive"]
    long = solution.predict(tx)
    assert set(long.columns) == {"customer_id", "model", "transactions", "spend", "p_alive"}
    bg = long[long.model == "bgnbd"]
    assert bg.p_alive.between(0, 1).all() and (bg.spend >= 0).all()
    later = solution.predict_at(tx, cutoff="2025-06-30")
    assert later.customer_id.nunique() >= bg.customer_id.nunique()


def test_unknown_model_and_short_history_are_refused() -> None:
    tx = _transactions(60)
    with pytest.raises(ValueError, match="unknown CLV models \\['magic'\\]"):
        CLVSolution(models=("magic",)).fit(tx, cutoff="2025-04-01")
    start = tx.ts.min()
    with pytest.raises(CLVInputError, match="needs at least 14"):
        GradientBoostingCLV().fit(tx, cutoff=start + pd.Timedelta(days=5))


def test_a_model_that_does_not_converge_is_left_out_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(self: BetaGeoModel, rfm: pd.DataFrame) -> BetaGeoModel:
        raise CLVInputError("The BG/NBD fit did not converge (test).", "Use more data.")

    monkeypatch.setattr(BetaGeoModel, "fit", refuse)
    tx = _transactions(80)
    with pytest.warns(DegenerateFitWarning, match="did not converge.*left out"):
        solution = CLVSolution(models=("bgnbd",)).fit(tx, cutoff="2025-04-01")
    assert "bgnbd" not in solution.fitted_ and "gammagamma" in solution.fitted_
    assert set(solution.predict(tx).model) == {"naive"}
