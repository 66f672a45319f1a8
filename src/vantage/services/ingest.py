"""Import files and database tables through the one write path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from vantage.collect.importers import ImportReport, load_mapping, run_import
from vantage.services.context import ServiceContext


def ingest(
    ctx: ServiceContext,
    uri: str,
    *,
    source: str,
    mapping_path: Path | None = None,
    table: str | None = None,
    query: str | None = None,
    rejected_csv: Path | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    """Import ``uri`` (a file path or a SQLAlchemy URL) as events of ``source``.

    The source is created when it does not exist yet. Rows already imported (same content, same
    source) are skipped as duplicates, so running an import twice stores nothing twice.
    """
    mapping = load_mapping(mapping_path) if mapping_path is not None else None
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
    data = asdict(report) if is_dataclass(report) else report.model_dump()  # type: ignore[attr-defined]
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in data.items()}
