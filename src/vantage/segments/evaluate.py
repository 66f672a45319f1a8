"""One customer's membership, evaluated in Python from their current state (real time).

Real-time segments use only what one customer's profile holds: computed traits (kept live
between syncs), latest prediction scores and consent decisions. :func:`matches` gives the same
answer as the compiled Ibis expression of :mod:`vantage.segments.compile` on the same state: a
missing value matches no comparison (only ``exists: false``), so ``not`` of it matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from vantage.segments.catalog import Catalog, FieldType, ProfileType, parse_time
from vantage.segments.profile_traits import typed
from vantage.segments.spec import (
    AllOf,
    AnyOf,
    ConsentCondition,
    Node,
    NotOf,
    PredictionCondition,
    ProfileCondition,
    SegmentSpecError,
    TraitCondition,
)


@dataclass(frozen=True)
class CustomerState:
    """What real-time conditions read about one customer.

    Attributes:
        traits: Computed trait name -> value (None or absent when unknown).
        predictions: Model name -> latest score.
        consent: Purpose -> current decision.
        profile: Profile trait (identify calls, imports) -> merged value.
    """

    traits: Mapping[str, Any] = field(default_factory=dict)
    predictions: Mapping[str, float] = field(default_factory=dict)
    consent: Mapping[str, bool] = field(default_factory=dict)
    profile: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_profile(cls, profile: Mapping[str, Any]) -> CustomerState:
        """The state in a profile as :func:`vantage.services.profiles.profile` returns it."""
        return cls(
            traits=dict(profile.get("computed_traits", {})),
            predictions={p["model"]: float(p["score"]) for p in profile.get("predictions", [])},
            consent={str(k): bool(v) for k, v in profile.get("consent", {}).items()},
            profile={str(k): v.get("value") for k, v in profile.get("traits", {}).items()},
        )


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _coerce(value: Any, kind: FieldType | None) -> Any:
    if kind == "time":
        return parse_time(value.isoformat() if isinstance(value, datetime) else value)
    return value


def compare_value(actual: Any, op: str, value: Any, kind: FieldType | None = None) -> bool:
    """``actual <op> value`` with the warehouse's semantics (a missing ``actual`` is false)."""
    if op == "exists":
        present = not _missing(actual)
        return present if value in (None, True) else not present
    if _missing(actual):
        return False
    left = _coerce(actual, kind)
    if op in ("in", "not_in"):
        found = any(left == _coerce(v, kind) for v in value)
        return found if op == "in" else not found
    if op == "contains":
        return isinstance(left, str) and str(value) in left
    right = _coerce(value, kind)
    try:
        outcome = {
            "=": lambda: left == right,
            "!=": lambda: left != right,
            ">": lambda: left > right,
            ">=": lambda: left >= right,
            "<": lambda: left < right,
            "<=": lambda: left <= right,
        }[op]()
    except TypeError:
        return False
    return bool(outcome)


def profile_value(value: Any, kind: ProfileType | None) -> Any:
    """The copy of a profile trait's value that the warehouse compares (None: no such copy).

    A number never equals a text and ``True`` never equals ``1``, as in ``profile_traits``'
    typed columns.
    """
    text, number, flag = typed(value)
    return {"number": number, "boolean": flag}.get(kind or "text", text)


def matches(node: Node, state: CustomerState, catalog: Catalog) -> bool:
    """Whether one customer's state satisfies an (expanded) real-time condition.

    Raises:
        SegmentSpecError: The condition has a node that needs the warehouse (events, sequences,
            look-alikes) or an unexpanded segment reference.
    """
    if isinstance(node, AllOf):
        return all(matches(c, state, catalog) for c in node.all)
    if isinstance(node, AnyOf):
        return any(matches(c, state, catalog) for c in node.any)
    if isinstance(node, NotOf):
        return not matches(node.not_, state, catalog)
    if isinstance(node, TraitCondition):
        kind = catalog.traits.get(node.trait)
        return compare_value(state.traits.get(node.trait), node.op, node.value, kind)
    if isinstance(node, ProfileCondition):
        actual = state.profile.get(node.profile)
        if node.op != "exists":  # exists: any value but null, whatever its type
            actual = profile_value(actual, catalog.profile.get(node.profile))
        return compare_value(actual, node.op, node.value)
    if isinstance(node, PredictionCondition):
        return compare_value(state.predictions.get(node.prediction), node.op, node.value)
    if isinstance(node, ConsentCondition):
        return compare_value(state.consent.get(node.consent), "=", node.granted)
    raise SegmentSpecError(
        f"A {type(node).__name__} cannot be evaluated from one customer's state.",
        "Evaluate this segment in batch (realtime: false).",
    )
