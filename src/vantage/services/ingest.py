"""Import files and database tables through the one write path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from vantage.collect.importers import ImportReport, load_mapping, run_import
from vantage.services.context import ServiceContext


def ingest(
    ctx: ServiceContext,
    uri: str,
    *,
    source: str | None,
    mapping_path: Path | None = None,
    table: str | None = None,
    query: str | None = None,
    rejected_csv: Path | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    """Import ``uri`` (a file path or a SQLAlchemy URL) as events of ``source``.

    The source (the argument, else the mapping's ``source``) is created when it does not exist
    yet. Rows already imported (same content, same
    source) are skipped as duplicates, so running an import twice stores nothing twice.
    """
    mapping = load_mapping(mapping_path) if mapping_path is not None else None
    source = source or (mapping.source if mapping is not None else None)
    if source:
        ctx.sources.ensure(source)
    return run_import(
        uri,
        source=source,
        mapping=mapping,
        log=ctx.log,
        ingestor=ctx.ingestor,
        table=table,
        query=query,
        rejected_csv=rejected_csv,
        on_progress=on_progress,
    )


def report_dict(report: ImportReport) -> dict[str, Any]:
    """The import report as plain data (for ``--json`` and the demo summary)."""
    return report.to_dict()
