"""The same segments select the same customers on DuckDB and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from segment_helpers import add_consent, add_predictions, members

from postgres_server import PostgresServer, find_bin_dir, in_ci
from vantage.solutions.features.sample import load_sample_shop
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
