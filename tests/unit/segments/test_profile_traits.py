"""The materialised profile traits agree with merge_traits and follow the identity map."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vantage.profiles.traits import TraitPolicy, long_traits, merge_traits
from vantage.segments.profile_traits import (
    VALUE_SCHEMA,
    explode,
    refresh_profile_traits,
)
from vantage.store.compaction import EVENT_SCHEMA
from vantage.store.migrations import PROFILE_TRAIT_VALUES_TABLE, PROFILE_TRAITS_TABLE, migrate
from vantage.store.warehouse import IbisStore, connect_store

T0 = datetime(2025, 1, 1, tzinfo=UTC)
POLICY = TraitPolicy(
    strategies={"a": "most_recent", "b": "first_seen", "c": "non_empty", "d": "sum", "e": "union"},
    pii=frozenset({"a"}),
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-10, 10, allow_nan=False).map(lambda f: round(f, 2)),
    st.sampled_from(["", "Leeds", "York", "x'; DROP TABLE events; --"]),
    st.lists(st.sampled_from(["vip", "new", 1, True]), max_size=3),
    st.just({}),
    st.dictionaries(st.sampled_from(["x", "y"]), st.integers(0, 3), max_size=2),
)
CALLS = st.lists(
    st.tuples(
        st.sampled_from(["u1", "u2", "u3"]),
        st.integers(0, 3),  # hours after T0: ties on the timestamp are broken by seq
        st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e", "f"]), VALUES, min_size=1),
        st.dictionaries(st.sampled_from(["a", "c", "g"]), VALUES, max_size=2),  # context.traits
    ),
    min_size=1,
    max_size=25,
)


@pytest.fixture(scope="module")
def store() -> Iterator[IbisStore]:
    with connect_store("duckdb://:memory:") as opened:
        migrate(opened)
        yield opened


def _event(
    seq: int, user: str | None, anon: str | None, hours: int, traits: Any, context: Any = None
) -> dict[str, Any]:
    ts = T0 + timedelta(hours=hours)
    message = {"type": "identify", "traits": traits}
    if context:
        message["context"] = {"traits": context}
    return {
        "seq": seq,
        "message_id": f"m{seq}",
        "source": f"src{seq % 3}",
        "type": "identify",
        "event": None,
        "user_id": user,
        "anonymous_id": anon,
        "timestamp": ts,
        "received_at": ts,
        "payload": json.dumps(message),
    }


def _identity(rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id_type": ["user_id"] * len(rows),
            "id_value": list(rows),
            "customer_id": list(rows.values()),
            "since": [T0] * len(rows),
            "reason": ["test"] * len(rows),
        }
    )


def _reset(store: IbisStore, events: list[dict[str, Any]], ids: pd.DataFrame) -> None:
    for name in ("events", "identity_map", PROFILE_TRAIT_VALUES_TABLE, PROFILE_TRAITS_TABLE):
        store.delete_where(name, _everything)
    store.append("events", pa.Table.from_pylist(events, schema=EVENT_SCHEMA))
    store.append("identity_map", ids)


def _everything(table: Any) -> Any:
    return table[table.columns[0]].isnull() | table[table.columns[0]].notnull()


def _by_key(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (r.customer_id, r.trait): (
            json.loads(r.value),
            r.source,
            pd.Timestamp(r.updated_at),
            r.strategy,
            bool(r.pii),
        )
        for r in frame.itertuples()
    }


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, abs_tol=1e-9)
    return bool(left == right) and type(left) is type(right)


@settings(max_examples=25, deadline=None)
@given(calls=CALLS)
def test_materialised_traits_agree_with_merge_traits(store: IbisStore, calls: list[Any]) -> None:
    events = [
        _event(i + 1, user, None, hours, traits, context)
        for i, (user, hours, traits, context) in enumerate(calls)
    ]
    ids = _identity({"u1": "c1", "u2": "c2", "u3": "c1"})  # u3 merged into c1
    _reset(store, events, ids)
    refresh_profile_traits(store, POLICY)
    got = _by_key(store.execute(store.table(PROFILE_TRAITS_TABLE)))
    frame = pd.DataFrame(events)
    frame["customer_id"] = frame.user_id.map({"u1": "c1", "u2": "c2", "u3": "c1"})
    rows = frame[["customer_id", "source", "timestamp", "seq", "payload"]]
    want = _by_key(merge_traits(long_traits(rows.itertuples(index=False)), POLICY))
    assert set(got) == set(want)
    for key, (value, *rest) in want.items():
        assert _same(got[key][0], value), (key, got[key][0], value)
        assert list(got[key][1:]) == rest, key


def test_refresh_is_incremental_and_follows_identity_merges(store: IbisStore) -> None:
    first = [
        _event(1, "u1", None, 0, {"city": "York", "points": 3}),
        _event(2, None, "dev-9", 1, {"city": "Leeds", "marketing_opt_in": True}),
    ]
    _reset(store, first, _identity({"u1": "c1"}))
    report = refresh_profile_traits(store)
    assert (report.events, report.values, report.rows) == (2, 4, 2)  # dev-9 not resolved yet
    device = pd.DataFrame(
        {
            "id_type": ["anonymous_id"],
            "id_value": ["dev-9"],
            "customer_id": ["c1"],
            "since": [T0],
            "reason": ["seen with user_id u1"],
        }
    )
    store.append("identity_map", device)
    store.append(
        "events",
        pa.Table.from_pylist([_event(3, "u1", None, 2, {"points": 4})], schema=EVENT_SCHEMA),
    )
    again = refresh_profile_traits(store)
    assert (again.events, again.values) == (1, 1)
    table = store.execute(store.table(PROFILE_TRAITS_TABLE)).set_index("trait")
    assert table.loc["city", "text"] == "Leeds" and table.loc["city", "customer_id"] == "c1"
    assert table.loc["points", "number"] == 4.0 and bool(table.loc["marketing_opt_in", "flag"])
    assert len(store.execute(store.table(PROFILE_TRAIT_VALUES_TABLE))) == 5


def test_explode_types_values_and_marks_empty_ones() -> None:
    payload = json.dumps(
        {"traits": {"city": "Leeds", "n": 2, "ok": False, "tags": ["a", 1], "blank": ""}}
    )
    rows = explode([(1, T0, "crm", "u1", None, payload)])
    assert rows.schema == VALUE_SCHEMA
    table = rows.to_pandas().set_index("trait")
    assert table.loc["city", "text"] == "Leeds" and table.loc["n", "number"] == 2.0
    assert not table.loc["ok", "flag"] and pd.isna(table.loc["ok", "number"])
    assert list(table.loc["tags", "items"]) == ["a", "1"] and table.loc["blank", "empty"]
