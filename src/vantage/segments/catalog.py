"""What a segment may refer to, and the checks a definition passes before it is compiled.

:class:`Catalog` lists the known traits (with their types), models with predictions, consent
purposes, saved segments and look-alike seeds. :func:`check` walks a definition and refuses
unknown names and type mismatches with the node's path and the closest known name
(``where.all[1].trait: unknown trait 'order_30d'; did you mean 'orders_30d'?``).
:func:`expand` inlines referenced segments, refusing cycles; :func:`realtime_blockers` says
why a condition cannot be kept in real time.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from vantage.profiles.computed import ComputedTrait
from vantage.profiles.live_counters import LIVE_AGGREGATIONS
from vantage.segments.spec import (
    AllOf,
    AnyOf,
    ConsentCondition,
    DidCondition,
    EventCondition,
    LookalikeCondition,
    Node,
    NotOf,
    PredictionCondition,
    ProfileCondition,
    SegmentReference,
    SegmentSpec,
    SegmentSpecError,
    TraitCondition,
)

FieldType = Literal["number", "text", "time"]
ProfileType = Literal["number", "text", "boolean"]
_TIME = frozenset({"first_seen", "last_seen"})
_TEXT = frozenset({"first", "last", "most_frequent"})
_FIX = "Correct that part of the definition (docs/segments.md)."


def trait_type(trait: ComputedTrait) -> FieldType:
    """The type of a computed trait's values."""
    if trait.aggregation in _TIME:
        return "time"
    return "text" if trait.aggregation in _TEXT else "number"


@dataclass(frozen=True)
class Catalog:
    """The names a segment definition may use.

    Attributes:
        traits: Computed trait name -> type of its values.
        live_traits: Traits the live view keeps current between syncs (usable in real time).
        predictions: Models with scores in the ``predictions`` table.
        purposes: Consent purposes.
        segments: Saved segments by name (for references).
        lookalikes: Seed segments with look-alike scores.
        profile: Profile traits from identify calls and imports (``profile_traits``) -> the
            type of their values.
    """

    traits: Mapping[str, FieldType]
    live_traits: frozenset[str] = frozenset()
    predictions: frozenset[str] = frozenset()
    purposes: frozenset[str] = frozenset()
    segments: Mapping[str, SegmentSpec] = field(default_factory=dict)
    lookalikes: frozenset[str] = frozenset()
    profile: Mapping[str, ProfileType] = field(default_factory=dict)

    @classmethod
    def from_traits(cls, traits: Iterable[ComputedTrait], **others: Any) -> Catalog:
        """A catalog of the given computed traits (and ``others`` as keyword fields)."""
        declared = tuple(traits)
        return cls(
            traits={t.name: trait_type(t) for t in declared},
            live_traits=frozenset(t.name for t in declared if t.aggregation in LIVE_AGGREGATIONS),
            **others,
        )


def _unknown(path: str, what: str, name: str, known: Iterable[str], fix: str) -> SegmentSpecError:
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    shown = ", ".join(names[:30]) if names else "none yet"
    return SegmentSpecError(
        f"{path}: unknown {what} {name!r}{hint}", f"{fix} Known {what}s: {shown}."
    )


def children(node: Node, path: str) -> Iterator[tuple[Node, str]]:
    """The direct sub-conditions of a node with their paths."""
    if isinstance(node, AllOf):
        yield from ((c, f"{path}.all[{i}]") for i, c in enumerate(node.all))
    elif isinstance(node, AnyOf):
        yield from ((c, f"{path}.any[{i}]") for i, c in enumerate(node.any))
    elif isinstance(node, NotOf):
        yield node.not_, f"{path}.not"


def walk(node: Node, path: str = "where") -> Iterator[tuple[Node, str]]:
    """Every node of the tree (depth first, parents first) with its path."""
    yield node, path
    for child, child_path in children(node, path):
        yield from walk(child, child_path)


def parse_time(value: Any) -> datetime:
    """An ISO date or time as an aware datetime (UTC when no zone is given).

    Raises:
        ValueError: Not an ISO date or time.
    """
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_trait(node: TraitCondition, path: str, catalog: Catalog) -> None:
    if node.trait not in catalog.traits:
        raise _unknown(
            f"{path}.trait",
            "trait",
            node.trait,
            catalog.traits,
            "Use a computed trait declared in vantage.toml ([[profiles.computed_traits]]).",
        )
    kind = catalog.traits[node.trait]
    values = node.value if isinstance(node.value, list) else [node.value]
    if node.op == "exists":
        return
    if node.op == "contains" and kind != "text":
        raise SegmentSpecError(
            f"{path}.op: 'contains' needs a text trait, but {node.trait!r} is a {kind}.",
            "Use =, !=, >, >=, <, <=, in or not_in for numbers and times.",
        )
    for value in values:
        if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise SegmentSpecError(
                f"{path}.value: trait {node.trait!r} is a number, but the value {value!r} is not.",
                "Compare it with a number, e.g. value: 2.",
            )
        if kind == "text" and not isinstance(value, str):
            raise SegmentSpecError(
                f"{path}.value: trait {node.trait!r} is a text, but the value {value!r} is not.",
                'Compare it with a text in quotes, e.g. value: "shoes".',
            )
        if kind == "time":
            try:
                parse_time(value)
            except ValueError:
                raise SegmentSpecError(
                    f"{path}.value: trait {node.trait!r} is a time, but the value {value!r} is "
                    "not an ISO date or time.",
                    'Give a date such as "2025-06-01" or "2025-06-01T12:00:00Z".',
                ) from None


_EXAMPLES = {"number": "value: 2", "text": 'value: "Leeds"', "boolean": "value: true"}


def _check_profile(node: ProfileCondition, path: str, catalog: Catalog) -> None:
    if node.profile not in catalog.profile:
        raise _unknown(
            f"{path}.profile",
            "profile trait",
            node.profile,
            catalog.profile,
            "Send it in identify calls or imports, then sync (`vantage events sync`); for "
            "traits computed from events use {'trait': ...}.",
        )
    kind = catalog.profile[node.profile]
    if node.op == "exists":
        return
    if node.op == "contains" and kind != "text":
        raise SegmentSpecError(
            f"{path}.op: 'contains' needs a text profile trait, but {node.profile!r} is a {kind}.",
            "Use =, !=, in or not_in (numbers also >, >=, <, <=).",
        )
    if kind == "boolean" and node.op in (">", ">=", "<", "<="):
        raise SegmentSpecError(
            f"{path}.op: {node.op!r} does not apply to {node.profile!r}, a true/false trait.",
            "Use = or != with true or false.",
        )
    wanted = {"number": (int, float), "text": (str,), "boolean": (bool,)}[kind]
    for value in node.value if isinstance(node.value, list) else [node.value]:
        is_bool = isinstance(value, bool)
        if not isinstance(value, wanted) or (is_bool and kind != "boolean"):
            raise SegmentSpecError(
                f"{path}.value: profile trait {node.profile!r} is a {kind}, but the value "
                f"{value!r} is not.",
                f"Compare it with a {kind}, e.g. {_EXAMPLES[kind]}.",
            )


def check(spec: SegmentSpec, catalog: Catalog) -> None:
    """Refuse unknown names and type mismatches, naming the node's path.

    Raises:
        SegmentSpecError: The first problem found, e.g.
            ``where.all[1].trait: unknown trait 'order_30d'; did you mean 'orders_30d'?``.
    """
    for node, path in walk(spec.where):
        if isinstance(node, TraitCondition):
            _check_trait(node, path, catalog)
        elif isinstance(node, ProfileCondition):
            _check_profile(node, path, catalog)
        elif isinstance(node, PredictionCondition) and node.prediction not in catalog.predictions:
            raise _unknown(
                f"{path}.prediction",
                "model",
                node.prediction,
                catalog.predictions,
                "Train and score the model first (`vantage train ...`), or fix the name.",
            )
        elif isinstance(node, ConsentCondition) and node.consent not in catalog.purposes:
            raise _unknown(
                f"{path}.consent",
                "purpose",
                node.consent,
                catalog.purposes,
                "Use a consent purpose (consent settings in vantage.toml).",
            )
        elif isinstance(node, SegmentReference):
            if node.segment == spec.name:
                raise SegmentSpecError(
                    f"{path}.segment: segment {spec.name!r} refers to itself.",
                    "Remove the reference.",
                )
            if node.segment not in catalog.segments:
                raise _unknown(
                    f"{path}.segment",
                    "segment",
                    node.segment,
                    catalog.segments,
                    "Create the referenced segment first (`vantage segment create`).",
                )
        elif isinstance(node, LookalikeCondition) and node.lookalike not in catalog.lookalikes:
            raise _unknown(
                f"{path}.lookalike",
                "look-alike seed",
                node.lookalike,
                catalog.lookalikes,
                "Score look-alikes first: `vantage segment lookalike SEED --top N`.",
            )
    expand(spec, catalog)
    if spec.realtime:
        blockers = realtime_blockers(spec.where, catalog)
        if blockers:
            raise SegmentSpecError(
                f"Segment {spec.name!r} cannot be evaluated in real time: {blockers[0]}",
                "Set realtime: false (it is then evaluated in batch by `vantage segment "
                "evaluate`), or use only live traits, predictions, consent and real-time "
                "segments.",
            )


def expand(spec: SegmentSpec, catalog: Catalog) -> Node:
    """The condition with every segment reference replaced by that segment's condition.

    Raises:
        SegmentSpecError: A reference is unknown or the references form a cycle.
    """
    return _expand(spec.where, "where", catalog, (spec.name,))


def _expand(node: Node, path: str, catalog: Catalog, chain: tuple[str, ...]) -> Node:
    if isinstance(node, SegmentReference):
        if node.segment in chain:
            cycle = " -> ".join([*chain, node.segment])
            raise SegmentSpecError(
                f"{path}.segment: segment references form a cycle: {cycle}.",
                "Remove one of the references so no segment depends on itself.",
            )
        target = catalog.segments.get(node.segment)
        if target is None:
            raise _unknown(
                f"{path}.segment", "segment", node.segment, catalog.segments, "Create it first."
            )
        return _expand(target.where, f"{node.segment}.where", catalog, (*chain, node.segment))
    if isinstance(node, AllOf):
        return AllOf(all=[_expand(c, p, catalog, chain) for c, p in children(node, path)])
    if isinstance(node, AnyOf):
        return AnyOf(any=[_expand(c, p, catalog, chain) for c, p in children(node, path)])
    if isinstance(node, NotOf):
        return NotOf(**{"not": _expand(node.not_, f"{path}.not", catalog, chain)})
    return node


def realtime_blockers(node: Node, catalog: Catalog, path: str = "where") -> list[str]:
    """Why a condition cannot be evaluated from one customer's current state (empty: it can).

    Real-time conditions use traits the live view keeps current, profile traits (as of the
    last sync), predictions, consent and other segments made only of those. Event counts in
    windows, sequences and look-alikes need the warehouse's event history.
    """
    reasons: list[str] = []
    for leaf, where in walk(node, path):
        if isinstance(leaf, EventCondition | DidCondition):
            reasons.append(
                f"{where} counts events in the warehouse's history; declare a computed trait "
                "with window_days in vantage.toml and use {'trait': ...} instead"
            )
        elif isinstance(leaf, LookalikeCondition):
            reasons.append(f"{where} uses look-alike scores, which are computed in batch")
        elif isinstance(leaf, TraitCondition) and leaf.trait not in catalog.live_traits:
            reasons.append(
                f"{where}.trait {leaf.trait!r} is only updated when the warehouse syncs (its "
                f"aggregation is not one of {', '.join(sorted(LIVE_AGGREGATIONS))})"
            )
        elif isinstance(leaf, SegmentReference):
            target = catalog.segments.get(leaf.segment)
            if target is not None and not target.realtime:
                reasons.append(f"{where}.segment {leaf.segment!r} is not a real-time segment")
    return reasons
