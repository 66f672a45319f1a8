"""Identity resolution use cases: rebuild, refresh, probabilistic matching, explain, split, review.

The lake is the single source of truth. Deterministic links come from identifiers seen together
in one event; a probabilistic match accepted by the matcher (or by a reviewer) is written back to
the lake as an ``identify`` event of the ``identity-matching`` source that carries both
identifiers. So a rebuild from the lake and incremental processing always agree, and
``explain`` names the match event and its probability like any other link.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass
from typing import Any

import orjson
import pandas as pd

from vantage.identity import (
    IdentityGraph,
    load_graph,
    load_rules,
    rebuild_from_lake,
    save_graph,
    write_identity_map,
)
from vantage.identity.probabilistic import MatchRouting, ProbabilisticMatcher
from vantage.identity.probabilistic_columns import MatchingError
from vantage.identity.review import ReviewQueue
from vantage.identity.sync import sync_from_warehouse
from vantage.profiles.traits import merge_traits, trait_values
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.warehouse import open_warehouse

MATCH_SOURCE = "identity-matching"
# Canonical matching field -> merged profile trait (the demo's and Segment's trait names).
MATCH_FIELDS = {
    "first_name": "first_name",
    "surname": "last_name",
    "dob": "birthday",
    "address": "address",
    "city": "city",
    "postcode": "postcode",
    "email": "email",
    "phone": "phone",
}
MIN_MATCH_RECORDS = 50


@dataclass(frozen=True)
class IdentityReport:
    """What a rebuild or refresh produced."""

    events: int
    identifiers: int
    customers: int
    seconds: float
    merges: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


def _graph(ctx: ServiceContext) -> IdentityGraph:
    home = ctx.settings.home
    graph = load_graph(home, load_rules())
    return graph if graph is not None else IdentityGraph(load_rules())


def _publish(
    ctx: ServiceContext, graph: IdentityGraph, events: int, started: float
) -> IdentityReport:
    save_graph(graph, ctx.settings.home)
    with open_warehouse(ctx.settings) as store:
        write_identity_map(store, graph.identity_map(), replace=True)
    return IdentityReport(events, len(graph), graph.customer_count, time.perf_counter() - started)


def rebuild(ctx: ServiceContext) -> IdentityReport:
    """Resolve every identity from scratch by replaying the lake (manual splits re-applied)."""
    started = time.perf_counter()
    previous = load_graph(ctx.settings.home, load_rules())
    splits = previous.splits if previous is not None else ()
    graph = rebuild_from_lake(ctx.log, load_rules(), splits)
    return _publish(ctx, graph, ctx.log.count(), started)


def refresh(ctx: ServiceContext) -> IdentityReport:
    """Feed warehouse events newer than the graph into it and publish the changed rows.

    Incremental: only events above the graph's watermark are read. Runs under the warehouse
    lock, as erasure does, so a refresh never saves a graph that an erasure has just scrubbed.
    """
    started = time.perf_counter()
    with open_warehouse(ctx.settings) as store:
        graph = _graph(ctx)
        before = graph.watermark
        merges = sync_from_warehouse(graph, store)
        save_graph(graph, ctx.settings.home, structural=False)
        events = store.table("events")
        seen = store.scalar(events.filter(events.seq > before).count())
    return IdentityReport(
        int(seen), len(graph), graph.customer_count, time.perf_counter() - started, merges
    )


def matching_records(ctx: ServiceContext) -> pd.DataFrame:
    """One record per customer with the traits probabilistic matching compares."""
    with open_warehouse(ctx.settings) as store:
        merged = merge_traits(trait_values(store))
    wanted = merged[merged.trait.isin(MATCH_FIELDS.values())]
    if wanted.empty:
        return pd.DataFrame(columns=["customer_id", *MATCH_FIELDS.values()])
    values = wanted.assign(value=wanted.value.map(_text))
    table = values.pivot(index="customer_id", columns="trait", values="value").reset_index()
    for column in MATCH_FIELDS.values():
        if column not in table.columns:
            table[column] = None
    return table[["customer_id", *MATCH_FIELDS.values()]]


def _text(json_text: str) -> str | None:
    value = orjson.loads(json_text)
    return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class MatchReport:
    """What probabilistic matching did."""

    records: int
    accepted: int
    queued_for_review: int
    match_events: int
    customers_before: int
    customers_after: int
    seconds: float
    skipped: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


def _representative(graph: IdentityGraph, customer_id: str) -> tuple[str, str] | None:
    members = graph.members(customer_id)
    if not members:
        return None
    best = min(members, key=lambda m: (graph.rules.rank(m.type), m.type, m.value))
    return best.type, best.value


def _match_message(left: tuple[str, str], right: tuple[str, str], reason: str) -> dict[str, Any]:
    digest = hashlib.sha256(f"{left}|{right}".encode()).hexdigest()[:24]
    return {
        "type": "identify",
        "messageId": f"match-{digest}",
        "anonymousId": f"match-{digest}",
        "context": {
            "externalIds": [
                {"id": value, "type": kind, "collection": "users", "encoding": "none"}
                for kind, value in (left, right)
            ],
            "match": {"reason": reason, "method": "splink"},
        },
    }


def match(
    ctx: ServiceContext, *, upper: float = 0.95, lower: float = 0.5, auto_accept: bool = True
) -> MatchReport:
    """Link profiles that share no key but describe the same person (Splink), then refresh.

    Pairs at or above ``upper`` (or accepted by a reviewer) become match events in the lake;
    pairs in between wait in the review queue (``vantage identity review``). With
    ``auto_accept=False`` every scored pair above ``lower`` goes to review instead.
    """
    started = time.perf_counter()
    graph = _graph(ctx)
    before = graph.customer_count
    records = matching_records(ctx)
    queue = ReviewQueue(ctx.settings.home)
    accepted = queue.accepted_edges()[["left_id", "right_id", "reason"]]
    queued = 0
    skipped: str | None = None
    if len(records) < MIN_MATCH_RECORDS:
        skipped = f"only {len(records)} profiles with comparable traits (need {MIN_MATCH_RECORDS})"
    else:
        try:
            routed = _score(records, queue, upper, lower)
        except MatchingError as exc:
            routed, skipped = None, exc.message
        if routed is not None and auto_accept:
            queued = queue.add(routed.review)
            accepted = pd.concat([accepted, routed.accepted[["left_id", "right_id", "reason"]]])
        elif routed is not None:
            queued = queue.add(
                pd.concat([routed.accepted, routed.review])[list(routed.review.columns)]
            )
    messages = []
    for left_id, right_id, reason in accepted.itertuples(index=False):
        left, right = _representative(graph, left_id), _representative(graph, right_id)
        if left and right and graph.customer_of(left) != graph.customer_of(right):
            messages.append(_match_message(left, right, str(reason)))
    if messages:
        ctx.sources.ensure(MATCH_SOURCE)
        ctx.log.append([ctx.ingestor.prepare(MATCH_SOURCE, messages, correct_skew=False)])
        compact_and_sync(ctx)
    after = refresh(ctx).customers
    return MatchReport(
        records=len(records),
        accepted=len(accepted),
        queued_for_review=queued,
        match_events=len(messages),
        customers_before=before,
        customers_after=after,
        seconds=time.perf_counter() - started,
        skipped=skipped,
    )


def _score(records: pd.DataFrame, queue: ReviewQueue, upper: float, lower: float) -> MatchRouting:
    labels = queue.labels()
    # Profiles are already deterministic clusters, so no two share an exact key and Splink's
    # rule-based prior estimate finds nothing; expect about one duplicate per record instead.
    matcher = ProbabilisticMatcher(
        MATCH_FIELDS, id_column="customer_id", upper=upper, lower=lower, prior=1.0 / len(records)
    ).fit(records, labels=labels if len(labels) else None)
    return matcher.route(matcher.predict(records))


def explain(ctx: ServiceContext, target: str) -> dict[str, Any]:
    """Why identifiers belong together (``target``: a customer id or ``type:value``)."""
    return _graph(ctx).explain(target).as_dict()


def split(ctx: ServiceContext, customer_id: str, identifier: str, note: str = "") -> dict[str, Any]:
    """Take ``identifier`` (``type:value``) out of ``customer_id`` and re-derive the profiles."""
    from vantage.identity.explain import parse_target

    graph = _graph(ctx)
    target = parse_target(identifier)
    if isinstance(target, str):
        from vantage.identity import IdentityError

        raise IdentityError(
            f"{identifier!r} is not an identifier.",
            "Write it as type:value, e.g. email:ann@example.com.",
        )
    done = graph.split(customer_id, target, note)
    _publish(ctx, graph, 0, time.perf_counter())
    return {**asdict(done), "customer_of_identifier": graph.customer_of(target)}


def review_pending(ctx: ServiceContext) -> list[dict[str, Any]]:
    """Pairs waiting for a reviewer, most probable first."""
    frame = ReviewQueue(ctx.settings.home).pending()
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def review_decide(
    ctx: ServiceContext, left_id: str, right_id: str, *, accept: bool, by: str
) -> MatchReport:
    """Record a reviewer's decision; an accepted pair is linked at once (as a match event)."""
    ReviewQueue(ctx.settings.home).decide(left_id, right_id, accept=accept, by=by)
    return match(ctx, auto_accept=False) if accept else _no_match(ctx)


def _no_match(ctx: ServiceContext) -> MatchReport:
    customers = _graph(ctx).customer_count
    return MatchReport(0, 0, 0, 0, customers, customers, 0.0)
