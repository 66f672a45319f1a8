"""The warehouse: one :class:`Store` protocol over Ibis, on DuckDB (default) or PostgreSQL.

Callers build Ibis expressions from :meth:`Store.table` and run them with :meth:`Store.execute`
or :meth:`Store.to_arrow`; the same code runs on every engine. The little that differs between
engines (connecting, bulk appends, transactions, deletes) lives in
:mod:`vantage.store.backends`.

Example:
    >>> with connect_store("duckdb://:memory:") as store:
    ...     _ = store.create_table("t", schema={"id": "int64", "name": "string"})
    ...     _ = store.append("t", pa.table({"id": [1, 2], "name": ["a", None]}))
    ...     t = store.table("t")
    ...     store.scalar(t.filter(t.name.notnull()).count())
    1
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import Any, Protocol, Self, TypeAlias, runtime_checkable

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlglot.expressions as sge
from ibis.backends import BaseBackend
from ibis.common.exceptions import TableNotFound

from vantage.core.errors import StoreError
from vantage.store.backends import BackendHooks, hooks_for, mask_url

TableData: TypeAlias = pa.Table | pd.DataFrame
SchemaLike: TypeAlias = ibis.Schema | Mapping[str, Any] | pa.Schema
Predicate: TypeAlias = Callable[[ir.Table], ir.BooleanValue]
_PLAIN_FILTER = {"expressions", "from_", "where"}


@runtime_checkable
class Store(Protocol):
    """What every warehouse backend offers; services and solutions depend on this only."""

    @property
    def backend(self) -> str:
        """Engine name: ``duckdb`` or ``postgres``."""
        ...

    @property
    def url(self) -> str:
        """The warehouse URL with any password masked."""
        ...

    def table(self, name: str) -> ir.Table:
        """An Ibis table expression over an existing table."""
        ...

    def execute(self, expr: ir.Table) -> pd.DataFrame:
        """Run a table expression and return a pandas DataFrame."""
        ...

    def scalar(self, expr: ir.Scalar) -> Any:
        """Run a scalar expression (a count, a max) and return a Python value."""
        ...

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        """Run a table expression and return an Arrow table."""
        ...

    def list_tables(self) -> list[str]:
        """Names of the tables, sorted."""
        ...

    def has_table(self, name: str) -> bool:
        """Whether a table exists."""
        ...

    def create_table(
        self,
        name: str,
        obj: TableData | ir.Table | None = None,
        *,
        schema: SchemaLike | None = None,
        overwrite: bool = False,
    ) -> ir.Table:
        """Create a table from data, an expression or a schema."""
        ...

    def append(self, name: str, obj: TableData) -> int:
        """Bulk-append rows; return how many."""
        ...

    def delete_where(self, name: str, predicate: Predicate) -> int:
        """Delete the rows matching an Ibis predicate; return how many."""
        ...

    def drop_table(self, name: str, *, missing_ok: bool = False) -> None:
        """Drop a table."""
        ...

    def add_range_index(self, name: str, column: str) -> None:
        """Make range filters on an insertion-ordered column cheap."""
        ...

    def transaction(self, *, exclusive: str | None = None) -> AbstractContextManager[None]:
        """Group operations atomically; ``exclusive`` serialises holders of the same name."""
        ...

    def json_text(self, document: ir.StringValue, path: Sequence[str]) -> ir.StringValue:
        """The text at ``path`` inside a JSON text column (NULL when absent), on any engine."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class IbisStore:
    """A :class:`Store` over one Ibis backend connection (thread-safe: calls are serialised).

    Args:
        con: An Ibis backend.
        hooks: The engine-specific hooks.
        url: The URL it was opened from (for messages).
    """

    def __init__(self, con: BaseBackend, hooks: BackendHooks, url: str) -> None:
        self._con = con
        self._hooks = hooks
        self._url = mask_url(url)
        self._lock = threading.RLock()
        self._depth = 0
        self._schemas: dict[str, pa.Schema] = {}

    @property
    def backend(self) -> str:
        """Engine name: ``duckdb`` or ``postgres``."""
        return self._hooks.name

    @property
    def url(self) -> str:
        """The warehouse URL with any password masked."""
        return self._url

    def table(self, name: str) -> ir.Table:
        """An Ibis table expression over an existing table.

        Raises:
            StoreError: The table does not exist; the message lists those that do.
        """
        with self._lock:
            try:
                return self._con.table(name)
            except TableNotFound:
                raise self._missing(name) from None

    def execute(self, expr: ir.Table) -> pd.DataFrame:
        """Run a table expression and return a pandas DataFrame (timestamps tz-aware)."""
        with self._lock:
            return self._con.execute(expr)

    def scalar(self, expr: ir.Scalar) -> Any:
        """Run a scalar expression; return int, float, str, bool or pandas.Timestamp or None."""
        with self._lock:
            value = self._con.execute(expr)
        if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
            return None
        return value.item() if hasattr(value, "item") else value

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        """Run a table expression and return an Arrow table."""
        with self._lock:
            return self._con.to_pyarrow(expr)

    def list_tables(self) -> list[str]:
        """Names of the tables, sorted."""
        with self._lock:
            return sorted(self._con.list_tables())

    def has_table(self, name: str) -> bool:
        """Whether a table exists."""
        return name in self.list_tables()

    def create_table(
        self,
        name: str,
        obj: TableData | ir.Table | None = None,
        *,
        schema: SchemaLike | None = None,
        overwrite: bool = False,
    ) -> ir.Table:
        """Create a table from Arrow/pandas data, an Ibis expression or a schema.

        Args:
            name: Table name.
            obj: Rows to fill it with (bulk-appended), or an expression computed in the engine.
            schema: Column types; needed when ``obj`` is None, else taken from ``obj``.
            overwrite: Replace an existing table instead of failing.

        Returns:
            The new table as an Ibis expression.

        Raises:
            StoreError: The table exists and ``overwrite`` is False, or neither ``obj`` nor
                ``schema`` was given.
        """
        if obj is None and schema is None:
            raise StoreError(
                f"create_table({name!r}) got neither rows nor a schema.",
                "Pass obj= (a DataFrame, Arrow table or Ibis expression) or schema=.",
            )
        with self.transaction():
            exists = self.has_table(name)
            if exists and not overwrite:
                raise StoreError(
                    f"Warehouse table {name!r} already exists in {self._url}.",
                    "Pass overwrite=True to replace it, or append() to add rows.",
                )
            if exists:
                self.drop_table(name)
            self._schemas.pop(name, None)
            if isinstance(obj, ir.Table):
                self._con.create_table(name, obj, schema=schema)
                return self._con.table(name)
            data = None if obj is None else _as_arrow(obj)
            target = _ibis_schema(schema) if schema is not None else _schema_of(name, data)
            self._con.create_table(name, schema=target)
            if data is not None:
                self.append(name, data)
            return self._con.table(name)

    def append(self, name: str, obj: TableData) -> int:
        """Bulk-append rows (DuckDB inserts from Arrow memory, PostgreSQL uses COPY).

        Columns are matched by name; missing columns are filled with nulls and values are cast
        to the table's types.

        Returns:
            The number of rows appended.

        Raises:
            StoreError: The table is missing, a column is unknown, or a value does not fit.
        """
        with self._lock:
            target = self._target_schema(name)
            data = _conform(_as_arrow(obj), target, name)
            if data.num_rows == 0:
                return 0
            try:
                self._hooks.bulk_append(self._con, name, data)
            except StoreError:
                raise
            except Exception as exc:
                raise StoreError(
                    f"Appending {data.num_rows} rows to warehouse table {name!r} failed: "
                    f"{str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}.",
                    f"Check the rows against the table's columns ({_describe(target)}).",
                ) from exc
            return int(data.num_rows)

    def delete_where(self, name: str, predicate: Predicate) -> int:
        """Delete the rows for which ``predicate(table)`` is true.

        Args:
            name: Table name.
            predicate: Builds a boolean Ibis expression from the table, e.g.
                ``lambda t: t.seq > 10``.

        Returns:
            The number of rows deleted.
        """
        with self._lock:
            table = self.table(name)
            select = self._con.compiler.to_sqlglot(table.filter(predicate(table)))
            source = select.args.get("from_")
            where = select.args.get("where")
            extra = {key for key, value in select.args.items() if value} - _PLAIN_FILTER
            plain = isinstance(source, sge.From) and isinstance(source.this, sge.Table)
            if extra or not plain or not isinstance(select.expressions[0], sge.Star):
                raise StoreError(
                    f"delete_where({name!r}) got a predicate that is not a plain row filter.",
                    "Use column comparisons, isin() or scalar subqueries in the predicate.",
                )
            statement = sge.Delete(this=source.this, where=where)
            return self._hooks.execute_dml(self._con, statement.sql(self._con.dialect))

    def drop_table(self, name: str, *, missing_ok: bool = False) -> None:
        """Drop a table.

        Raises:
            StoreError: It does not exist and ``missing_ok`` is False.
        """
        with self._lock:
            if not missing_ok:
                self._require(name)
            self._con.drop_table(name, force=True)
            self._schemas.pop(name, None)

    def json_text(self, document: ir.StringValue, path: Sequence[str]) -> ir.StringValue:
        """The text at ``path`` inside a JSON text column (NULL when absent), on any engine."""
        return self._hooks.json_text(document, path)

    def add_range_index(self, name: str, column: str) -> None:
        """Make range filters on an insertion-ordered column (a sequence number) cheap.

        DuckDB's zone maps already skip blocks; PostgreSQL gets a BRIN index.
        """
        with self._lock:
            self._require(name)
            self._hooks.add_range_index(self._con, name, column)

    @contextmanager
    def transaction(self, *, exclusive: str | None = None) -> Iterator[None]:
        """Run the block atomically; nested calls join the outer transaction.

        Args:
            exclusive: A lock name: transactions holding the same name never overlap, across
                processes too (PostgreSQL advisory lock; DuckDB has a single writer anyway).
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            try:
                with self._hooks.transaction(self._con, exclusive):
                    yield
            except BaseException:
                self._schemas.clear()
                raise
            finally:
                self._depth = 0

    def close(self) -> None:
        """Release the connection (idempotent)."""
        with self._lock:
            self._con.disconnect()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"IbisStore({self._url!r})"

    def _missing(self, name: str) -> StoreError:
        existing = self.list_tables()
        shown = ", ".join(existing) if existing else "none"
        return StoreError(
            f"Warehouse table {name!r} does not exist in {self._url} (existing tables: {shown}).",
            "Check the name, or apply the warehouse migrations "
            "(vantage.store.migrations.migrate, run by `vantage init`).",
        )

    def _require(self, name: str) -> None:
        if not self.has_table(name):
            raise self._missing(name)

    def _target_schema(self, name: str) -> pa.Schema:
        if name not in self._schemas:
            try:
                self._schemas[name] = self._con.get_schema(name).to_pyarrow()
            except TableNotFound:
                raise self._missing(name) from None
        return self._schemas[name]


def connect_store(url: str) -> IbisStore:
    """Open the warehouse named by a URL.

    Args:
        url: ``duckdb:///abs/path.duckdb``, ``duckdb://:memory:``,
            ``postgresql://user:password@host:port/database`` (optionally
            ``/database/schema``; extra libpq parameters as query string).

    Returns:
        The store; close it (or use it as a context manager) when done.

    Raises:
        StoreError: The URL is malformed or the warehouse cannot be reached.
    """
    hooks = hooks_for(url)
    return IbisStore(hooks.connect(url), hooks, url)


def _as_arrow(obj: TableData) -> pa.Table:
    if isinstance(obj, pa.Table):
        return obj
    if isinstance(obj, pd.DataFrame):
        return pa.Table.from_pandas(obj, preserve_index=False)
    raise StoreError(
        f"Cannot store an object of type {type(obj).__name__}.",
        "Pass a pyarrow.Table or a pandas.DataFrame.",
    )


def _ibis_schema(schema: SchemaLike) -> ibis.Schema:
    if isinstance(schema, pa.Schema):
        return ibis.Schema.from_pyarrow(schema)
    return ibis.schema(schema)


def _schema_of(name: str, data: pa.Table | None) -> ibis.Schema:
    """The table schema implied by the data; all-null columns have no type to take."""
    fields = list(data.schema) if data is not None else []
    untyped = [field.name for field in fields if pa.types.is_null(field.type)]
    if data is None or untyped:
        raise StoreError(
            f"Cannot create warehouse table {name!r}: column(s) {', '.join(untyped)} "
            "hold only nulls, so their type is unknown.",
            "Pass schema= with the column types, or give the columns a type.",
        )
    return ibis.Schema.from_pyarrow(data.schema)


def _describe(schema: pa.Schema) -> str:
    return ", ".join(f"{field.name} {field.type}" for field in schema)


def _conform(data: pa.Table, target: pa.Schema, name: str) -> pa.Table:
    """Reorder, fill and cast ``data`` to the table's schema."""
    unknown = [col for col in data.column_names if col not in target.names]
    if unknown:
        raise StoreError(
            f"Warehouse table {name!r} has no column(s) {', '.join(unknown)}.",
            f"Drop or rename them; the table's columns are: {_describe(target)}.",
        )
    arrays = []
    for field in target:
        if field.name not in data.column_names:
            arrays.append(pa.nulls(data.num_rows, field.type))
            continue
        column = data.column(field.name)
        try:
            arrays.append(
                pc.cast(column, options=pc.CastOptions(field.type, allow_time_truncate=True))
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise StoreError(
                f"Column {field.name!r} ({column.type}) does not fit warehouse table "
                f"{name!r}, which stores it as {field.type}: {exc}.",
                f"Convert the column to {field.type} before appending.",
            ) from exc
    fields = [pa.field(f.name, f.type) for f in target]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))
