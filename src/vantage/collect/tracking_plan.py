"""Tracking plans (like Segment Protocols): JSON Schema per named event and for traits.

A plan is a JSON object stored per source (:meth:`SourceRegistry.set_tracking_plan`)::

    {
      "events": {
        "Order Completed": {"type": "object",
                            "properties": {"revenue": {"type": "number"}},
                            "required": ["revenue"]}
      },
      "traits": {"type": "object", "properties": {"email": {"type": "string"}}},
      "policy": {"unplanned": "allow", "violations": "drop_properties"}
    }

``events`` maps a track event name to the JSON Schema of its ``properties``; ``traits`` is the
JSON Schema of identify ``traits``. ``policy.unplanned`` (``allow`` | ``block``) decides what
happens to track events the plan does not name; ``policy.violations`` (``allow`` |
``drop_properties`` | ``block``) what happens to events breaking their schema: stored as sent,
stored without the offending properties (a missing required property cannot be dropped, so such
an event is kept), or refused into the failed-events table. Every violation is recorded
(:class:`ViolationLog`), whatever the policy.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import SchemaError
from jsonschema.protocols import Validator
from jsonschema.validators import Draft202012Validator, validator_for

from vantage.collect.ingest import EventChecker, PlanVerdict
from vantage.collect.sources import SourceRegistry
from vantage.core.errors import VantageError
from vantage.core.events import Event

UNPLANNED_POLICIES = ("allow", "block")
VIOLATION_POLICIES = ("allow", "drop_properties", "block")
_PLAN_KEYS = ("events", "traits", "policy", "name", "description", "version")
_SCHEMA_FIX = "Correct the schema (JSON Schema draft 2020-12 unless it names its own $schema)."


class TrackingPlanError(VantageError):
    """A tracking plan is malformed; the message names the offending key."""


@dataclass(frozen=True)
class PlanPolicy:
    """What a plan does with unplanned events and with violations."""

    unplanned: str = "allow"
    violations: str = "allow"


def _compile(schema: Any, where: str) -> Validator:
    if not isinstance(schema, dict | bool):
        raise TrackingPlanError(
            f"Tracking plan {where} must be a JSON Schema object (or true), "
            f"not {type(schema).__name__}.",
            'Write a schema such as {"type": "object", "properties": {...}}.',
        )
    if isinstance(schema, bool):
        schema = {} if schema else {"not": {}}
    remote = _remote_ref(schema)
    if remote is not None:
        raise TrackingPlanError(
            f"Tracking plan {where} refers to {remote!r}: only local references (#/...) work.",
            "Inline the referenced schema, or put it under $defs and refer to #/$defs/NAME.",
        )
    cls = validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        path = "".join(f"[{p!r}]" for p in exc.path)
        raise TrackingPlanError(
            f"Tracking plan {where}{path} is not a valid JSON Schema: {exc.message}.", _SCHEMA_FIX
        ) from exc
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _remote_ref(schema: Any) -> str | None:
    """The first ``$ref`` that points outside the schema itself, if any."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                if not value.startswith("#"):
                    return value
            elif (found := _remote_ref(value)) is not None:
                return found
    elif isinstance(schema, list):
        for item in schema:
            if (found := _remote_ref(item)) is not None:
                return found
    return None


def _choice(policy: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = policy.get(key, "allow")
    if value not in allowed:
        raise TrackingPlanError(
            f"Tracking plan policy.{key} is {value!r}.", f"Use one of: {', '.join(allowed)}."
        )
    return str(value)


def _extra_keys(instance: Mapping[str, Any], schema: Any) -> set[str]:
    """Keys of ``instance`` that ``additionalProperties: false`` refuses."""
    if not isinstance(schema, dict):
        return set()
    named = set(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return {k for k in instance if k not in named and not any(p.search(k) for p in patterns)}


@dataclass(frozen=True)
class TrackingPlan:
    """A validated tracking plan; implements the ingest ``EventChecker`` protocol.

    Build it with :meth:`from_dict`, which validates the plan and compiles its schemas once.
    """

    raw: dict[str, Any]
    policy: PlanPolicy
    events: dict[str, Validator] = field(repr=False)
    traits: Validator | None = field(repr=False)

    @classmethod
    def from_dict(cls, data: Any) -> TrackingPlan:
        """Validate a plan and compile its schemas.

        Args:
            data: The plan as decoded JSON.

        Returns:
            The compiled plan.

        Raises:
            TrackingPlanError: Unknown keys, a bad policy value or an invalid JSON Schema; the
                message names the key.
        """
        if not isinstance(data, dict):
            raise TrackingPlanError(
                f"A tracking plan must be a JSON object, not {type(data).__name__}.",
                'Send {"events": {...}, "traits": {...}, "policy": {...}}.',
            )
        unknown = sorted(set(data) - set(_PLAN_KEYS))
        if unknown:
            raise TrackingPlanError(
                f"Unknown tracking plan key(s): {', '.join(unknown)}.",
                f"Use only: {', '.join(_PLAN_KEYS)}.",
            )
        events = data.get("events", {})
        if not isinstance(events, dict):
            raise TrackingPlanError(
                "Tracking plan 'events' must be an object mapping event names to schemas.",
                'Write {"events": {"Order Completed": {"type": "object", ...}}}.',
            )
        policy = data.get("policy", {})
        if not isinstance(policy, dict):
            raise TrackingPlanError(
                "Tracking plan 'policy' must be an object.",
                'Write {"policy": {"unplanned": "allow", "violations": "drop_properties"}}.',
            )
        unknown_policy = sorted(set(policy) - {"unplanned", "violations"})
        if unknown_policy:
            raise TrackingPlanError(
                f"Unknown tracking plan policy key(s): {', '.join(unknown_policy)}.",
                "Use only: unplanned, violations.",
            )
        compiled = {name: _compile(s, f"events[{name!r}]") for name, s in events.items()}
        traits = data.get("traits")
        return cls(
            raw=data,
            policy=PlanPolicy(
                _choice(policy, "unplanned", UNPLANNED_POLICIES),
                _choice(policy, "violations", VIOLATION_POLICIES),
            ),
            events=compiled,
            traits=_compile(traits, "traits") if traits is not None else None,
        )

    def check(self, event: Event) -> PlanVerdict:
        """Apply the plan to one event.

        Args:
            event: A validated, stamped event.

        Returns:
            The event to store (maybe with properties dropped) or None to block it, and the
            violations found, each naming the event, the property and the action taken.
        """
        if event.type == "track":
            label = f"track {event.event!r}"
            validator = self.events.get(event.event or "")
            if validator is None:
                if self.policy.unplanned == "block":
                    return PlanVerdict(None, [f"{label}: unplanned event [event blocked]"])
                return PlanVerdict(event, [])
            return self._apply(event, "properties", event.properties, validator, label)
        if event.type == "identify" and self.traits is not None:
            return self._apply(event, "traits", event.traits, self.traits, "identify")
        return PlanVerdict(event, [])

    def _apply(
        self, event: Event, attr: str, values: dict[str, Any], validator: Validator, label: str
    ) -> PlanVerdict:
        errors = list(validator.iter_errors(values))
        if not errors:
            return PlanVerdict(event, [])
        action = self.policy.violations
        drop: set[str] = set()
        if action == "drop_properties":
            for err in errors:
                if err.absolute_path:
                    drop.add(str(err.absolute_path[0]))
                elif err.validator == "additionalProperties":
                    drop |= _extra_keys(values, validator.schema)
        tag = {"allow": "allowed", "block": "event blocked"}.get(action, "")
        violations = []
        for err in errors:
            where = attr + "".join(f".{p}" if isinstance(p, str) else f"[{p}]" for p in err.path)
            note = tag or ("property dropped" if drop else "kept: nothing to drop")
            violations.append(f"{label}: {where}: {err.message} [{note}]")
        if action == "block":
            return PlanVerdict(None, violations)
        if drop:
            kept = {k: v for k, v in values.items() if k not in drop}
            return PlanVerdict(event.model_copy(update={attr: kept}), violations)
        return PlanVerdict(event, violations)


@dataclass(frozen=True)
class BrokenPlan:
    """Stands in for a stored plan that no longer validates: events pass, each with a violation.

    Plans are validated when set, so this only happens when a plan was written around the API.
    """

    raw: Any
    problem: str

    def check(self, event: Event) -> PlanVerdict:
        """Let the event through and record that the plan could not be applied."""
        return PlanVerdict(event, [f"tracking plan not applied, it is invalid: {self.problem}"])


def _raw(plan: EventChecker) -> Any:
    return getattr(plan, "raw", None)


class PlanCache:
    """Compiled tracking plans per source name, re-read from the registry every ``ttl_s``.

    Instances are callables usable as ``Ingestor(checker_for=...)``.

    Args:
        registry: Where sources and their plans live.
        ttl_s: How long a compiled plan is trusted before the registry is read again.
        clock: Monotonic clock in seconds.
    """

    def __init__(
        self,
        registry: SourceRegistry,
        ttl_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self.ttl_s = ttl_s
        self.clock = clock
        self._entries: dict[str, tuple[float, EventChecker | None]] = {}

    def __call__(self, source: str) -> EventChecker | None:
        """The compiled plan of ``source``, or None when it has none (or does not exist)."""
        now = self.clock()
        entry = self._entries.get(source)
        if entry is not None and entry[0] > now:
            return entry[1]
        found = self.registry.find(source)
        raw = found.tracking_plan if found is not None else None
        plan: EventChecker | None = None
        if entry is not None and entry[1] is not None and _raw(entry[1]) == raw:
            plan = entry[1]
        elif raw is not None:
            try:
                plan = TrackingPlan.from_dict(raw)
            except TrackingPlanError as exc:
                plan = BrokenPlan(raw, str(exc))
        self._entries[source] = (now + self.ttl_s, plan)
        return plan

    def invalidate(self, source: str | None = None) -> None:
        """Forget one source's plan (or all), so the next call re-reads the registry."""
        if source is None:
            self._entries.clear()
        else:
            self._entries.pop(source, None)


def checker_for_registry(registry: SourceRegistry, ttl_s: float = 2.0) -> PlanCache:
    """The ``checker_for`` callable of an :class:`~vantage.collect.ingest.Ingestor`."""
    return PlanCache(registry, ttl_s)


_VIOLATIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS tracking_plan_violations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    message_id TEXT NOT NULL,
    violation TEXT NOT NULL,
    recorded_at_us INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tracking_plan_violations_source
    ON tracking_plan_violations(source, id);
"""


class ViolationLog:
    """Tracking-plan violations, kept in ``<home>/control.sqlite``.

    Calling the instance buffers violations (cheap, for ``Ingestor(on_violation=...)`` on a hot
    path); :meth:`flush` writes the buffer. :meth:`record` writes at once.

    Args:
        home: The Vantage data directory.
    """

    def __init__(self, home: Path) -> None:
        self.path = Path(home) / "control.sqlite"
        SourceRegistry(home)
        with self._connect() as conn:
            conn.executescript(_VIOLATIONS_SCHEMA)
        self._pending: list[tuple[str, str, str, int]] = []
        self._lock = threading.Lock()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            with conn:
                yield conn
        finally:
            conn.close()

    def __call__(self, source: str, message_id: str, violations: list[str]) -> None:
        """Buffer violations of one event until :meth:`flush`."""
        now = int(time.time() * 1e6)
        with self._lock:
            self._pending.extend((source, message_id, v, now) for v in violations)

    @property
    def pending(self) -> int:
        """Violations buffered and not yet written."""
        return len(self._pending)

    def flush(self) -> int:
        """Write buffered violations; returns how many were written."""
        with self._lock:
            rows, self._pending = self._pending, []
        if rows:
            with self._connect() as conn:
                conn.executemany(
                    "INSERT INTO tracking_plan_violations "
                    "(source, message_id, violation, recorded_at_us) VALUES (?, ?, ?, ?)",
                    rows,
                )
        return len(rows)

    def record(self, source: str, message_id: str, violations: list[str]) -> None:
        """Write the violations of one event now."""
        self(source, message_id, violations)
        self.flush()

    def list(self, limit: int = 50, source: str | None = None) -> list[dict[str, Any]]:
        """The newest violations, newest first (buffered ones are written first)."""
        self.flush()
        where, args = ("WHERE source = ?", [source]) if source else ("", [])
        cols = ("id", "source", "message_id", "violation", "recorded_at_us")
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {', '.join(cols)} FROM tracking_plan_violations {where} "
                "ORDER BY id DESC LIMIT ?",
                [*args, limit],
            ).fetchall()
        return [dict(zip(cols, row, strict=True)) for row in rows]

    def count(self, source: str | None = None) -> int:
        """How many violations were recorded (for one source, or all)."""
        self.flush()
        where, args = ("WHERE source = ?", [source]) if source else ("", [])
        with self._connect() as conn:
            (n,) = conn.execute(
                f"SELECT COUNT(*) FROM tracking_plan_violations {where}", args
            ).fetchone()
        return int(n)
