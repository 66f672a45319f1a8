import doctest
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
import pytest

from vantage.core.errors import StoreError
from vantage.store import warehouse
from vantage.store.backends import DuckDBHooks, mask_url
from vantage.store.warehouse import IbisStore, Store, connect_store

SCHEMA = {"id": "!int64", "name": "string", "at": "timestamp('UTC', 6)"}
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Iterator[IbisStore]:
    with connect_store("duckdb://:memory:") as opened:
        yield opened


def _rows(*ids: int) -> pa.Table:
    return pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "name": pa.array([None if i % 2 else f"n{i}" for i in ids], pa.string()),
            "at": pa.array([T0] * len(ids), pa.timestamp("us", tz="UTC")),
        }
    )


def test_store_round_trips_rows_and_runs_ibis_expressions(store: IbisStore) -> None:
    assert isinstance(store, Store)
    assert store.backend == "duckdb"
    store.create_table("people", schema=SCHEMA)
    assert store.append("people", _rows(1, 2, 3, 4)) == 4
    t = store.table("people")
    frame = store.execute(t.order_by("id"))
    assert list(frame["id"]) == [1, 2, 3, 4]
    assert frame["name"].isna().tolist() == [True, False, True, False]
    assert frame["at"].dt.tz is not None
    assert frame["at"].iloc[0] == pd.Timestamp(T0)
    assert store.scalar(t.filter(t.name.notnull()).count()) == 2
    assert store.scalar(t.filter(t.id > 10).id.max()) is None
    assert store.to_arrow(t.order_by("id"))["id"].to_pylist() == [1, 2, 3, 4]
    assert store.list_tables() == ["people"]
    assert store.has_table("people")
    assert not store.has_table("nobody")


def test_duckdb_file_warehouse_persists_and_creates_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "warehouse.duckdb"
    with connect_store(f"duckdb:///{path}") as first:
        first.create_table("t", _rows(1, 2))
    assert path.is_file()
    with connect_store(f"duckdb://{path}") as second:
        assert second.scalar(second.table("t").count()) == 2
        assert second.url == f"duckdb://{path}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("duckdb://", ":memory:"),
        ("duckdb://:memory:", ":memory:"),
        ("duckdb:///:memory:", ":memory:"),
        ("duckdb:///srv/w.duckdb", "/srv/w.duckdb"),
    ],
)
def test_duckdb_url_forms(url: str, expected: str) -> None:
    assert DuckDBHooks.database_path(url) == expected


def test_relative_duckdb_path_is_resolved_against_the_working_directory(home: Path) -> None:
    assert DuckDBHooks.database_path("duckdb://w.duckdb") == str(Path.cwd() / "w.duckdb")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", r"Unsupported warehouse URL 'mysql://u@h/db' \(scheme 'mysql'\)"),
        ("warehouse.duckdb", r"Unsupported warehouse URL 'warehouse.duckdb' \(no scheme\)"),
        ("postgresql://u:secret@127.0.0.1:1", r"names no database"),
        ("pyspark://local", r"Spark warehouse backend \(pyspark://\) is not available"),
    ],
)
def test_bad_urls_are_refused_with_the_accepted_forms(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as info:
        connect_store(url)
    assert "secret" not in str(info.value)
    assert "postgresql://user:password@host" in str(info.value)


def test_close_is_idempotent() -> None:
    store = connect_store("duckdb://:memory:")
    store.close()
    store.close()


def test_unreachable_postgres_says_what_to_do() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://vantage:hunter2@127.0.0.1:{port}/warehouse"
    with pytest.raises(StoreError, match="Cannot connect to the PostgreSQL warehouse") as info:
        connect_store(url)
    assert "hunter2" not in str(info.value)
    assert f"vantage:***@127.0.0.1:{port}" in str(info.value)
    assert "Start PostgreSQL" in str(info.value)


def test_duckdb_file_held_by_another_process_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', "
            "flush=True); time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="in use by another process") as info:
            connect_store(f"duckdb:///{path}")
        assert "vantage serve" in str(info.value)
    finally:
        holder.kill()
        holder.wait()


def test_unknown_table_lists_the_existing_ones(store: IbisStore) -> None:
    store.create_table("b", schema=SCHEMA)
    store.create_table("a", schema=SCHEMA)
    with pytest.raises(StoreError, match=r"'nope' does not exist .*existing tables: a, b\)"):
        store.table("nope")
    with pytest.raises(StoreError, match="apply the warehouse migrations"):
        store.append("nope", _rows(1))
    with pytest.raises(StoreError, match=r"existing tables: a, b"):
        store.drop_table("nope")
    store.drop_table("nope", missing_ok=True)


def test_create_table_refuses_to_clobber_unless_asked(store: IbisStore) -> None:
    store.create_table("t", _rows(1, 2))
    with pytest.raises(StoreError, match=r"'t' already exists.*overwrite=True"):
        store.create_table("t", _rows(3))
    store.create_table("t", _rows(3), overwrite=True)
    assert store.execute(store.table("t"))["id"].tolist() == [3]
    with pytest.raises(StoreError, match="neither rows nor a schema"):
        store.create_table("u")
    with pytest.raises(StoreError, match=r"column\(s\) name hold only nulls.*Pass schema="):
        store.create_table("u", pa.table({"id": [1], "name": [None]}))
    store.create_table("u", pa.table({"id": [1], "name": [None]}), schema=SCHEMA)
    assert store.execute(store.table("u"))["name"].isna().all()


def test_create_table_from_pandas_and_from_an_expression(store: IbisStore) -> None:
    frame = pd.DataFrame(
        {"id": [1, 2, 3], "name": ["x", None, "z"], "at": pd.to_datetime([T0] * 3, utc=True)}
    )
    store.create_table("src", frame)
    src = store.table("src")
    assert src.schema()["at"].timezone == "UTC"
    store.create_table("big", src.filter(src.id >= 2).mutate(double=src.id * 2))
    assert sorted(store.execute(store.table("big"))["double"]) == [4, 6]


def test_append_matches_columns_by_name_and_fills_missing_ones(store: IbisStore) -> None:
    store.create_table("t", schema=SCHEMA)
    assert store.append("t", pa.table({"name": ["late"], "id": [7]})) == 1
    assert store.append("t", pd.DataFrame({"id": [8]})) == 1
    assert store.append("t", _rows().slice(0, 0)) == 0
    frame = store.execute(store.table("t").order_by("id"))
    assert frame["name"].tolist()[0] == "late"
    assert frame["at"].isna().all()


def test_append_refuses_unknown_columns_and_values_that_do_not_fit(store: IbisStore) -> None:
    store.create_table("t", schema=SCHEMA)
    with pytest.raises(StoreError, match=r"has no column\(s\) colour.*id int64"):
        store.append("t", pa.table({"id": [1], "colour": ["red"]}))
    with pytest.raises(StoreError, match=r"Column 'id' .*stores it as int64"):
        store.append("t", pa.table({"id": ["not a number"]}))
    with pytest.raises(StoreError, match=r"Appending 1 rows to warehouse table 't' failed"):
        store.append("t", pa.table({"id": pa.array([None], pa.int64())}))
    with pytest.raises(StoreError, match=r"pyarrow\.Table or a pandas\.DataFrame"):
        store.append("t", [{"id": 1}])  # type: ignore[arg-type]
    assert store.scalar(store.table("t").count()) == 0


def test_delete_where_takes_ibis_predicates(store: IbisStore) -> None:
    store.create_table("t", _rows(1, 2, 3, 4, 5))
    store.create_table("gone", pa.table({"id": [2, 3]}))
    gone = store.table("gone")
    assert store.delete_where("t", lambda t: t.id.isin(gone.id)) == 2
    assert store.delete_where("t", lambda t: (t.id > 4) | t.name.isnull()) == 2
    assert store.delete_where("t", lambda t: t.id > 100) == 0
    assert store.execute(store.table("t"))["id"].tolist() == [4]


def test_delete_where_refuses_predicates_that_are_not_row_filters(store: IbisStore) -> None:
    store.create_table("t", _rows(1, 2))
    with pytest.raises(StoreError, match="not a plain row filter"):
        store.delete_where("t", lambda t: ibis.row_number().over(order_by=t.id) > 0)


def test_transaction_rolls_back_everything_on_error(store: IbisStore) -> None:
    store.create_table("t", _rows(1))
    with pytest.raises(RuntimeError, match="boom"), store.transaction(exclusive="x"):
        store.append("t", _rows(2, 3))
        store.create_table("new", schema=SCHEMA)
        with store.transaction():
            store.append("t", _rows(4))
        raise RuntimeError("boom")
    assert store.list_tables() == ["t"]
    assert store.execute(store.table("t"))["id"].tolist() == [1]
    with store.transaction():
        store.append("t", _rows(5))
    assert store.scalar(store.table("t").count()) == 2


def test_concurrent_appends_from_threads_are_serialised(store: IbisStore) -> None:
    store.create_table("t", schema=SCHEMA)

    def work(worker: int) -> None:
        for i in range(20):
            store.append("t", _rows(worker * 100 + i))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    t = store.table("t")
    assert store.scalar(t.count()) == 160
    assert store.scalar(t.id.nunique()) == 160


def test_add_range_index_needs_the_table(store: IbisStore) -> None:
    store.create_table("t", _rows(1))
    store.add_range_index("t", "id")
    with pytest.raises(StoreError, match="'u' does not exist"):
        store.add_range_index("u", "id")


def test_mask_url_hides_only_the_password() -> None:
    assert mask_url("postgresql://me:pw@h:5/db") == "postgresql://me:***@h:5/db"
    assert mask_url("duckdb:///x.duckdb") == "duckdb:///x.duckdb"


def test_module_example_runs() -> None:
    result = doctest.testmod(warehouse, extraglobs={"pa": pa})
    assert result.attempted > 0
    assert result.failed == 0
