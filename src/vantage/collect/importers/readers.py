"""Streaming readers: CSV, JSON Lines, Parquet files and SQL tables or queries, in bounded chunks.

Each reader yields :class:`RowBatch` objects of at most ``chunk_size`` rows, so a file of any size
is imported in constant memory. Rows are plain dicts (column -> value) with their row number: the
line number in CSV and JSON Lines files (the CSV header is line 1, as a spreadsheet shows it), the
position from 1 in Parquet files and SQL results. A line that cannot be parsed becomes a
:class:`BadRow` with the reason; it never stops the rows after it.
"""

from __future__ import annotations

import abc
import csv
import gzip
import io
import itertools
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from vantage.core.errors import VantageError

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_DELIMITERS = (",", ";", "\t", "|")


class ImportSourceError(VantageError):
    """The file or database to import from cannot be read."""


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row that could not even be parsed.

    Attributes:
        number: Its line number (or position).
        field: ``(line)`` or ``(row)``.
        reason: What is wrong and how to fix it, starting with the field.
        raw: The raw text, for the failed-events table.
    """

    number: int
    field: str
    reason: str
    raw: str


@dataclass(slots=True)
class RowBatch:
    """One chunk of rows.

    Attributes:
        rows: One dict per row (column -> value).
        numbers: The row number of each row, in the same order.
        bad: Rows in this chunk that could not be parsed.
        columns: The columns of these rows when the reader only learns them while reading.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    columns: list[str] | None = None

    def __len__(self) -> int:
        return len(self.rows) + len(self.bad)


class TableReader(abc.ABC):
    """Base of the readers.

    Attributes:
        kind: ``csv``, ``jsonl``, ``parquet`` or ``sql``.
        label: Names the file or table in messages.
        columns: The columns, when known before reading (None for JSON Lines and SQL queries).
        total: The number of rows, when cheap to know (Parquet metadata, SQL tables).
        chunk_size: Most rows per batch.
    """

    kind = ""

    def __init__(self, label: str, chunk_size: int) -> None:
        if chunk_size < 1:
            raise ImportSourceError(
                f"chunk_size must be at least 1, got {chunk_size}.", "use the default of 5000."
            )
        self.label = label
        self.chunk_size = chunk_size
        self.columns: list[str] | None = None
        self.total: int | None = None

    @abc.abstractmethod
    def batches(self) -> Iterator[RowBatch]:
        """Yield the rows in chunks of at most ``chunk_size``."""

    def close(self) -> None:  # noqa: B027 (optional hook, a no-op for files)
        """Release what the reader holds open (database connections)."""


def _open_binary(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return io.BufferedReader(gzip.open(path, "rb"))
    return path.open("rb")


def _not_utf8(path: Path, line: int, exc: UnicodeDecodeError) -> ImportSourceError:
    return ImportSourceError(
        f"{path} is not UTF-8 text (near line {line}: {exc.reason}).",
        "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8'); rows before it were imported "
        "and re-importing skips them.",
    )


def _text_lines(path: Path) -> Generator[str, None, None]:
    """The lines of a UTF-8 file, decoded one by one so a bad byte is reported at its line."""
    with _open_binary(path) as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise _not_utf8(path, number, exc) from exc


class CsvReader(TableReader):
    """A CSV (or TSV) file whose first row names the columns; every value is read as text."""

    kind = "csv"

    def __init__(self, path: Path, chunk_size: int) -> None:
        super().__init__(path.name, chunk_size)
        self.path = path
        lines = _text_lines(path)
        try:
            first = next(lines, "")
            self.delimiter = _sniff(path, first)
            header = next(
                csv.reader(itertools.chain([first], lines), delimiter=self.delimiter), None
            )
        except csv.Error as exc:
            raise ImportSourceError(
                f"the header row of {path} cannot be parsed: {exc}.",
                "the first line must name the columns, separated by commas.",
            ) from exc
        finally:
            lines.close()
        if not header or not any(h.strip() for h in header):
            raise ImportSourceError(
                f"{path} is empty or has an empty first line.",
                "the first line of a CSV file must name its columns, e.g. email,first_name.",
            )
        names = [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ImportSourceError(
                f"{path} has duplicate column names: {', '.join(dupes)}.",
                "rename the columns in the header row so each name is unique.",
            )
        self.columns = names

    def batches(self) -> Iterator[RowBatch]:
        """Yield the rows in chunks; short rows are padded, long rows become bad rows."""
        columns = self.columns or []
        width = len(columns)
        batch = RowBatch()
        lines = _text_lines(self.path)
        try:
            reader = csv.reader(lines, delimiter=self.delimiter)
            last_line = 0
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    batch.bad.append(
                        BadRow(last_line + 1, "(row)", f"(row): cannot be parsed: {exc}", "")
                    )
                    last_line = reader.line_num
                    continue
                start, last_line = last_line + 1, reader.line_num
                if start == 1 or not any(v.strip() for v in values):
                    continue
                if len(values) > width:
                    batch.bad.append(_long_row(start, values, width, self.delimiter))
                else:
                    values += [""] * (width - len(values))
                    batch.rows.append(dict(zip(columns, values, strict=True)))
                    batch.numbers.append(start)
                if len(batch) >= self.chunk_size:
                    yield batch
                    batch = RowBatch()
        finally:
            lines.close()
        if len(batch):
            yield batch


def _long_row(line: int, values: list[str], width: int, delimiter: str) -> BadRow:
    shown = "tab" if delimiter == "\t" else repr(delimiter)
    return BadRow(
        line,
        "(row)",
        f"(row): has {len(values)} values but the header names {width} columns; "
        f"quote values that contain the delimiter {shown}",
        delimiter.join(values),
    )


def _sniff(path: Path, first_line: str) -> str:
    if path.name.lower().removesuffix(".gz").endswith(".tsv"):
        return "\t"
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class JsonLinesReader(TableReader):
    """A JSON Lines file: one JSON object per line."""

    kind = "jsonl"

    def __init__(self, path: Path, chunk_size: int) -> None:
        super().__init__(path.name, chunk_size)
        self.path = path
        with _open_binary(path) as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"["):
            raise ImportSourceError(
                f"{path} holds a JSON array, not JSON Lines.",
                "write one JSON object per line, e.g. jq -c '.[]' in.json > out.jsonl.",
            )

    def batches(self) -> Iterator[RowBatch]:
        """Yield the objects in chunks; each chunk lists the keys its rows use."""
        batch = RowBatch()
        keys: dict[str, None] = {}
        with _open_binary(self.path) as fh:
            for number, line in enumerate(fh, start=1):
                text = line.strip()
                if not text:
                    continue
                try:
                    value = orjson.loads(text)
                except orjson.JSONDecodeError as exc:
                    batch.bad.append(_bad_line(number, f"not valid JSON ({exc})", text))
                else:
                    if isinstance(value, dict):
                        batch.rows.append(value)
                        batch.numbers.append(number)
                        keys.update(dict.fromkeys(value))
                    else:
                        kind = type(value).__name__
                        batch.bad.append(_bad_line(number, f"is a JSON {kind}", text))
                if len(batch) >= self.chunk_size:
                    batch.columns = list(keys)
                    yield batch
                    batch, keys = RowBatch(), {}
        if len(batch):
            batch.columns = list(keys)
            yield batch


def _bad_line(number: int, problem: str, text: bytes) -> BadRow:
    return BadRow(
        number,
        "(line)",
        f"(line): {problem}; each line must hold one JSON object",
        text[:10_000].decode("utf-8", "replace"),
    )


class ParquetReader(TableReader):
    """A Parquet file, read one row group slice at a time."""

    kind = "parquet"

    def __init__(self, path: Path, chunk_size: int) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        super().__init__(path.name, chunk_size)
        self.path = path
        try:
            with pq.ParquetFile(path) as pf:
                self.columns = list(pf.schema_arrow.names)
                self.total = pf.metadata.num_rows
        except (pa.ArrowException, OSError) as exc:
            raise ImportSourceError(
                f"{path} is not a readable Parquet file: {exc}.",
                "check that the file is complete and really Parquet (or rename it to .csv).",
            ) from exc

    def batches(self) -> Iterator[RowBatch]:
        """Yield the rows in chunks, with their positions from 1."""
        import pyarrow.parquet as pq

        done = 0
        with pq.ParquetFile(self.path) as pf:
            for record_batch in pf.iter_batches(batch_size=self.chunk_size):
                rows = record_batch.to_pylist()
                yield RowBatch(rows, list(range(done + 1, done + len(rows) + 1)))
                done += len(rows)


def open_reader(
    path_or_url: str | Path,
    *,
    table: str | None = None,
    query: str | None = None,
    chunk_size: int = 5000,
) -> TableReader:
    """Open the reader that fits a file suffix or a SQLAlchemy URL.

    Args:
        path_or_url: A ``.csv``/``.tsv``, ``.parquet``/``.pq`` or ``.jsonl``/``.ndjson``/``.json``
            file (optionally ``.gz`` for text formats), or a SQLAlchemy URL such as
            ``sqlite:///shop.db`` or ``postgresql://user@host/db``.
        table: Table to read from a database (``schema.table`` allowed).
        query: SQL query to read from a database (instead of ``table``).
        chunk_size: Most rows per batch.

    Returns:
        The reader; errors about the file or table are raised here, before any row is read.

    Raises:
        ImportSourceError: Missing file, unknown format, unknown table, or an unusable URL.
    """
    text = str(path_or_url)
    if _URL.match(text) and not text.startswith("file://"):
        from vantage.collect.importers.sql import SqlReader

        return SqlReader(text, table=table, query=query, chunk_size=chunk_size)
    path = Path(text.removeprefix("file://"))
    if table or query:
        raise ImportSourceError(
            f"table and query apply to databases, but {path} is a file.",
            "drop --table/--query, or give a SQLAlchemy URL such as sqlite:///shop.db.",
        )
    if not path.exists():
        raise ImportSourceError(f"{path} does not exist.", "check the path and the file name.")
    if path.is_dir():
        raise ImportSourceError(f"{path} is a folder.", "name one file inside it.")
    suffix = path.name.lower().removesuffix(".gz")
    if suffix.endswith(CSV_SUFFIXES):
        return CsvReader(path, chunk_size)
    if suffix.endswith(JSONL_SUFFIXES):
        return JsonLinesReader(path, chunk_size)
    if suffix.endswith(PARQUET_SUFFIXES) and not path.name.lower().endswith(".gz"):
        return ParquetReader(path, chunk_size)
    known = ", ".join((*CSV_SUFFIXES, *JSONL_SUFFIXES, *PARQUET_SUFFIXES))
    raise ImportSourceError(
        f"cannot tell the format of {path} from its name.",
        f"use one of the suffixes {known} (text formats may add .gz), "
        "or a SQLAlchemy URL such as sqlite:///shop.db.",
    )


def read_batches(
    path_or_url: str | Path,
    *,
    table: str | None = None,
    query: str | None = None,
    chunk_size: int = 5000,
) -> Iterator[RowBatch]:
    """Stream the rows of a file or database table in chunks (see :func:`open_reader`).

    Errors about the file, format or table are raised by this call, not at the first chunk.
    """
    return open_reader(path_or_url, table=table, query=query, chunk_size=chunk_size).batches()
