from __future__ import annotations

import pyarrow as pa
import pytest

from vantage.identity.graph import IDENTITY_MAP_SCHEMA, IdentityGraph, customer_id_for
from vantage.identity.rules import IdentifierLimit, IdentityRules

DAY = 86400.0


def test_co_occurring_identifiers_join_one_customer() -> None:
    g = IdentityGraph()
    assert g.add([("user_id", "u1"), ("anonymous_id", "a1")], 1, 0.0, "m1") == 1
    assert g.add([("anonymous_id", "a1"), ("email", "x@y.com")], 2, 1.0, "m2") == 1
    assert g.add([("anonymous_id", "a2")], 3, 2.0) == 0
    cid = g.customer_of(("user_id", "u1"))
    assert cid == customer_id_for("user_id", "u1")
    assert g.customer_of(("email", "x@y.com")) == cid
    assert g.customer_of(("anonymous_id", "a2")) != cid
    assert g.customer_count == 2
    assert g.customer_of(("email", "nobody@y.com")) is None


def test_two_user_ids_never_merge() -> None:
    g = IdentityGraph()
    g.add([("user_id", "u1"), ("anonymous_id", "a1")], 1, 0.0)
    g.add([("user_id", "u2"), ("anonymous_id", "a1")], 2, 1.0)
    g.add([("user_id", "u2"), ("email", "e@x.com")], 3, 2.0)
    g.add([("email", "e@x.com"), ("anonymous_id", "a1")], 4, 3.0)
    assert g.customer_of(("anonymous_id", "a1")) == g.customer_of(("user_id", "u1"))
    assert g.customer_of(("email", "e@x.com")) == g.customer_of(("user_id", "u2"))
    assert g.customer_of(("user_id", "u1")) != g.customer_of(("user_id", "u2"))
    refused = [e for e in g.explain("user_id:u2").edges if e.status == "refused"]
    assert refused and all("limit: user_id at most 1" in e.rule for e in refused)


def test_sixth_email_in_a_week_is_refused_but_allowed_later() -> None:
    g = IdentityGraph()
    for k in range(6):
        g.add([("user_id", "u1"), ("email", f"e{k}@x.com")], k + 1, k * 3600.0)
    cid = g.customer_of(("user_id", "u1"))
    assert g.customer_of(("email", "e4@x.com")) == cid
    assert g.customer_of(("email", "e5@x.com")) != cid
    g.add([("user_id", "u1"), ("email", "e5@x.com")], 10, 8 * DAY)
    assert g.customer_of(("email", "e5@x.com")) == cid


def test_priority_refuses_the_weaker_identifier() -> None:
    g = IdentityGraph()
    g.add([("user_id", "u1"), ("anonymous_id", "a1")], 1, 0.0)
    g.add([("anonymous_id", "a1"), ("user_id", "u2"), ("email", "two@x.com")], 2, 1.0)
    # u2 is the strongest identifier of event 2: the e-mail goes with it, a1 stays with u1.
    assert g.customer_of(("email", "two@x.com")) == g.customer_of(("user_id", "u2"))
    assert g.customer_of(("anonymous_id", "a1")) == g.customer_of(("user_id", "u1"))


def test_total_limit_and_unlimited_types() -> None:
    rules = IdentityRules(limits={"phone": IdentifierLimit(max=1)})
    g = IdentityGraph(rules)
    g.add([("user_id", "u1"), ("phone", "+441")], 1, 0.0)
    g.add([("user_id", "u1"), ("phone", "+442")], 2, 100 * DAY)
    g.add([("user_id", "u1"), ("email", f"{'x' * 3}@x.com")], 3, 0.0)
    assert g.customer_of(("phone", "+442")) != g.customer_of(("user_id", "u1"))
    assert g.customer_of(("email", "xxx@x.com")) == g.customer_of(("user_id", "u1"))


def test_shared_anonymous_id_does_not_fuse_three_hundred_people() -> None:
    g = IdentityGraph()
    for p in range(300):
        ids = [("email", f"p{p}@x.com"), ("anonymous_id", "family-tablet")]
        if p % 2:
            ids.append(("user_id", f"user{p}"))
        g.add(ids, p + 1, p * 600.0)
    biggest = max(len(m) for m in g._members.values())
    assert biggest <= g.rules.max_cluster_size
    tablet = g.customer_of(("anonymous_id", "family-tablet"))
    assert len(g.members(tablet)) <= 7
    assert g.customer_count >= 295


def test_cluster_size_guard() -> None:
    rules = IdentityRules(limits={}, max_cluster_size=3)
    g = IdentityGraph(rules)
    for k in range(5):
        g.add([("email", "shop@x.com"), ("anonymous_id", f"a{k}")], k + 1, float(k))
    assert len(g.members(g.customer_of(("email", "shop@x.com")))) == 3
    rules_seen = {e.rule for e in g.explain("email:shop@x.com").edges if e.status == "refused"}
    assert any("max_cluster_size" in r for r in rules_seen)


def test_replayed_event_is_skipped() -> None:
    g = IdentityGraph()
    g.add([("user_id", "u1"), ("anonymous_id", "a1")], 5, 0.0)
    assert g.add([("user_id", "u2"), ("anonymous_id", "a9")], 5, 0.0) == 0
    assert g.lookup(("user_id", "u2")) is None
    assert g.watermark == 5


def test_identity_map_rows_and_changes() -> None:
    g = IdentityGraph()
    g.add([("user_id", "u1"), ("anonymous_id", "a1")], 1, 10.0, "m1")
    first = g.drain_changes()
    assert first.schema == IDENTITY_MAP_SCHEMA
    assert first.num_rows == 2
    assert g.drain_changes().num_rows == 0
    g.add([("anonymous_id", "a1"), ("email", "e@x.com")], 2, 20.0)
    changed = g.drain_changes().to_pylist()
    assert [(r["id_type"], r["id_value"]) for r in changed] == [("email", "e@x.com")]
    rows = {r["id_value"]: r for r in g.identity_map().to_pylist()}
    assert rows["u1"]["reason"] == "first seen in event seq 1"
    assert rows["a1"]["reason"] == "merged: user_id~anonymous_id co-occurred in event seq 1"
    assert rows["e@x.com"]["since"].timestamp() == 20.0
    assert IdentityGraph().identity_map().num_rows == 0
    assert isinstance(g.identity_map(), pa.Table)


def test_customer_id_is_the_older_profile() -> None:
    g = IdentityGraph()
    g.add([("anonymous_id", "old")], 1, 0.0)
    g.add([("user_id", "u1"), ("email", "e@x.com")], 2, 1.0)
    g.add([("user_id", "u1"), ("anonymous_id", "old")], 3, 2.0)
    assert g.customer_of(("user_id", "u1")) == customer_id_for("anonymous_id", "old")


@pytest.mark.parametrize("order", [0, 1])
def test_same_events_same_map(order: int) -> None:
    events = [
        ([("user_id", "u1"), ("anonymous_id", "a1")], 1, 0.0),
        ([("email", "e@x.com"), ("anonymous_id", "a1")], 2, 1.0),
        ([("user_id", "u2"), ("email", "e@x.com")], 3, 2.0),
    ]
    a, b = IdentityGraph(), IdentityGraph()
    for ids, seq, ts in events:
        a.add(ids, seq, ts)
        b.add(list(reversed(ids)) if order else ids, seq, ts)
    assert a.identity_map().equals(b.identity_map())
