from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vantage.collect.importers import ImportSourceError, RowBatch, open_reader, read_batches


def rows_of(batches: list[RowBatch]) -> list[dict[str, object]]:
    return [row for batch in batches for row in batch.rows]


def test_csv_rows_are_text_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(
        '\ufeffid, email ,note\n1,a@b.co,"two\nlines"\n\n007,c@d.co\n3,e@f.co,x,extra\n',
        encoding="utf-8",
    )
    reader = open_reader(path)
    assert reader.kind == "csv"
    assert reader.columns == ["id", "email", "note"]
    [batch] = list(reader.batches())
    assert batch.rows == [
        {"id": "1", "email": "a@b.co", "note": "two\nlines"},
        {"id": "007", "email": "c@d.co", "note": ""},
    ]
    assert batch.numbers == [2, 5]
    [bad] = batch.bad
    assert bad.number == 6
    assert bad.field == "(row)"
    assert "has 4 values but the header names 3 columns" in bad.reason


def test_csv_delimiters_and_gzip(tmp_path: Path) -> None:
    semi = tmp_path / "export.csv"
    semi.write_text("id;name\n1;Ann\n", encoding="utf-8")
    assert rows_of(list(read_batches(semi))) == [{"id": "1", "name": "Ann"}]
    tsv = tmp_path / "export.tsv.gz"
    with gzip.open(tsv, "wt", encoding="utf-8") as fh:
        fh.write("id\tname\n1\tAnn, Jr\n")
    assert rows_of(list(read_batches(tsv))) == [{"id": "1", "name": "Ann, Jr"}]


def test_csv_chunks_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(25)), encoding="utf-8")
    batches = list(read_batches(path, chunk_size=10))
    assert [len(b) for b in batches] == [10, 10, 5]
    assert batches[-1].numbers[-1] == 26


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", r"is empty or has an empty first line"),
        ("a,b,a\n1,2,3\n", r"duplicate column names: a"),
    ],
)
def test_csv_header_errors(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportSourceError, match=match):
        open_reader(path)


def test_csv_field_over_the_limit_is_a_bad_row_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("a,b\n1,2\n3," + "x" * 200_000 + "\n5,6\n", encoding="utf-8")
    [batch] = list(read_batches(path))
    assert batch.numbers == [2, 4]
    [bad] = batch.bad
    assert (bad.number, bad.field) == (3, "(row)")
    assert "cannot be parsed: field larger than field limit" in bad.reason
    header = tmp_path / "header.csv"
    header.write_text("x" * 200_000 + "\n1\n", encoding="utf-8")
    with pytest.raises(ImportSourceError, match=r"the header row of .* cannot be parsed"):
        open_reader(header)


def test_csv_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"name\nAnn\nJos\xe9\n")
    with pytest.raises(ImportSourceError, match=r"is not UTF-8 text \(near line 3"):
        list(read_batches(path))


def test_jsonl_objects_bad_lines_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"a": 1}\n\n{not json}\n[1, 2]\n{"b": {"c": 2}}\n', encoding="utf-8")
    reader = open_reader(path)
    assert reader.kind == "jsonl"
    assert reader.columns is None
    [batch] = list(reader.batches())
    assert batch.rows == [{"a": 1}, {"b": {"c": 2}}]
    assert batch.numbers == [1, 5]
    assert batch.columns == ["a", "b"]
    assert [(b.number, b.field) for b in batch.bad] == [(3, "(line)"), (4, "(line)")]
    assert "not valid JSON" in batch.bad[0].reason
    assert "is a JSON list" in batch.bad[1].reason


def test_json_array_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text('[{"a": 1}]', encoding="utf-8")
    with pytest.raises(ImportSourceError, match=r"holds a JSON array.*jq -c"):
        open_reader(path)


def test_parquet_batches_and_total(tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.table({"id": list(range(12)), "amount": [1.5] * 12}), path)
    reader = open_reader(path, chunk_size=5)
    assert reader.columns == ["id", "amount"]
    assert reader.total == 12
    batches = list(reader.batches())
    assert [len(b) for b in batches] == [5, 5, 2]
    assert batches[2].numbers == [11, 12]
    assert batches[2].rows[-1] == {"id": 11, "amount": 1.5}


def test_not_parquet(tmp_path: Path) -> None:
    path = tmp_path / "fake.parquet"
    path.write_text("id\n1\n", encoding="utf-8")
    with pytest.raises(ImportSourceError, match=r"is not a readable Parquet file"):
        open_reader(path)


def make_db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER, email TEXT)")
        conn.executemany(
            "INSERT INTO customers VALUES (?, ?)", [(i, f"u{i}@x.io") for i in range(7)]
        )
    return path


def test_sql_table_and_query(tmp_path: Path) -> None:
    url = f"sqlite:///{make_db(tmp_path)}"
    reader = open_reader(url, table="customers", chunk_size=3)
    assert reader.kind == "sql"
    assert reader.columns == ["id", "email"]
    assert reader.total == 7
    batches = list(reader.batches())
    assert [len(b) for b in batches] == [3, 3, 1]
    assert batches[0].rows[0] == {"id": 0, "email": "u0@x.io"}
    query = open_reader(url, query="SELECT email AS mail FROM customers WHERE id > 4")
    assert query.columns is None
    [batch] = list(query.batches())
    assert batch.columns == ["mail"]
    assert batch.rows == [{"mail": "u5@x.io"}, {"mail": "u6@x.io"}]
    assert batch.numbers == [1, 2]


def test_sql_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{make_db(tmp_path)}"
    with pytest.raises(
        ImportSourceError, match=r"table 'orders' does not exist.*tables: customers"
    ):
        open_reader(url, table="orders")
    with pytest.raises(ImportSourceError, match=r"name exactly one of table or query"):
        open_reader(url)
    with pytest.raises(ImportSourceError, match=r"name exactly one of table or query"):
        open_reader(url, table="customers", query="SELECT 1")
    with pytest.raises(ImportSourceError, match=r"SQLite database .*missing.db .* does not exist"):
        open_reader(f"sqlite:///{tmp_path / 'missing.db'}", table="customers")
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(ImportSourceError, match=r"reading from sqlite.* failed: no such column"):
        list(read_batches(url, query="SELECT nope FROM customers"))
    with pytest.raises(ImportSourceError, match=r"no database driver for nosuchdb://"):
        open_reader("nosuchdb://host/db", table="t")


def test_password_never_shown(tmp_path: Path) -> None:
    with pytest.raises(ImportSourceError) as info:
        open_reader("postgresql://ann:s3cret@localhost:1/db")
    assert "s3cret" not in str(info.value)
    assert "***" in str(info.value)


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ImportSourceError, match=r"nope.csv does not exist"):
        open_reader(tmp_path / "nope.csv")
    with pytest.raises(ImportSourceError, match=r"is a folder"):
        open_reader(tmp_path)
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"x")
    with pytest.raises(ImportSourceError, match=r"cannot tell the format of .*data.xlsx.*\.csv"):
        open_reader(odd)
    csv_path = tmp_path / "a.csv"
    csv_path.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(ImportSourceError, match=r"table and query apply to databases"):
        open_reader(csv_path, table="t")
    with pytest.raises(ImportSourceError, match=r"chunk_size must be at least 1"):
        open_reader(csv_path, chunk_size=0)
