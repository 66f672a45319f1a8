"""File and database importers: CSV, Parquet, JSON Lines and SQL tables, mapped by a YAML file.

Rows become Segment messages and go through the same write path as the HTTP API
(:meth:`vantage.collect.ingest.Ingestor.prepare` -> :meth:`vantage.store.lake.EventLog.append`).
See ``docs/importers.md`` for the mapping format.
"""

from vantage.collect.importers.mapping import ImportMapping, MappingError, load_mapping
from vantage.collect.importers.readers import (
    BadRow,
    ImportSourceError,
    RowBatch,
    TableReader,
    open_reader,
    read_batches,
)
from vantage.collect.importers.runner import (
    ImportReport,
    RejectedRow,
    default_rejected_path,
    run_import,
)

__all__ = [
    "BadRow",
    "ImportMapping",
    "ImportReport",
    "ImportSourceError",
    "MappingError",
    "RejectedRow",
    "RowBatch",
    "TableReader",
    "default_rejected_path",
    "load_mapping",
    "open_reader",
    "read_batches",
    "run_import",
]
