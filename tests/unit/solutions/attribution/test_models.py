"""Heuristic, Markov and Shapley attribution on small hand-checked journeys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vantage.solutions.attribution import (
    MODEL_NAMES,
    AttributionError,
    HeuristicAttribution,
    MarkovAttribution,
    ShapleyAttribution,
    compare_models,
    error_against_truth,
    make_model,
)


def journeys(rows: list[tuple[tuple[str, ...], float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "path": [r[0] for r in rows],
            "ages": [()] * len(rows),
            "conversions": [r[1] for r in rows],
            "nulls": [r[2] for r in rows],
            "value": [r[3] for r in rows],
        }
    )


THREE = journeys([(("a", "b", "c"), 1, 0, 30.0), (("b",), 1, 0, 10.0), (("c", "a"), 0, 1, 0.0)])


def credit(model: object) -> dict[str, float]:
    table = model.fit(THREE).attribution_  # type: ignore[attr-defined]
    return dict(zip(table["channel"], table["conversions"], strict=True))


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("first_touch", {"a": 1, "b": 1, "c": 0}),
        ("last_touch", {"a": 0, "b": 1, "c": 1}),
        ("linear", {"a": 1 / 3, "b": 4 / 3, "c": 1 / 3}),
        ("position_based", {"a": 0.4, "b": 1.2, "c": 0.4}),
    ],
)
def test_heuristic_rules_split_each_conversion(rule: str, expected: dict[str, float]) -> None:
    assert credit(HeuristicAttribution(rule=rule)) == pytest.approx(expected)  # type: ignore[arg-type]


def test_time_decay_favours_recent_touches_and_credits_value() -> None:
    frame = journeys([(("a", "b"), 1, 0, 100.0)])
    frame.at[0, "ages"] = (7.0, 0.0)
    table = HeuristicAttribution(rule="time_decay", half_life=7).fit(frame).attribution_
    assert table.set_index("channel")["conversions"].to_dict() == pytest.approx(
        {"a": 1 / 3, "b": 2 / 3}
    )
    assert table["value"].sum() == pytest.approx(100.0)


def test_a_channel_that_only_appears_in_failures_gets_no_markov_credit() -> None:
    frame = journeys([(("a",), 10, 10, 0.0), (("b",), 0, 10, 0.0)])
    table = MarkovAttribution().fit(frame).attribution_.set_index("channel")
    assert table.loc["a", "conversions"] == pytest.approx(10.0)
    assert table.loc["b", "conversions"] == pytest.approx(0.0)


def test_markov_removal_effects_match_the_hand_computed_chain() -> None:
    # start -> a (p=1); a -> b 0.5, a -> conv 0.5... computed from counts below.
    frame = journeys([(("a", "b"), 1, 0, 0.0), (("a",), 1, 0, 0.0), (("a", "b"), 0, 2, 0.0)])
    model = MarkovAttribution().fit(frame)
    # P(conv) = P(a->conv) + P(a->b) P(b->conv) = 1/4 + 3/4 * 1/3 = 1/2.
    assert model.conversion_probability_ == pytest.approx(0.5)
    effects = model.removal_effects_
    assert effects["a"] == pytest.approx(1.0)
    assert effects["b"] == pytest.approx(0.5)
    assert model.attribution_["conversions"].to_numpy() == pytest.approx([4 / 3, 2 / 3])


def test_higher_order_markov_sees_the_order_of_channels() -> None:
    # Conversions follow "a then b" only; "b then a" never converts.
    frame = journeys([(("a", "b"), 10, 0, 0.0), (("b", "a"), 0, 10, 0.0)])
    first = MarkovAttribution(order=1).fit(frame)
    second = MarkovAttribution(order=2).fit(frame)
    assert second.name == "markov-2"
    assert first.attribution_["conversions"].sum() == pytest.approx(10.0)
    assert second.attribution_["conversions"].sum() == pytest.approx(10.0)
    assert second.conversion_probability_ == pytest.approx(0.5)


def test_shapley_splits_shared_conversions_equally_and_keeps_solo_ones() -> None:
    frame = journeys([(("a", "b"), 2, 0, 20.0), (("a",), 1, 3, 5.0)])
    model = ShapleyAttribution().fit(frame)
    assert model.shapley_values_.to_dict() == pytest.approx({"a": 2.0, "b": 1.0})
    assert model.attribution_["value"].sum() == pytest.approx(25.0)


def test_shapley_refuses_too_many_channels() -> None:
    frame = journeys([(tuple(f"c{i}" for i in range(17)), 1, 0, 0.0)])
    with pytest.raises(AttributionError, match="17 channels is more than 16"):
        ShapleyAttribution().fit(frame)


def test_every_named_model_credits_exactly_the_conversions() -> None:
    rng = np.random.default_rng(0)
    rows = []
    for _ in range(200):
        path = tuple(rng.choice(["a", "b", "c", "d"], size=int(rng.integers(1, 5))))
        rows.append((path, float(rng.random() < 0.3), 1.0, 10.0))
    frame = journeys(rows)
    table = compare_models(frame)
    assert list(table.columns) == list(MODEL_NAMES)
    np.testing.assert_allclose(table.sum(), frame["conversions"].sum())


def test_unknown_models_and_rules_are_refused_with_the_choices() -> None:
    with pytest.raises(AttributionError, match=r"Unknown attribution model 'magic'.*last-touch"):
        make_model("magic")
    with pytest.raises(AttributionError, match="Unknown heuristic rule 'middle'"):
        HeuristicAttribution(rule="middle").fit(THREE)  # type: ignore[arg-type]
    with pytest.raises(AttributionError, match="order=0 is not a Markov order"):
        MarkovAttribution(order=0).fit(THREE)


def test_nothing_to_attribute_is_an_error() -> None:
    with pytest.raises(AttributionError, match="No journey with a touchpoint converted"):
        MarkovAttribution().fit(journeys([(("a",), 0, 3, 0.0)]))


def test_error_against_truth_names_the_over_credited_channel() -> None:
    credited = pd.DataFrame({"m": [8.0, 2.0]}, index=["a", "b"])
    errors = error_against_truth(credited, pd.Series({"a": 5.0, "b": 5.0}))
    assert errors.loc["m", "total_variation"] == pytest.approx(0.3)
    assert errors.loc["m", "most_over_credited"] == "a"
