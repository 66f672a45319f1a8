"""Action catalogue, eligibility, ranking by expected value, control group, lift report."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from vantage.activate.lift import lift_report
from vantage.activate.nba import Catalogue, CustomerView, best, in_control, load_catalogue, rank
from vantage.core.errors import ConfigError

CATALOGUE = """
control_share: 0.2
outcome_window: 7d
actions:
  - name: free-shipping
    value: 10
    cost: 0.5
    score: {model: propensity_30d}
    eligibility:
      - {trait: orders_30d, op: ">=", value: 1}
  - name: vip-voucher
    value: 40
    cost: 2
    base_rate: 0.1
    segments: [vip]
  - name: newsletter
    kind: message
    value: 1
    consent: email_marketing
    caps: {per_customer: 1, per: 30d}
"""


@pytest.fixture
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE)


def test_ranking_by_expected_value_with_the_basis(catalogue: Catalogue) -> None:
    view = CustomerView(
        traits={"orders_30d": 2},
        scores={"propensity_30d": 0.9},
        segments=frozenset({"vip"}),
        consent={"email_marketing": True},
    )
    ranked, skipped = rank(catalogue, view)
    assert skipped == {}
    names = [r.action.name for r in ranked]
    assert names == ["free-shipping", "vip-voucher", "newsletter"]
    top = ranked[0]
    assert top.basis == "model:propensity_30d"
    assert top.expected_value == pytest.approx(0.9 * 10 - 0.5)
    assert ranked[1].basis == "rule"  # no model, no history: the base rate
    assert ranked[1].expected_value == pytest.approx(0.1 * 40 - 2)


def test_popularity_replaces_the_base_rate_as_history_grows(catalogue: Catalogue) -> None:
    view = CustomerView(traits={}, scores={}, segments=frozenset({"vip"}))
    ranked, _ = rank(catalogue, view, popularity={"vip-voucher": (1000, 300)})
    voucher = next(r for r in ranked if r.action.name == "vip-voucher")
    assert voucher.basis == "popularity"
    assert voucher.probability == pytest.approx((300 + 20 * 0.1) / 1020)


def test_eligibility_rules_segments_consent_and_caps(catalogue: Catalogue) -> None:
    view = CustomerView(traits={"orders_30d": 0}, scores={}, given={"newsletter": 1})
    ranked, skipped = rank(catalogue, view, totals={})
    assert ranked == []
    assert skipped["free-shipping"] == "trait orders_30d >= 1 fails (0)"
    assert skipped["vip-voucher"] == "not in segment(s) vip"
    assert skipped["newsletter"] == "no consent for email_marketing"
    missing = CustomerView(
        traits={}, scores={}, consent={"email_marketing": True}, given={"newsletter": 1}
    )
    _, skipped = rank(catalogue, missing)
    assert skipped["free-shipping"].endswith("(missing)")
    assert skipped["newsletter"] == "per-customer cap reached"


def test_nothing_with_negative_value_is_chosen(catalogue: Catalogue) -> None:
    view = CustomerView(traits={"orders_30d": 1}, scores={"propensity_30d": 0.01})
    ranked, _ = rank(catalogue, view)
    assert ranked[0].expected_value < 0
    assert best(ranked) is None


def test_control_group_is_stable_and_sized() -> None:
    ids = [f"c{i}" for i in range(20_000)]
    share = np.mean([in_control(c, 0.1) for c in ids])
    assert share == pytest.approx(0.1, abs=0.01)
    assert [in_control(c, 0.1) for c in ids[:50]] == [in_control(c, 0.1) for c in ids[:50]]
    assert not any(in_control(c, 0.0) for c in ids[:1000])


def test_catalogue_errors_name_the_field() -> None:
    with pytest.raises(ConfigError, match=r"actions\.0\.value: Field required"):
        load_catalogue("actions: [{name: a}]")
    with pytest.raises(ConfigError, match="repeated: a"):
        load_catalogue("actions: [{name: a, value: 1}, {name: a, value: 2}]")
    with pytest.raises(ConfigError, match="control_share: Input should be less than 1"):
        load_catalogue("control_share: 1.5\nactions: [{name: a, value: 1}]")


def _simulate(rate_treated: float, rate_control: float, n: int, seed: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        control = in_control(f"c{i}", 0.3)
        rate = rate_control if control else rate_treated
        rows.append(
            {
                "action": "free-shipping",
                "grp": "control" if control else "treatment",
                "converted": int(rng.random() < rate),
                "outcome_value": 25.0,
            }
        )
    return rows


def test_lift_is_positive_with_an_interval_above_zero_when_treatment_helps() -> None:
    overall, per_action = lift_report(_simulate(0.15, 0.08, 4000, seed=1))
    assert overall.action == "all" and per_action.action == "free-shipping"
    assert overall.treated + overall.control == 4000
    assert overall.lift == pytest.approx(0.07, abs=0.025)
    assert overall.ci_low is not None and overall.ci_low > 0
    assert overall.significant
    assert overall.p_value is not None and overall.p_value < 0.01


def test_no_lift_when_treatment_does_not_help() -> None:
    (overall, _) = lift_report(_simulate(0.10, 0.10, 4000, seed=2))
    assert overall.ci_low is not None and overall.ci_high is not None
    assert overall.ci_low < 0 < overall.ci_high
    assert not overall.significant


def test_undecided_outcomes_do_not_count() -> None:
    rows = [{"action": "a", "grp": "treatment", "converted": None}]
    assert lift_report(rows) == []
    (only, _) = lift_report([{"action": "a", "grp": "treatment", "converted": 1}])
    assert only.lift is None and only.treated_rate == 1.0


def test_a_clear_error_without_statsmodels(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from vantage.core.errors import VantageError

    monkeypatch.setitem(sys.modules, "statsmodels.stats.proportion", None)
    with pytest.raises(VantageError, match="needs statsmodels") as info:
        lift_report(_simulate(0.1, 0.1, 50, seed=3))
    assert info.value.fix is not None and "vantage[ml]" in info.value.fix


def test_catalogue_yaml_syntax_error() -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_catalogue("actions: [unclosed")
