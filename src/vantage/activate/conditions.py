"""Tests on event properties and profile traits shared by triggers and next best action.

Operators: ``= != > >= < <= in not_in contains exists``. A missing value only meets ``!=``,
``not_in`` (and fails ``exists``); comparing values of different types never matches.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any

from vantage.activate.specs import Condition

MISSING: Any = object()
_ORDER = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted path in nested mappings, or :data:`MISSING`."""
    for part in path.split("."):
        if not isinstance(data, Mapping) or part not in data:
            return MISSING
        data = data[part]
    return data


def compare(actual: Any, op: str, expected: Any) -> bool:
    """Whether ``actual op expected`` holds (``actual`` may be :data:`MISSING`)."""
    if op == "exists":
        return actual is not MISSING and actual is not None
    if actual is MISSING:
        return op in ("!=", "not_in")
    try:
        if op == "=":
            return bool(actual == expected)
        if op == "!=":
            return bool(actual != expected)
        if op == "in":
            return actual in (expected or [])
        if op == "not_in":
            return actual not in (expected or [])
        if op == "contains":
            return expected in actual if isinstance(actual, str | list | tuple | dict) else False
        return bool(_ORDER[op](actual, expected))
    except TypeError:  # a string compared with a number never matches
        return False


def condition_holds(condition: Condition, properties: Mapping[str, Any]) -> bool:
    """Whether ``properties`` meet one condition (a missing property only meets != / not_in)."""
    return compare(lookup(properties, condition.property), condition.op, condition.value)
