"""One warehouse contract, every backend: DuckDB and a real PostgreSQL server.

Each test runs once per backend (see conftest.py). Results are compared with answers computed
independently in pandas from the same rows, so passing on both backends means both give the
same answers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from vantage.collect.ingest import Ingestor
from vantage.core.errors import StoreError
from vantage.store.compaction import compact, rows_to_table, snapshot
from vantage.store.lake import LOG_COLUMNS, EventLog
from vantage.store.lake_sync import sync_events, synced_watermark
from vantage.store.migrations import (
    EVENTS_TABLE,
    MIGRATIONS,
    MIGRATIONS_TABLE,
    Migration,
    events_schema,
    migrate,
    schema_version,
)
from vantage.store.warehouse import IbisStore, Store, connect_store

RECEIVED = datetime(2024, 5, 3, 9, 0, tzinfo=UTC)
AWKWARD_TEXT = 'quote " comma , newline \n tab \t backslash \\ \\N unicode é 漢字 😀'


def _messages() -> list[dict[str, object]]:
    """Segment messages covering the awkward cases: nulls, offsets, odd characters."""
    out: list[dict[str, object]] = []
    for i in range(60):
        kind = ("track", "identify", "page")[i % 3]
        message: dict[str, object] = {
            "type": kind,
            "messageId": f"msg-{i:03d}",
            "timestamp": f"2024-05-0{1 + i % 2}T23:{i % 60:02d}:00-02:00",
        }
        if i % 4:
            message["userId"] = f"user-{i % 7}"
        else:
            message["anonymousId"] = f"anon-{i}"
        if kind == "track":
            message["event"] = ("Order Completed", "Product Viewed")[i % 2]
            message["properties"] = {"note": AWKWARD_TEXT, "revenue": i * 1.5}
        elif kind == "page":
            message["name"] = "" if i % 5 == 0 else "Home"
        out.append(message)
    return out


def _lake(home: Path) -> EventLog:
    log = EventLog(home)
    submission = Ingestor().prepare("web", _messages(), correct_skew=False, received_at=RECEIVED)
    assert not submission.rejected
    log.append([submission])
    return log


def _events(home: Path) -> pa.Table:
    log = _lake(home)
    conn = log.connect()
    try:
        rows = conn.execute(f"SELECT {', '.join(LOG_COLUMNS)} FROM log ORDER BY seq").fetchall()
    finally:
        conn.close()
    return rows_to_table(rows)


@pytest.fixture
def events(home: Path) -> pa.Table:
    return _events(home)


@pytest.fixture
def loaded(store: IbisStore, events: pa.Table) -> IbisStore:
    migrate(store)
    store.append(EVENTS_TABLE, events)
    return store


def test_events_round_trip_with_time_zones_and_nulls(loaded: IbisStore, events: pa.Table) -> None:
    table = loaded.table(EVENTS_TABLE)
    assert table.schema() == events_schema()
    back = loaded.to_arrow(table.order_by("seq"))
    assert back.cast(events.schema).equals(events)
    frame = loaded.execute(table.order_by("seq"))
    assert str(frame["timestamp"].dt.tz) == "UTC"
    # 23:00 at UTC-2 is 01:00 UTC the next day.
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2024-05-02T01:00:00Z")
    assert frame["received_at"].iloc[0] == pd.Timestamp(RECEIVED)
    assert frame["user_id"].isna().sum() == 15
    assert frame["event"].isna().sum() == 20
    assert (frame["event"] == "").sum() == 4
    assert frame["payload"].tolist() == events["payload"].to_pylist()


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Same missing marker (None) everywhere, fresh index: frames compare by value."""
    frame = frame.reset_index(drop=True)
    return frame.astype(object).where(frame.notna(), None)


Case = tuple[Callable[[ir.Table], ir.Table], Callable[[pd.DataFrame], pd.DataFrame]]
EXPRESSIONS: dict[str, Case] = {
    "filter": (
        lambda t: (
            t.filter((t.type == "track") & t.user_id.notnull())
            .select("seq", "message_id")
            .order_by("seq")
        ),
        lambda f: f[(f["type"] == "track") & f["user_id"].notna()][["seq", "message_id"]],
    ),
    "group_by_aggregate": (
        lambda t: (
            t.group_by(["type", "event"])
            .aggregate(
                n=t.count(),
                users=t.user_id.nunique(),
                first=t.timestamp.min(),
                last=t.timestamp.max(),
            )
            .order_by(["type", "event"])
        ),
        lambda f: (
            f.groupby(["type", "event"], dropna=False)
            .agg(
                n=("seq", "size"),
                users=("user_id", "nunique"),
                first=("timestamp", "min"),
                last=("timestamp", "max"),
            )
            .reset_index()
            .sort_values(["type", "event"], na_position="last")
        ),
    ),
    "event_day_in_utc": (
        lambda t: t.group_by(day=t.timestamp.date()).aggregate(n=t.count()).order_by("day"),
        lambda f: (
            f.assign(day=f["timestamp"].dt.floor("D").dt.tz_localize(None))
            .groupby("day")
            .agg(n=("seq", "size"))
            .reset_index()
        ),
    ),
    "coalesce_and_strings": (
        lambda t: (
            t.mutate(who=ibis.coalesce(t.user_id, t.anonymous_id))
            .group_by("who")
            .aggregate(n=lambda r: r.count(), longest=lambda r: r.message_id.length().max())
            .order_by("who")
        ),
        lambda f: (
            f.assign(who=f["user_id"].fillna(f["anonymous_id"]))
            .assign(length=f["message_id"].str.len())
            .groupby("who")
            .agg(n=("seq", "size"), longest=("length", "max"))
            .reset_index()
        ),
    ),
    "first_event_per_user_window": (
        lambda t: (
            t.filter(t.user_id.notnull())
            .mutate(rank=ibis.row_number().over(group_by=t.user_id, order_by=[t.timestamp, t.seq]))
            .filter(lambda r: r["rank"] == 0)
            .select("user_id", "message_id")
            .order_by("user_id")
        ),
        lambda f: (
            f[f["user_id"].notna()]
            .sort_values(["timestamp", "seq"])
            .groupby("user_id")
            .head(1)[["user_id", "message_id"]]
            .sort_values("user_id")
        ),
    ),
}


@pytest.mark.parametrize("name", list(EXPRESSIONS))
def test_ibis_expressions_give_the_same_answers(
    loaded: IbisStore, events: pa.Table, name: str
) -> None:
    build, oracle = EXPRESSIONS[name]
    got = loaded.execute(build(loaded.table(EVENTS_TABLE)))
    expected = oracle(events.to_pandas())
    assert len(got) > 1
    pd.testing.assert_frame_equal(_comparable(got), _comparable(expected), check_dtype=False)


def test_bulk_append_keeps_every_value_of_a_large_batch(store: IbisStore) -> None:
    n = 20_000
    awkward = ["", None, AWKWARD_TEXT, "plain", '""', "NULL"]
    data = pa.table(
        {
            "id": pa.array(range(n), pa.int64()),
            "text": pa.array([awkward[i % len(awkward)] for i in range(n)], pa.string()),
            "amount": pa.array([i / 7 if i % 9 else None for i in range(n)], pa.float64()),
            "flag": pa.array([None if i % 11 == 0 else i % 2 == 0 for i in range(n)]),
            "at": pa.array(
                [1_714_560_000_000_000 + i * 1_000_001 for i in range(n)],
                pa.timestamp("us", tz="UTC"),
            ),
            "day": pa.array([19_000 + i % 400 for i in range(n)], pa.date32()),
        }
    )
    store.create_table("wide", schema=data.schema)
    assert store.append("wide", data) == n
    back = store.to_arrow(store.table("wide").order_by("id"))
    assert back.cast(data.schema).equals(data)
    t = store.table("wide")
    empty = pc.sum(pc.equal(data["text"], "")).as_py()
    assert store.scalar(t.filter(t.text == "").count()) == empty
    assert store.scalar(t.text.isnull().sum()) == data["text"].null_count


def test_create_table_from_pandas_and_expressions(store: IbisStore) -> None:
    frame = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", None],
            "score": [0.5, None, 0.25],
            "computed_at": pd.to_datetime(["2024-05-01T10:00:00Z"] * 3, utc=True),
        }
    )
    store.create_table("scores", frame)
    scores = store.table("scores")
    store.create_table("top", scores.filter(scores.score > 0.3))
    assert store.execute(store.table("top"))["customer_id"].tolist() == ["c1"]
    store.create_table("scores", frame.head(1), overwrite=True)
    assert store.scalar(store.table("scores").count()) == 1
    assert sorted(store.list_tables()) == ["scores", "top"]


def test_delete_where_and_unknown_tables(store: IbisStore, events: pa.Table) -> None:
    migrate(store)
    store.append(EVENTS_TABLE, events)
    store.create_table("gone", pa.table({"message_id": ["msg-000", "msg-001"]}))
    gone = store.table("gone")
    assert store.delete_where(EVENTS_TABLE, lambda t: t.message_id.isin(gone.message_id)) == 2
    assert store.delete_where(EVENTS_TABLE, lambda t: t.seq > 50) == 10
    assert store.scalar(store.table(EVENTS_TABLE).count()) == 48
    with pytest.raises(StoreError, match=r"'nope' does not exist .*existing tables: .*events"):
        store.table("nope")


def test_transactions_roll_back_and_exclusive_ones_do_not_overlap(store_url: str) -> None:
    with connect_store(store_url) as first, connect_store(store_url) as second:
        first.create_table("t", pa.table({"id": [1]}))
        with pytest.raises(RuntimeError, match="boom"), first.transaction():
            first.append("t", pa.table({"id": [2]}))
            first.create_table("u", pa.table({"id": [1]}))
            raise RuntimeError("boom")
        assert first.list_tables() == ["t"]
        assert first.scalar(first.table("t").count()) == 1

        order: list[str] = []
        inside = threading.Event()

        def hold() -> None:
            with first.transaction(exclusive="job"):
                order.append("first in")
                inside.set()
                time.sleep(0.3)
                order.append("first out")

        holder = threading.Thread(target=hold)
        holder.start()
        inside.wait(10)
        with second.transaction(exclusive="job"):
            order.append("second in")
        holder.join()
        assert order == ["first in", "first out", "second in"]


def test_migrations_are_versioned_idempotent_and_refuse_newer(store: IbisStore) -> None:
    assert isinstance(store, Store)
    first = MIGRATIONS[:1]  # the mechanism, on the first migration; later ones append their own
    assert [m.version for m in migrate(store, first)] == [1]
    assert migrate(store, first) == []
    assert schema_version(store) == 1

    def broken(s: Store) -> None:
        s.create_table("half_done", schema={"x": "int64"})
        raise RuntimeError("exploded")

    with pytest.raises(RuntimeError, match="exploded"):
        migrate(store, (*first, Migration(2, "broken", broken)))
    assert not store.has_table("half_done")
    assert schema_version(store) == 1

    future = pa.table(
        {
            "version": [2],
            "name": ["future"],
            "applied_at": pa.array([datetime.now(UTC)], pa.timestamp("us", tz="UTC")),
        }
    )
    store.append(MIGRATIONS_TABLE, future)
    with pytest.raises(StoreError, match=r"schema version 2, newer than this Vantage knows"):
        migrate(store, first)


def test_lake_sync_is_idempotent_across_compactions(home: Path, store: IbisStore) -> None:
    log = _lake(home)
    compact(log, max_rows=25)
    first = sync_events(log, store)
    assert (first.inserted, first.watermark) == (60, 60)
    assert sync_events(log, store).inserted == 0
    compact(log)
    assert sync_events(log, store).inserted == 0
    more = Ingestor().prepare(
        "app",
        [
            {"type": "track", "event": "Late", "userId": "u", "messageId": f"late-{i}"}
            for i in range(5)
        ],
        received_at=RECEIVED,
    )
    log.append([more])
    # Leftovers of an interrupted run on an engine without transactions: replaced, not doubled.
    lake = snapshot(log).read()
    store.append(EVENTS_TABLE, lake.filter(pc.greater(lake["seq"], 62)))
    result = sync_events(log, store)
    assert (result.inserted, result.removed, result.watermark) == (5, 3, 65)
    assert synced_watermark(store) == 65
    back = store.to_arrow(store.table(EVENTS_TABLE).order_by("seq"))
    expected = snapshot(log).read().sort_by("seq")
    assert back.cast(expected.schema).equals(expected)
