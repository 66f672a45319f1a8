"""Reading a table or a query from any database SQLAlchemy can reach, streamed in chunks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vantage.collect.importers.readers import ImportSourceError, RowBatch, TableReader


class SqlReader(TableReader):
    """A table (``table``) or the result of a query (``query``) from a SQLAlchemy URL.

    Args:
        url: e.g. ``sqlite:///shop.db`` or ``postgresql://user:pw@host/db``.
        table: Table name, ``schema.table`` allowed.
        query: A SELECT statement (instead of ``table``).
        chunk_size: Most rows per batch.
    """

    kind = "sql"

    def __init__(self, url: str, *, table: str | None, query: str | None, chunk_size: int) -> None:
        import sqlalchemy as sa
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

        try:
            parsed = sa.make_url(url)
        except ArgumentError as exc:
            raise ImportSourceError(
                f"{url!r} is not a database URL: {exc}.",
                "write it as dialect://user:password@host/database, e.g. sqlite:///shop.db.",
            ) from exc
        shown = parsed.render_as_string(hide_password=True)
        super().__init__(f"table {table}" if table else "query", chunk_size)
        if bool(table) == bool(query):
            raise ImportSourceError(
                f"name exactly one of table or query for {shown}.",
                "pass --table NAME to import a table, or --query 'SELECT ...' for a query.",
            )
        self._check_sqlite_file(parsed, shown)
        try:
            self.engine = sa.create_engine(parsed)
        except (NoSuchModuleError, ImportError) as exc:
            raise ImportSourceError(
                f"no database driver for {shown}: {exc}.",
                f"install the driver for {parsed.drivername} (e.g. psycopg for postgresql).",
            ) from exc
        self.statement: Any = sa.text(query) if query else None
        if table:
            try:
                self._reflect(table, shown)
            except SQLAlchemyError as exc:
                self.engine.dispose()
                raise _db_error(shown, exc) from exc

    @staticmethod
    def _check_sqlite_file(parsed: Any, shown: str) -> None:
        database = parsed.database
        if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
            return
        if not database.startswith("file:") and not Path(database).is_file():
            raise ImportSourceError(
                f"SQLite database {database} (from {shown}) does not exist.",
                "check the path: sqlite:///relative/path.db or sqlite:////absolute/path.db.",
            )

    def _reflect(self, table: str, shown: str) -> None:
        import sqlalchemy as sa

        schema, _, name = table.rpartition(".")
        inspector = sa.inspect(self.engine)
        if not inspector.has_table(name, schema=schema or None):
            tables = inspector.get_table_names(schema=schema or None)
            self.engine.dispose()
            raise ImportSourceError(
                f"table {table!r} does not exist in {shown}.",
                f"use one of its tables: {', '.join(tables) or '(none)'}.",
            )
        tbl = sa.Table(name, sa.MetaData(), schema=schema or None, autoload_with=self.engine)
        self.columns = [c.name for c in tbl.columns]
        self.statement = sa.select(tbl)
        with self.engine.connect() as conn:
            self.total = int(conn.execute(sa.select(sa.func.count()).select_from(tbl)).scalar_one())

    def batches(self) -> Iterator[RowBatch]:
        """Yield the rows in chunks; the first chunk of a query carries its columns."""
        from sqlalchemy.exc import SQLAlchemyError

        done = 0
        try:
            with self.engine.connect() as conn:
                result = conn.execution_options(yield_per=self.chunk_size).execute(self.statement)
                keys = list(result.keys())
                for part in result.mappings().partitions(self.chunk_size):
                    rows = [dict(row) for row in part]
                    numbers = list(range(done + 1, done + len(rows) + 1))
                    yield RowBatch(rows, numbers, columns=keys)
                    done += len(rows)
        except SQLAlchemyError as exc:
            raise _db_error(self.engine.url.render_as_string(hide_password=True), exc) from exc
        finally:
            self.engine.dispose()

    def close(self) -> None:
        """Close the database connections."""
        self.engine.dispose()


def _db_error(shown: str, exc: Exception) -> ImportSourceError:
    detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return ImportSourceError(
        f"reading from {shown} failed: {detail}.",
        "check the query or table name and that the database is reachable.",
    )
