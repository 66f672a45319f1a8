"""The few backend-specific bits of the warehouse, one hook class per engine (Splink style).

Everything else in :mod:`vantage.store.warehouse` is plain Ibis and runs unchanged on every
engine. A new engine (Apache Spark through ``ibis.pyspark``) is added by subclassing
:class:`BackendHooks`, filling ``connect`` and whichever hooks its engine does differently
(bulk append, transactions, DML), and registering the URL scheme in :data:`BACKENDS`.
"""

from __future__ import annotations

import contextlib
import io
import threading
import uuid
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote, urlsplit

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from vantage.core.errors import StoreError

URL_FORMS = (
    "duckdb:///path/to/warehouse.duckdb, duckdb://:memory: or "
    "postgresql://user:password@host:port/database"
)


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***`` (safe for messages and logs)."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class BackendHooks(ABC):
    """Engine-specific behaviour behind the warehouse; the defaults are plain Ibis."""

    name: ClassVar[str] = "ibis"

    @abstractmethod
    def connect(self, url: str) -> BaseBackend:
        """Open an Ibis backend for ``url``; raise :class:`StoreError` when it cannot."""

    def bulk_append(self, con: BaseBackend, name: str, table: pa.Table) -> None:
        """Append an Arrow table whose columns already match the target table's."""
        con.insert(name, ibis.memtable(table))

    @contextmanager
    def transaction(self, con: BaseBackend, exclusive: str | None) -> Iterator[None]:
        """A transaction; ``exclusive`` names a lock held until it ends (no-op by default)."""
        yield

    def execute_dml(self, con: BaseBackend, sql: str) -> int:
        """Run one DELETE/UPDATE statement and return the number of rows it touched."""
        raise StoreError(
            f"The {self.name} warehouse backend cannot delete or update rows.",
            "Rewrite the table with create_table(..., overwrite=True) instead.",
        )

    def add_range_index(self, con: BaseBackend, table: str, column: str) -> None:
        """Make range filters on an insertion-ordered column cheap (nothing by default)."""
        del con, table, column

    def json_text(self, document: ir.StringValue, path: Sequence[str]) -> ir.StringValue:
        """The value at ``path`` inside a JSON text column, as text (NULL when absent)."""
        value: ir.Value = document.cast("json")
        for key in path:
            value = value[key]
        return value.str


class DuckDBHooks(BackendHooks):
    """DuckDB: one file (or memory), one writing process, Arrow-native inserts."""

    name = "duckdb"

    def json_text(self, document: ir.StringValue, path: Sequence[str]) -> ir.StringValue:
        """``json_extract_string``: text for numbers and booleans too (Ibis' unwrap gives NULL)."""
        quoted = ".".join('"' + key.replace('"', '\\"') + '"' for key in path)
        return _duckdb_json_extract_string(document, f"$.{quoted}")

    @staticmethod
    def database_path(url: str) -> str:
        """``:memory:`` or the absolute file path named by a ``duckdb://`` URL."""
        rest = url.split("://", 1)[1].split("?", 1)[0] if "://" in url else ""
        rest = unquote(rest)
        if rest in {"", ":memory:", "/:memory:"}:
            return ":memory:"
        return str(Path(rest).expanduser().resolve())

    def connect(self, url: str) -> BaseBackend:
        """Open (creating it when missing) the DuckDB database of ``url``."""
        import duckdb

        path = self.database_path(url)
        config: dict[str, Any] = dict(parse_qsl(urlsplit(url).query))
        read_only = str(config.pop("read_only", "false")).lower() in {"1", "true", "yes"}
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            return ibis.duckdb.connect(path, read_only=read_only, **config)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"The DuckDB warehouse {path} is in use by another process "
                    f"({_first_line(exc)}).",
                    "DuckDB allows one writing process: stop the other process (for example "
                    "`vantage serve`) or send the work through it, or use a PostgreSQL "
                    "warehouse (VANTAGE_STORE=postgresql://...) for shared access.",
                ) from exc
            raise StoreError(
                f"Cannot open the DuckDB warehouse {path}: {_first_line(exc)}.",
                "Check that the folder exists and is writable, or fix VANTAGE_STORE.",
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"Cannot open the DuckDB warehouse {path}: {_first_line(exc)}.",
                f"Check VANTAGE_STORE; accepted forms: {URL_FORMS}.",
            ) from exc

    def bulk_append(self, con: BaseBackend, name: str, table: pa.Table) -> None:
        """Insert straight from Arrow memory (no row-by-row conversion)."""
        raw = con.con
        view = f"_vantage_append_{uuid.uuid4().hex}"
        cols = ", ".join(_quote(col) for col in table.column_names)
        raw.register(view, table)
        try:
            raw.execute(f"INSERT INTO {_quote(name)} ({cols}) SELECT {cols} FROM {_quote(view)}")
        finally:
            raw.unregister(view)

    @contextmanager
    def transaction(self, con: BaseBackend, exclusive: str | None) -> Iterator[None]:
        """BEGIN/COMMIT; ``exclusive`` takes an in-process lock (one process owns the file)."""
        raw = con.con
        held = contextlib.nullcontext() if exclusive is None else _named_lock(con, exclusive)
        with held:
            raw.begin()
            try:
                yield
            except BaseException:
                raw.rollback()
                raise
            raw.commit()

    def execute_dml(self, con: BaseBackend, sql: str) -> int:
        """Run the statement; DuckDB returns the affected row count as a result row."""
        row = con.con.execute(sql).fetchone()
        return int(row[0]) if row else 0


class PostgresHooks(BackendHooks):
    """PostgreSQL: COPY for bulk appends, advisory locks for exclusive transactions."""

    name = "postgres"

    def json_text(self, document: ir.StringValue, path: Sequence[str]) -> ir.StringValue:
        """``json_extract_path_text``: Ibis 12's JSON unwrap emits SQL PostgreSQL rejects."""
        extract = _pg_path_function(len(path))
        return extract(document.cast("json"), *path)

    CSV_UNSAFE = (
        pa.types.is_nested,
        pa.types.is_binary,
        pa.types.is_large_binary,
        pa.types.is_fixed_size_binary,
        pa.types.is_duration,
        pa.types.is_dictionary,
    )

    def connect(self, url: str) -> BaseBackend:
        """Connect with psycopg; ``/database/schema`` selects (and creates) a schema."""
        import psycopg

        parts = urlsplit(url)
        database, _, schema = parts.path.lstrip("/").partition("/")
        kwargs: dict[str, Any] = dict(parse_qsl(parts.query))
        kwargs.setdefault("connect_timeout", "10")
        if parts.hostname:
            kwargs["host"] = parts.hostname
        kwargs["port"] = parts.port or int(kwargs.pop("port", 5432))
        if parts.username:
            kwargs["user"] = unquote(parts.username)
        if parts.password:
            kwargs["password"] = unquote(parts.password)
        if not database:
            raise StoreError(
                f"The PostgreSQL warehouse URL {mask_url(url)} names no database.",
                "Use postgresql://user:password@host:port/database.",
            )
        try:
            con = ibis.postgres.connect(database=unquote(database), **kwargs)
        except psycopg.Error as exc:
            raise StoreError(
                f"Cannot connect to the PostgreSQL warehouse {mask_url(url)}: {_first_line(exc)}.",
                "Start PostgreSQL or correct host, port, user, password and database in "
                "VANTAGE_STORE (postgresql://user:password@host:port/database).",
            ) from exc
        if schema:
            quoted = _quote(unquote(schema))
            with con.con.cursor() as cur:
                cur.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
                cur.execute(f"SET search_path TO {quoted}")
        return con

    def bulk_append(self, con: BaseBackend, name: str, table: pa.Table) -> None:
        """Stream the rows through ``COPY ... FROM STDIN`` as CSV written by Arrow's C++ writer."""
        if any(check(field.type) for field in table.schema for check in self.CSV_UNSAFE):
            super().bulk_append(con, name, table)
            return
        import pyarrow.csv as pacsv

        raw = con.con
        cols = ", ".join(_quote(col) for col in table.column_names)
        options = pacsv.WriteOptions(include_header=False)
        statement = f"COPY {_quote(name)} ({cols}) FROM STDIN (FORMAT csv)"
        batches = table.to_batches(max_chunksize=32_768)

        def encode(batch: pa.RecordBatch) -> bytes:
            buffer = io.BytesIO()
            pacsv.write_csv(batch, buffer, options)
            return buffer.getvalue()

        # Arrow encodes the next batches in a thread while this one streams to the server
        # (about 1.5x faster on two cores); at most a few encoded batches wait in memory.
        pending: deque[Future[bytes]] = deque()
        with (
            ThreadPoolExecutor(max_workers=1) as encoder,
            raw.transaction(),
            raw.cursor() as cur,
            cur.copy(statement) as copy,
        ):
            for batch in batches:
                pending.append(encoder.submit(encode, batch))
                if len(pending) > 2:
                    copy.write(pending.popleft().result())
            while pending:
                copy.write(pending.popleft().result())

    @contextmanager
    def transaction(self, con: BaseBackend, exclusive: str | None) -> Iterator[None]:
        """A psycopg transaction, holding an advisory lock named ``exclusive`` when given."""
        raw = con.con
        with raw.transaction():
            if exclusive:
                with raw.cursor() as cur:
                    cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (exclusive,))
            yield

    def execute_dml(self, con: BaseBackend, sql: str) -> int:
        """Run the statement and return the cursor's row count."""
        raw = con.con
        with raw.transaction(), raw.cursor() as cur:
            cur.execute(sql)
            return int(cur.rowcount)

    def add_range_index(self, con: BaseBackend, table: str, column: str) -> None:
        """A BRIN index: tiny and nearly free to maintain on an append-ordered column."""
        index = _quote(f"{table}_{column}_brin")
        raw = con.con
        with raw.transaction(), raw.cursor() as cur:
            cur.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {_quote(table)} "
                f"USING brin ({_quote(column)})"
            )


_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _named_lock(con: BaseBackend, name: str) -> threading.Lock:
    """The process-wide lock for ``name`` on the DuckDB database behind ``con``."""
    row = con.con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    key = (str(row[0]) if row and row[0] else ":memory:", name)
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


BACKENDS: dict[str, BackendHooks] = {
    "duckdb": DuckDBHooks(),
    "postgresql": PostgresHooks(),
    "postgres": PostgresHooks(),
}


def hooks_for(url: str) -> BackendHooks:
    """The hooks of the engine named by the URL's scheme (``postgresql+psycopg`` allowed).

    Raises:
        StoreError: The scheme is missing or unknown.
    """
    scheme = url.split("://", 1)[0].split("+", 1)[0].lower() if "://" in url else ""
    hooks = BACKENDS.get(scheme)
    if hooks is None and scheme == "pyspark":
        raise StoreError(
            "The Spark warehouse backend (pyspark://) is not available in this version.",
            f"Set VANTAGE_STORE to one of: {URL_FORMS}.",
        )
    if hooks is None:
        shown = mask_url(url)
        raise StoreError(
            f"Unsupported warehouse URL {shown!r}"
            + (f" (scheme {scheme!r})." if scheme else " (no scheme)."),
            f"Set VANTAGE_STORE to one of: {URL_FORMS}.",
        )
    return hooks


def _pg_path_function(depth: int) -> Callable[..., ir.StringValue]:
    """PostgreSQL's ``json_extract_path_text`` for paths of ``depth`` keys, as an Ibis builtin.

    Ibis builds a builtin's arguments from the Python function's parameters, so each depth needs
    its own function; paths deeper than four keys are refused.
    """
    if not 1 <= depth <= len(_PG_PATH_FUNCTIONS):
        raise StoreError(
            f"JSON paths of {depth} keys are not supported on PostgreSQL.",
            f"Use at most {len(_PG_PATH_FUNCTIONS)} keys.",
        )
    return _PG_PATH_FUNCTIONS[depth - 1]


@ibis.udf.scalar.builtin(name="json_extract_string", signature=(("string", "string"), "string"))
def _duckdb_json_extract_string(document, path):  # type: ignore[no-untyped-def]
    """DuckDB's json_extract_string(document, path)."""


def _pg_builtin(depth: int) -> Any:
    return ibis.udf.scalar.builtin(
        name="json_extract_path_text", signature=(("json", *["string"] * depth), "string")
    )


@_pg_builtin(1)
def _pg_path_1(document, k1):  # type: ignore[no-untyped-def]
    """json_extract_path_text(document, k1)."""


@_pg_builtin(2)
def _pg_path_2(document, k1, k2):  # type: ignore[no-untyped-def]
    """json_extract_path_text(document, k1, k2)."""


@_pg_builtin(3)
def _pg_path_3(document, k1, k2, k3):  # type: ignore[no-untyped-def]
    """json_extract_path_text(document, k1, k2, k3)."""


@_pg_builtin(4)
def _pg_path_4(document, k1, k2, k3, k4):  # type: ignore[no-untyped-def]
    """json_extract_path_text(document, k1, k2, k3, k4)."""


_PG_PATH_FUNCTIONS = (_pg_path_1, _pg_path_2, _pg_path_3, _pg_path_4)
