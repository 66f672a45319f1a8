from __future__ import annotations

from collections import Counter
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vantage.identity.graph import IdentityGraph
from vantage.identity.persist import load_graph, save_graph
from vantage.identity.rules import IdentifierLimit, IdentityRules

RULES = IdentityRules(
    limits={
        "user_id": IdentifierLimit(max=1),
        "email": IdentifierLimit(max=2, window_days=1),
        "phone": IdentifierLimit(max=2),
    },
    max_cluster_size=6,
)
identifier = st.one_of(
    st.tuples(st.just("user_id"), st.sampled_from([f"u{k}" for k in range(5)])),
    st.tuples(st.just("email"), st.sampled_from([f"e{k}@x.com" for k in range(6)])),
    st.tuples(st.just("phone"), st.sampled_from([f"+44{k}" for k in range(4)])),
    st.tuples(st.just("anonymous_id"), st.sampled_from([f"a{k}" for k in range(8)])),
)
event = st.tuples(st.lists(identifier, min_size=1, max_size=4), st.floats(0, 3 * 86400))
stream = st.lists(event, min_size=1, max_size=40)


def _replay(events: list[tuple[list[tuple[str, str]], float]]) -> IdentityGraph:
    g = IdentityGraph(RULES)
    ts = 0.0
    for seq, (ids, gap) in enumerate(events, start=1):
        ts += gap
        g.add(ids, seq, ts)
    return g


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream, st.lists(st.integers(0, 10_000), max_size=3), st.integers(1, 10))
def test_incremental_equals_rebuild(
    events: list[tuple[list[tuple[str, str]], float]], split_at: list[int], chunk: int
) -> None:
    live = IdentityGraph(RULES)
    ts = 0.0
    with TemporaryDirectory() as tmp:
        for seq, (ids, gap) in enumerate(events, start=1):
            ts += gap
            live.add(ids, seq, ts)
            if seq % chunk == 0:
                save_graph(live, Path(tmp))
                restored = load_graph(Path(tmp))
                assert restored is not None
                live = restored
            for pick in split_at:
                if pick % len(events) == seq - 1:
                    _split_something(live, pick)
    rebuilt = IdentityGraph(RULES)
    rebuilt.queue_splits(live.splits)
    ts = 0.0
    for seq, (ids, gap) in enumerate(events, start=1):
        ts += gap
        rebuilt.add(ids, seq, ts)
    rebuilt.apply_pending()
    assert rebuilt.identity_map().equals(live.identity_map())
    _check_invariants(live)


def _split_something(g: IdentityGraph, pick: int) -> None:
    groups = sorted((r, m) for r, m in g._members.items() if len(m) > 1)
    if not groups:
        return
    root, members = groups[pick % len(groups)]
    victim = g.identifier(sorted(members)[pick % len(members)])
    g.split(g._customer(root), victim)


def _check_invariants(g: IdentityGraph) -> None:
    rows = g.identity_map().to_pylist()
    per_customer: dict[str, Counter[str]] = {}
    for row in rows:
        per_customer.setdefault(row["customer_id"], Counter())[row["id_type"]] += 1
    for counts in per_customer.values():
        assert counts["user_id"] <= 1
        assert counts["phone"] <= 2
        assert sum(counts.values()) <= RULES.max_cluster_size
    assert len(per_customer) == g.customer_count


@settings(max_examples=100, deadline=None)
@given(stream)
def test_same_stream_same_map(events: list[tuple[list[tuple[str, str]], float]]) -> None:
    assert _replay(events).identity_map().equals(_replay(events).identity_map())
