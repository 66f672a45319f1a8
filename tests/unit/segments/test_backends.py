"""The same segments select the same customers on DuckDB and on a real PostgreSQL server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pandas as pd
import pyarrow as pa
import pytest
from segment_helpers import add_consent, add_predictions, members

from postgres_server import PostgresServer, find_bin_dir, in_ci
from vantage.profiles.traits import TraitPolicy
from vantage.segments.profile_traits import refresh_profile_traits
from vantage.solutions.features.sample import load_sample_shop
from vantage.store.compaction import EVENT_SCHEMA
from vantage.store.migrations import PROFILE_TRAITS_TABLE
from vantage.store.warehouse import IbisStore, connect_store

pytestmark = pytest.mark.postgres

CONDITIONS = [
    {"trait": "orders", "op": ">=", "value": 2},
    {"not": {"trait": "average_order_value", "op": ">", "value": 30}},
    {
        "event": "Order Completed",
        "count": {"op": ">=", "value": 1},
        "within": "120d",
        "where": {"property": "revenue", "op": ">", "value": 40},
    },
    {"did": "Product Viewed", "not_followed_by": "Order Completed", "within": "1d"},
    {
        "all": [
            {"prediction": "propensity_30d", "op": ">", "value": 0.5},
            {"consent": "email_marketing"},
        ]
    },
    {"trait": "favourite_category", "op": "contains", "value": "ha"},
    {"trait": "last_seen", "op": ">", "value": "2025-03-01"},
]


def shop(url: str) -> IbisStore:
    store = connect_store(url)
    load_sample_shop(store, customers=20, seed=3)
    add_predictions(store, "propensity_30d", {f"c{i}": i / 24 for i in range(24)})
    add_consent(store, {f"c{i}": i % 3 != 0 for i in range(0, 24, 2)})
    return store


@pytest.fixture(scope="module")
def postgres() -> Iterator[IbisStore]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = "PostgreSQL server programs (initdb, pg_ctl) not found: install postgresql"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    server = PostgresServer(bin_dir).start()
    store = shop(server.url)
    try:
        yield store
    finally:
        store.close()
        server.stop()


def test_duckdb_and_postgresql_agree(postgres: IbisStore) -> None:
    duck = shop("duckdb://:memory:")
    for where in CONDITIONS:
        spec = {"name": "s", "where": where}
        assert members(postgres, spec) == members(duck, spec), where


def test_profile_traits_are_merged_alike_on_duckdb_and_postgresql(postgres: IbisStore) -> None:
    policy = TraitPolicy(strategies={"points": "sum", "tags": "union", "first": "first_seen"})
    calls = [
        ("u1", {"city": "Leeds", "points": 2, "tags": ["a", "b"], "first": "x", "nick": ""}),
        ("u2", {"city": "York", "points": 1.5, "tags": "c", "vip": True}),
        ("u1", {"city": "O'Hara; DROP TABLE events", "points": 3, "tags": ["b"], "first": "y"}),
        ("u3", {"address": {"city": "Bath"}, "nick": "Al"}),
    ]
    tables = []
    duck = connect_store("duckdb://:memory:")
    load_sample_shop(duck, customers=20, seed=3)
    for store in (postgres, duck):
        last = int(store.scalar(store.table("events").seq.max()))
        rows = [
            {
                "seq": last + n,
                "message_id": f"id-{n}",
                "source": "crm",
                "type": "identify",
                "event": None,
                "user_id": user,
                "anonymous_id": None,
                "timestamp": datetime(2025, 7, 1, tzinfo=UTC) + timedelta(minutes=n),
                "received_at": datetime(2025, 7, 1, tzinfo=UTC),
                "payload": json.dumps({"traits": traits}),
            }
            for n, (user, traits) in enumerate(calls, start=1)
        ]
        store.append("events", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
        refresh_profile_traits(store, policy)
        frame = store.execute(store.table(PROFILE_TRAITS_TABLE)).drop(columns=["updated_at"])
        tables.append(frame.sort_values(["customer_id", "trait"]).reset_index(drop=True))
    duck.close()
    assert len(tables[0]) == 11
    pd.testing.assert_frame_equal(tables[0], tables[1], check_dtype=False)
