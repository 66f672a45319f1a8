"""Import a file or a database table through the same write path as the HTTP API.

rows -> Segment messages -> :meth:`Ingestor.prepare` (validation, stamping) ->
:meth:`EventLog.append` (durable, deduplicated by ``messageId``), one chunk per transaction. A
rejected row is kept in the failed-events table with its row number, field and reason, and never
stops the rows after it.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from vantage.collect.importers.convert import RowConverter, RowError, jsonable, passthrough
from vantage.collect.importers.mapping import ImportMapping, MappingError
from vantage.collect.importers.readers import RowBatch, TableReader, open_reader
from vantage.collect.ingest import Ingestor
from vantage.store.lake import EventLog
from vantage.store.records import RejectedRecord, Submission, to_micros

ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """One row that was not imported.

    Attributes:
        row: Line number in CSV / JSON Lines files (header = line 1), position in tables.
        field: The message field or mapping key at fault.
        reason: What is wrong, starting with the field.
    """

    row: int
    field: str
    reason: str


@dataclass
class ImportReport:
    """What an import did.

    Attributes:
        source: The source the events were stored under.
        uri: The file or (password-free) database that was read.
        rows: Rows read (``stored + duplicates + rejected``).
        stored: New events stored.
        duplicates: Rows whose event was already stored (a re-import).
        rejected: Rows refused, each kept in the failed-events table.
        seconds: Wall time of the import.
        rows_per_s: Rows processed per second.
        rejected_examples: The first rejected rows, with their reasons.
        skipped_identifiers: Identifier type -> values left out as junk or invalid.
        rejected_csv: Where the rejected rows were written, if asked.
    """

    source: str
    uri: str
    rows: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    seconds: float = 0.0
    rows_per_s: float = 0.0
    rejected_examples: list[RejectedRow] = field(default_factory=list)
    skipped_identifiers: dict[str, int] = field(default_factory=dict)
    rejected_csv: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for ``--json`` output)."""
        return {
            "source": self.source,
            "uri": self.uri,
            "rows": self.rows,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "seconds": round(self.seconds, 3),
            "rows_per_s": round(self.rows_per_s, 1),
            "rejected_examples": [
                {"row": r.row, "field": r.field, "reason": r.reason} for r in self.rejected_examples
            ],
            "skipped_identifiers": dict(self.skipped_identifiers),
            "rejected_csv": str(self.rejected_csv) if self.rejected_csv else None,
        }


def default_rejected_path(path: str | Path) -> Path:
    """``customers.csv`` -> ``customers.rejected.csv`` in the same folder."""
    path = Path(path)
    stem = path.name.split(".", 1)[0] or path.name
    return path.with_name(f"{stem}.rejected.csv")


def run_import(
    source_uri: str | Path,
    *,
    log: EventLog,
    source: str | None = None,
    mapping: ImportMapping | None = None,
    ingestor: Ingestor | None = None,
    table: str | None = None,
    query: str | None = None,
    chunk_size: int = 5000,
    on_progress: ProgressCallback | None = None,
    rejected_csv: Path | None = None,
    max_examples: int = 20,
) -> ImportReport:
    """Import every row of a file or database table as a Segment message.

    Args:
        source_uri: A CSV / Parquet / JSON Lines file, or a SQLAlchemy URL (with ``table`` or
            ``query``).
        log: The event log to append to.
        source: Source name; defaults to the mapping's ``source``.
        mapping: How columns become message fields. Without one, rows must be Segment messages
            (JSON Lines objects, or columns including ``type``) and are imported as they are.
        ingestor: The write path's validator (a default one when None; pass the server's to
            apply the source's tracking plan).
        table: Database table to read.
        query: Database query to read.
        chunk_size: Rows per chunk; each chunk is one durable transaction.
        on_progress: Called with (rows done, total rows or None) at the start and after each
            chunk.
        rejected_csv: Also write rejected rows (row, field, reason, data) to this CSV file.
        max_examples: How many rejected rows the report keeps.

    Returns:
        The import report.

    Raises:
        ImportSourceError: The file or table cannot be read.
        MappingError: No source name, no mapping where one is needed, or a mapped column is
            missing from the file.
    """
    started = time.perf_counter()
    reader = open_reader(source_uri, table=table, query=query, chunk_size=chunk_size)
    try:
        job = _start(reader, source, mapping, ingestor, log, max_examples)
        report = job.report
        report.uri = _shown_uri(source_uri)
        if on_progress:
            on_progress(0, reader.total)
        with _rejected_writer(rejected_csv) as write_rejected:
            job.write_rejected = write_rejected
            for batch in reader.batches():
                job.run_batch(batch)
                if on_progress:
                    on_progress(report.rows, reader.total)
    finally:
        reader.close()
    report.rejected_csv = rejected_csv
    if job.converter is not None:
        report.skipped_identifiers = dict(job.converter.skipped_identifiers)
    report.seconds = time.perf_counter() - started
    report.rows_per_s = report.rows / report.seconds if report.seconds > 0 else 0.0
    return report


def _start(
    reader: TableReader,
    source: str | None,
    mapping: ImportMapping | None,
    ingestor: Ingestor | None,
    log: EventLog,
    max_examples: int,
) -> _Job:
    name = source or (mapping.source if mapping else None)
    if not name:
        raise MappingError(
            f"no source name for importing {reader.label}.",
            "pass --source NAME, or set source: NAME in the mapping.",
        )
    job = _Job(reader, name, mapping, ingestor or Ingestor(), log, max_examples)
    if reader.columns is not None:
        job.check_columns(reader.columns)
    return job


class _Job:
    def __init__(
        self,
        reader: TableReader,
        source: str,
        mapping: ImportMapping | None,
        ingestor: Ingestor,
        log: EventLog,
        max_examples: int,
    ) -> None:
        self.reader = reader
        self.source = source
        self.mapping = mapping
        self.ingestor = ingestor
        self.log = log
        self.max_examples = max_examples
        self.report = ImportReport(source=source, uri="")
        self.converter = (
            RowConverter(mapping, source, text_values=reader.kind == "csv") if mapping else None
        )
        self.columns_checked = False
        self.write_rejected: Callable[[RejectedRow, Any], None] = lambda _row, _data: None

    def check_columns(self, columns: Sequence[str]) -> None:
        self.columns_checked = True
        if self.mapping is not None:
            self.mapping.check_columns(columns, self.reader.label)
        elif self.reader.kind != "jsonl" and "type" not in columns:
            raise MappingError(
                f"{self.reader.label} has no 'type' column, so its rows are not Segment "
                "messages and need a mapping.",
                "pass --mapping mapping.yml naming the id, event and trait columns "
                "(see docs/importers.md).",
            )

    def run_batch(self, batch: RowBatch) -> None:
        if not self.columns_checked and batch.columns is not None and batch.rows:
            self.check_columns(batch.columns)
        now = self.ingestor.clock()
        messages: list[dict[str, Any]] = []
        kept: list[tuple[int, dict[str, Any]]] = []
        rejected = [
            _Rejection(RejectedRow(b.number, b.field, b.reason), _dump(b.raw), b.raw)
            for b in batch.bad
        ]
        for row, number in zip(batch.rows, batch.numbers, strict=True):
            try:
                if self.converter is not None:
                    message = self.converter.convert(row)
                else:
                    message = passthrough(row, self.source)
            except RowError as exc:
                found = RejectedRow(number, exc.field, exc.reason)
                rejected.append(_Rejection(found, _dump(row), row))
                continue
            messages.append(message)
            kept.append((number, row))
        submission = self.ingestor.prepare(
            self.source, messages, correct_skew=False, received_at=now
        )
        rejected.extend(_match_rejections(submission, messages, kept))
        rejected.sort(key=lambda r: r.row.row)
        submission.rejected = [
            RejectedRecord(
                self.source,
                f"{self.reader.label} row {r.row.row}: {r.row.reason}",
                r.row.field,
                to_micros(now),
                r.payload,
            )
            for r in rejected
        ]
        [result] = self.log.append([submission])
        report = self.report
        report.rows += len(batch)
        report.stored += result.stored
        report.duplicates += result.duplicates
        report.rejected += result.rejected
        for r in rejected:
            if len(report.rejected_examples) < self.max_examples:
                report.rejected_examples.append(r.row)
            self.write_rejected(r.row, r.raw)


@dataclass(frozen=True, slots=True)
class _Rejection:
    row: RejectedRow
    payload: bytes
    raw: Any


def _match_rejections(
    submission: Submission, messages: list[dict[str, Any]], kept: list[tuple[int, Any]]
) -> list[_Rejection]:
    """Pair the ingestor's rejections (in input order) with the rows they came from.

    The ingestor keeps each rejected message, serialised, as its payload; equal payloads mean
    equal messages and therefore equal verdicts, so walking both lists in order is exact. A
    rejection that matches no row (which would be a bug) is still kept, with row 0.
    """
    pending = submission.rejected
    found: list[_Rejection] = []
    index = 0
    for message, (number, raw) in zip(messages, kept, strict=True):
        if index == len(pending):
            break
        rec = pending[index]
        if orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS) == rec.payload:
            found.append(_Rejection(RejectedRow(number, rec.field, rec.reason), rec.payload, raw))
            index += 1
    found.extend(
        _Rejection(RejectedRow(0, r.field, r.reason), r.payload, r.payload.decode())
        for r in pending[index:]
    )
    return found


def _dump(data: Any) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return orjson.dumps(data)
    return orjson.dumps(jsonable(data), option=orjson.OPT_NON_STR_KEYS)


def _shown_uri(uri: str | Path) -> str:
    text = str(uri)
    if "://" not in text:
        return text
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(text).render_as_string(hide_password=True)
    except ArgumentError:
        return text


@contextmanager
def _rejected_writer(path: Path | None) -> Iterator[Callable[[RejectedRow, Any], None]]:
    if path is None:
        yield lambda _row, _data: None
        return
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "field", "reason", "data"])

        def write(row: RejectedRow, data: Any) -> None:
            shown = data if isinstance(data, str) else _dump(data).decode()
            writer.writerow([row.row, row.field, row.reason, shown])

        yield write
