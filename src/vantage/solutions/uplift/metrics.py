"""Uplift evaluation: uplift at the top k, the Qini and uplift curves and the areas under them.

Customers are ranked by score, best first. For the top ``n`` with ``N_t(n)`` treated and
``N_c(n)`` control customers, of whom ``Y_t(n)`` and ``Y_c(n)`` responded:

- Qini curve: ``Y_t(n) - Y_c(n) * N_t(n) / N_c(n)`` (incremental responders among the top n),
- uplift curve: ``(Y_t(n) / N_t(n) - Y_c(n) / N_c(n)) * n``.

Both end at the experiment's total effect; targeting at random traces the straight line to it.
The Qini coefficient and the AUUC are the areas between each curve and that line, with both
axes divided by the number of customers (so they read as incremental responders per
customer; 0 for a random ranking, higher is better).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd


def _ranked(y: Any, treatment: Any, score: Any) -> tuple[np.ndarray, np.ndarray]:
    outcome = np.asarray(y, dtype=float).ravel()
    t = np.asarray(treatment).astype(int).ravel()
    s = np.asarray(score, dtype=float).ravel()
    if not len(outcome) == len(t) == len(s):
        raise ValueError(
            f"y, treatment and score lengths differ: {len(outcome)}, {len(t)}, {len(s)}"
        )
    if len(s) == 0 or t.min() == t.max():
        raise ValueError("uplift metrics need both treated (1) and control (0) customers")
    order = np.argsort(-s, kind="stable")
    return outcome[order], t[order]


def uplift_curves(y: Any, treatment: Any, score: Any) -> pd.DataFrame:
    """Qini and uplift curves, one row per customer in rank order (plus the origin).

    Returns:
        Columns ``n``, ``fraction``, ``qini``, ``uplift``, ``random_qini``, ``random_uplift``.
    """
    outcome, t = _ranked(y, treatment, score)
    n_t = np.concatenate([[0], np.cumsum(t)])
    n_c = np.concatenate([[0], np.cumsum(1 - t)])
    y_t = np.concatenate([[0.0], np.cumsum(outcome * t)])
    y_c = np.concatenate([[0.0], np.cumsum(outcome * (1 - t))])
    with np.errstate(divide="ignore", invalid="ignore"):
        qini = np.where(n_c > 0, y_t - y_c * n_t / n_c, 0.0)
        rate_t = np.where(n_t > 0, y_t / n_t, 0.0)
        rate_c = np.where(n_c > 0, y_c / n_c, 0.0)
    n = np.arange(len(outcome) + 1)
    uplift = (rate_t - rate_c) * n
    fraction = n / len(outcome)
    return pd.DataFrame(
        {
            "n": n,
            "fraction": fraction,
            "qini": qini,
            "uplift": uplift,
            "random_qini": fraction * qini[-1],
            "random_uplift": fraction * uplift[-1],
        }
    )


def _area_over_random(curves: pd.DataFrame, column: str) -> float:
    total = len(curves) - 1
    gain = (curves[column] - curves[f"random_{column}"]).to_numpy() / total
    x = curves["fraction"].to_numpy()
    return float(np.sum((gain[1:] + gain[:-1]) / 2 * np.diff(x)))


def qini_coefficient(y: Any, treatment: Any, score: Any) -> float:
    """Area between the Qini curve and the random line (per customer; random = 0)."""
    return _area_over_random(uplift_curves(y, treatment, score), "qini")


def auuc(y: Any, treatment: Any, score: Any) -> float:
    """Area between the uplift curve and the random line (per customer; random = 0)."""
    return _area_over_random(uplift_curves(y, treatment, score), "uplift")


def uplift_at_k(
    y: Any,
    treatment: Any,
    score: Any,
    k: float = 0.3,
    strategy: Literal["overall", "by_group"] = "overall",
) -> float:
    """Response rate of treated minus control customers among the top ``k`` by score.

    Args:
        y: Binary outcome.
        treatment: 1 treated, 0 control.
        score: Predicted uplift (higher = target first).
        k: Share of customers targeted, in (0, 1].
        strategy: ``overall`` takes the top k of everyone; ``by_group`` the top k of each arm.

    Raises:
        ValueError: ``k`` out of range, or an arm is empty in the top k.
    """
    if not 0 < k <= 1:
        raise ValueError(f"k must be a share in (0, 1]; got {k}")
    if strategy not in ("overall", "by_group"):
        raise ValueError(f"strategy must be 'overall' or 'by_group'; got {strategy!r}")
    outcome, t = _ranked(y, treatment, score)
    if strategy == "overall":
        top = int(np.ceil(k * len(outcome)))
        head_y, head_t = outcome[:top], t[:top]
        treated, control = head_y[head_t == 1], head_y[head_t == 0]
    else:
        arm_t, arm_c = outcome[t == 1], outcome[t == 0]
        treated = arm_t[: int(np.ceil(k * len(arm_t)))]
        control = arm_c[: int(np.ceil(k * len(arm_c)))]
    if len(treated) == 0 or len(control) == 0:
        raise ValueError(f"the top {k:.0%} holds no treated or no control customer")
    return float(treated.mean() - control.mean())


def uplift_report(
    y: Any, treatment: Any, score: Any, ks: tuple[float, ...] = (0.1, 0.3, 0.5)
) -> dict[str, float]:
    """The usual figures at once: ``uplift@k`` for each k, ``qini`` and ``auuc``."""
    out = {f"uplift@{k:.0%}": uplift_at_k(y, treatment, score, k) for k in ks}
    out["qini"] = qini_coefficient(y, treatment, score)
    out["auuc"] = auuc(y, treatment, score)
    return out
