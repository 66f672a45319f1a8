"""Erasing one person from the warehouse, the control databases and derived state.

Every warehouse table is searched, not a fixed list: a row goes when any text column equals one
of the person's identifier values or their customer id, or quotes a long enough value (JSON
payloads, trait values), and ``events`` rows go by the ``seq`` the lake erase removed. DuckDB
keeps deleted rows in free blocks, so the database file is then copied into a fresh file that
replaces it. SQLite files under the data directory are scrubbed the same way and vacuumed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pyarrow.parquet as pq

from vantage.core.errors import VantageError
from vantage.identity.persist import identity_dir, load_graph, save_graph
from vantage.identity.sync import rebuild_from_lake
from vantage.services.privacy_lake import compact_sqlite
from vantage.services.privacy_scope import Person
from vantage.store.backends import DuckDBHooks
from vantage.store.lake import EventLog
from vantage.store.warehouse import Store

# Tables holding the privacy machinery itself (hashes only), never scrubbed.
PRIVACY_TABLES = frozenset({"privacy_suppression", "privacy_audit"})
_CHUNK = 500


def _text_columns(table: ir.Table) -> list[str]:
    return [name for name, kind in table.schema().items() if kind.is_string() or kind.is_json()]


def _person_predicate(table: ir.Table, columns: list[str], person: Person) -> Any:
    values = sorted(person.values)
    clauses = []
    for col in columns:
        column = table[col].cast("string")
        clauses.append(column.isin(values))
        lowered = column.lower()
        clauses.extend(lowered.contains(needle) for needle in person.needles)
    predicate = clauses[0]
    for clause in clauses[1:]:
        predicate = predicate | clause
    return predicate


def _seq_in(seqs: list[int]) -> Callable[[ir.Table], Any]:
    return lambda t: t.seq.isin(seqs)


def _mentions_person(columns: list[str], person: Person) -> Callable[[ir.Table], Any]:
    return lambda t: _person_predicate(t, columns, person)


def person_rows(store: Store, person: Person) -> dict[str, list[dict[str, Any]]]:
    """Rows of every warehouse table (``events`` excepted) that mention the person."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name in store.list_tables():
        if name == "events" or name.startswith("_"):
            continue
        table = store.table(name)
        columns = _text_columns(table)
        if not columns:
            continue
        frame = store.execute(table.filter(_person_predicate(table, columns, person)))
        if len(frame):
            found[name] = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    return found


def erase_from_warehouse(store: Store, person: Person, seqs: list[int]) -> dict[str, int]:
    """Delete the person's rows from every warehouse table, in one transaction.

    Returns:
        Rows deleted per table (tables with none left out).
    """
    deleted: dict[str, int] = {}
    with store.transaction():
        for name in store.list_tables():
            table = store.table(name)
            count = 0
            if name == "events":
                for start in range(0, len(seqs), _CHUNK):
                    count += store.delete_where(name, _seq_in(seqs[start : start + _CHUNK]))
            columns = _text_columns(table)
            if columns:
                count += store.delete_where(name, _mentions_person(columns, person))
            if count:
                deleted[name] = count
    return deleted


def rewrite_duckdb(url: str) -> bool:
    """Copy a DuckDB warehouse into a fresh file and replace it (deleted rows leave no trace).

    Call with the warehouse closed and its lock held. Returns False for non-file warehouses.
    """
    if not url.startswith("duckdb"):
        return False
    location = DuckDBHooks.database_path(url)
    if location == ":memory:" or not Path(location).is_file():
        return False
    import duckdb

    path = Path(location)
    fresh = path.with_name(path.name + ".rewrite")
    for stale in (fresh, Path(f"{fresh}.wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        (name,) = con.execute("SELECT current_database()").fetchone() or ("",)
        con.execute(f"ATTACH '{fresh}' AS vantage_fresh")
        con.execute(f'COPY FROM DATABASE "{name}" TO vantage_fresh')
        con.execute("DETACH vantage_fresh")
    finally:
        con.close()
    with fresh.open("rb") as handle:
        os.fsync(handle.fileno())
    fresh.replace(path)
    Path(f"{path}.wal").unlink(missing_ok=True)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return True


def _scrub_sqlite(path: Path, person: Person) -> int:
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    deleted = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        tables = [
            str(row[0])
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            if table in PRIVACY_TABLES:
                continue
            columns = [str(c[1]) for c in conn.execute(f'PRAGMA table_info("{table}")')]
            try:
                rows = conn.execute(f'SELECT rowid, * FROM "{table}"').fetchall()
            except sqlite3.OperationalError:
                continue
            hits = [
                (row[0],)
                for row in rows
                if any(_mentions(value, person) for value in row[1 : len(columns) + 1])
            ]
            conn.executemany(f'DELETE FROM "{table}" WHERE rowid = ?', hits)
            deleted += len(hits)
        conn.execute("COMMIT")
    finally:
        conn.close()
    compact_sqlite(path)
    return deleted


def _mentions(value: Any, person: Person) -> bool:
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    return isinstance(value, str) and person.owns_text(value)


def scrub_sqlite_files(home: Path, person: Person, log: EventLog) -> dict[str, int]:
    """Scrub every SQLite database under the data directory except the lake's log.

    Returns:
        Rows deleted per file (relative path), files with none left out.
    """
    done: dict[str, int] = {}
    for path in sorted(Path(home).rglob("*.sqlite")):
        if path == log.path:
            continue
        count = _scrub_sqlite(path, person)
        if count:
            done[str(path.relative_to(home))] = count
    return done


def rebuild_identity_state(home: Path, log: EventLog, person: Person) -> str:
    """Rebuild the saved identity graph from the (scrubbed) lake, without the person.

    Returns:
        ``rebuilt``, ``none`` (no saved state) or ``removed`` (state could not be rebuilt and was
        deleted; ``vantage identity rebuild`` makes it again).
    """
    folder = identity_dir(home)
    if not folder.is_dir():
        return "none"
    try:
        old = load_graph(home)
        if old is None:
            return "none"
        splits = [
            s
            for s in old.splits
            if s.id_value not in person.values and s.customer_id != person.customer_id
        ]
        save_graph(rebuild_from_lake(log, old.rules, splits), home)
        return "rebuilt"
    except (VantageError, OSError, ValueError, KeyError):
        shutil.rmtree(folder)
        return "removed"


def _file_holds(path: Path, needles: list[bytes], chunk: int = 8 << 20) -> bool:
    """Case-insensitive byte search, a chunk at a time (overlapping by the longest needle)."""
    overlap = max(len(n) for n in needles)
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            data = tail + block.lower()
            if any(n in data for n in needles):
                return True
            tail = data[-overlap:]
    return False


def files_mentioning(home: Path, person: Person) -> list[str]:
    """Files under the data directory that still contain a value of the person.

    Raw bytes are searched (case-insensitively) and Parquet files are also decoded, since a
    compressed column can hide a value from a byte search. Values shorter than 4 characters are
    not searched (they occur everywhere by chance).
    """
    needles = sorted({v.lower().encode() for v in person.values if len(v) >= 4})
    found: list[str] = []
    if not needles:
        return found
    for path in sorted(p for p in Path(home).rglob("*") if p.is_file()):
        hit = _file_holds(path, needles)
        if not hit and path.suffix == ".parquet":
            with contextlib.suppress(OSError, ValueError):
                text = str(pq.read_table(path).to_pylist()).lower()
                hit = any(n.decode() in text for n in needles)
        if hit:
            found.append(str(path.relative_to(home)))
    return found
