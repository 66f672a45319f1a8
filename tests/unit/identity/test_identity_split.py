from __future__ import annotations

from pathlib import Path

import pytest

from vantage.identity.graph import IdentityError, IdentityGraph
from vantage.identity.persist import load_graph, save_graph


def _graph() -> IdentityGraph:
    g = IdentityGraph()
    g.add([("user_id", "u1"), ("anonymous_id", "a1")], 1, 0.0, "m1")
    g.add([("anonymous_id", "a1"), ("email", "shared@x.com")], 2, 1.0, "m2")
    g.add([("email", "shared@x.com"), ("anonymous_id", "a2")], 3, 2.0, "m3")
    g.add([("user_id", "u1"), ("anonymous_id", "a2")], 4, 3.0, "m4")
    return g


def test_explain_customer_and_identifier() -> None:
    g = _graph()
    cid = g.customer_of(("user_id", "u1"))
    assert cid is not None
    whole = g.explain(cid)
    assert whole.customer_id == cid
    assert {r["id_value"] for r in whole.identifiers} == {"u1", "a1", "shared@x.com", "a2"}
    assert [e.seq for e in whole.edges] == [1, 2, 3, 4]
    assert whole.edges[0].message_id == "m1"
    assert whole.edges[3].status == "same"
    path = g.explain("email:shared@x.com").path
    assert [e.seq for e in path] == [2, 1]
    assert path[1].rule == "co-occurrence"
    assert g.explain(("anonymous_id", "a1")).as_dict()["customer_id"] == cid


def test_explain_errors() -> None:
    g = _graph()
    with pytest.raises(IdentityError, match="No customer cus_nope"):
        g.explain("cus_nope")
    with pytest.raises(IdentityError, match="was never seen"):
        g.explain("email:who@x.com")
    with pytest.raises(IdentityError, match="neither a customer id nor a type:value"):
        g.explain("nonsense")


def test_split_reroutes_and_keeps_history() -> None:
    g = _graph()
    cid = g.customer_of(("user_id", "u1"))
    assert cid is not None
    split = g.split(cid, ("email", "shared@x.com"), note="agent 7: shop e-mail")
    assert split.at_seq == 4
    email = g.customer_of(("email", "shared@x.com"))
    assert email != cid
    # a2 still reaches u1 through event 4, which did not involve the split e-mail.
    assert g.customer_of(("anonymous_id", "a2")) == cid
    assert g.customer_of(("anonymous_id", "a1")) == cid
    history = g.explain(cid)
    assert any(e.status == "refused" and e.original_status == "merged" for e in history.edges)
    assert history.splits == [split]
    # the same e-mail seen again with the same identifiers does not re-merge
    g.add([("email", "shared@x.com"), ("user_id", "u1")], 5, 4.0)
    assert g.customer_of(("email", "shared@x.com")) != cid


def test_split_errors() -> None:
    g = _graph()
    cid = g.customer_of(("user_id", "u1"))
    assert cid is not None
    with pytest.raises(IdentityError, match="No customer cus_0"):
        g.split("cus_0", ("user_id", "u1"))
    g.add([("user_id", "u9")], 9, 0.0)
    with pytest.raises(IdentityError, match="is not part of"):
        g.split(cid, ("user_id", "u9"))
    lone = g.customer_of(("user_id", "u9"))
    assert lone is not None
    with pytest.raises(IdentityError, match="nothing to split"):
        g.split(lone, ("user_id", "u9"))


def test_replay_with_splits_equals_incremental() -> None:
    events = [
        ([("user_id", "u1"), ("anonymous_id", "a1")], 1, 0.0),
        ([("anonymous_id", "a1"), ("email", "shared@x.com")], 2, 1.0),
        ([("email", "shared@x.com"), ("anonymous_id", "a2")], 3, 2.0),
        ([("user_id", "u1"), ("anonymous_id", "a2")], 4, 3.0),
        ([("email", "shared@x.com"), ("phone", "+4411")], 5, 4.0),
    ]
    live = IdentityGraph()
    for ids, seq, ts in events[:3]:
        live.add(ids, seq, ts)
    cid = live.customer_of(("user_id", "u1"))
    assert cid is not None
    live.split(cid, ("anonymous_id", "a1"))
    for ids, seq, ts in events[3:]:
        live.add(ids, seq, ts)
    again = IdentityGraph()
    again.queue_splits(live.splits)
    for ids, seq, ts in events:
        again.add(ids, seq, ts)
    again.apply_pending()
    assert again.identity_map().equals(live.identity_map())


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    assert load_graph(tmp_path) is None
    g = _graph()
    cid = g.customer_of(("user_id", "u1"))
    assert cid is not None
    g.split(cid, ("email", "shared@x.com"))
    save_graph(g, tmp_path)
    save_graph(g, tmp_path)
    loaded = load_graph(tmp_path)
    assert loaded is not None
    assert loaded.identity_map().equals(g.identity_map())
    assert loaded.watermark == g.watermark
    assert loaded.splits == g.splits
    assert len(list((tmp_path / "identity").glob("*.parquet"))) == 4
    event = [("email", "shared@x.com"), ("user_id", "u1")]
    g.add(event, 7, 5.0)
    loaded.add(event, 7, 5.0)
    assert loaded.identity_map().equals(g.identity_map())
    assert [e.status for e in loaded.explain(cid).edges] == [e.status for e in g.explain(cid).edges]
