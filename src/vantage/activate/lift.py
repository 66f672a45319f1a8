"""Lift of next-best-action decisions against the random control group.

For each action (and overall) the conversion rate of treated customers is compared with that
of control customers who would have been given the same action: the lift is the difference of
the two rates, with Newcombe's hybrid-score confidence interval for a difference of independent
proportions and a score test p-value (``statsmodels.stats.proportion``). Only decisions whose
outcome is known (converted, or the outcome window ended) count.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vantage.core.errors import VantageError


@dataclass(frozen=True)
class LiftRow:
    """Treatment against control for one action (or ``all``).

    Attributes:
        action: The action's name, or ``all``.
        treated: Treated decisions with a known outcome.
        treated_conversions: Of which converted.
        control: Control decisions with a known outcome.
        control_conversions: Of which converted.
        lift: Treated rate minus control rate (None without both groups).
        ci_low: Lower end of the confidence interval of the lift.
        ci_high: Upper end.
        p_value: Two-sided score test of equal rates.
        value: Outcome value of treated conversions (e.g. revenue).
    """

    action: str
    treated: int
    treated_conversions: int
    control: int
    control_conversions: int
    lift: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    value: float

    @property
    def treated_rate(self) -> float | None:
        """Conversion rate of the treated group."""
        return self.treated_conversions / self.treated if self.treated else None

    @property
    def control_rate(self) -> float | None:
        """Conversion rate of the control group."""
        return self.control_conversions / self.control if self.control else None

    @property
    def significant(self) -> bool:
        """Whether the interval excludes zero."""
        return (
            self.ci_low is not None
            and self.ci_high is not None
            and (self.ci_low > 0 or self.ci_high < 0)
        )

    def public(self) -> dict[str, Any]:
        """Plain data for the API and the CLI."""
        return {
            "action": self.action,
            "treated": self.treated,
            "treated_conversions": self.treated_conversions,
            "treated_rate": self.treated_rate,
            "control": self.control,
            "control_conversions": self.control_conversions,
            "control_rate": self.control_rate,
            "lift": self.lift,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "significant": self.significant,
            "value": self.value,
        }


def _row(action: str, rows: list[Mapping[str, Any]], alpha: float) -> LiftRow:
    treated = [r for r in rows if r["grp"] == "treatment"]
    control = [r for r in rows if r["grp"] == "control"]
    t_conv = sum(1 for r in treated if r["converted"])
    c_conv = sum(1 for r in control if r["converted"])
    value = float(sum(r.get("outcome_value") or 0.0 for r in treated if r["converted"]))
    lift = low = high = p_value = None
    if treated and control:
        try:
            from statsmodels.stats.proportion import (
                confint_proportions_2indep,
                test_proportions_2indep,
            )
        except ImportError as exc:
            raise VantageError(
                "The lift report needs statsmodels, which is not installed.",
                "pip install 'vantage[ml]' (or statsmodels>=0.14).",
            ) from exc
        lift = t_conv / len(treated) - c_conv / len(control)
        low_, high_ = confint_proportions_2indep(
            t_conv,
            len(treated),
            c_conv,
            len(control),
            compare="diff",
            method="newcomb",
            alpha=alpha,
        )
        low, high = float(low_), float(high_)
        test = test_proportions_2indep(
            t_conv, len(treated), c_conv, len(control), compare="diff", method="score"
        )
        p_value = float(test.pvalue) if not math.isnan(float(test.pvalue)) else None
    return LiftRow(
        action, len(treated), t_conv, len(control), c_conv, lift, low, high, p_value, value
    )


def lift_report(decisions: Iterable[Mapping[str, Any]], alpha: float = 0.05) -> list[LiftRow]:
    """Lift per action and overall (``all``, first) from logged decisions.

    Args:
        decisions: Rows with ``action``, ``grp`` (treatment or control), ``converted``
            (1, 0 or None while the outcome is unknown) and optionally ``outcome_value``.
        alpha: 1 - the confidence level of the intervals.
    """
    known = [d for d in decisions if d.get("converted") is not None and d.get("action")]
    by_action: dict[str, list[Mapping[str, Any]]] = {}
    for row in known:
        by_action.setdefault(str(row["action"]), []).append(row)
    rows = [_row("all", known, alpha)] if known else []
    rows += [_row(name, by_action[name], alpha) for name in sorted(by_action)]
    return rows
