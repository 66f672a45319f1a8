"""Footfall events: counts per zone, per line and for the whole view, per interval.

They are Segment ``track`` events imported through the one write path.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from vantage.services.context import ServiceContext

FOOTFALL_EVENT = "Footfall Counted"
FOOTFALL_SOURCE = "cameras"


def _bucket_rows(rows: list[dict[str, Any]], interval_s: float) -> dict[int, list[dict[str, Any]]]:
    buckets: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        buckets.setdefault(int(row["time_s"] // interval_s), []).append(row)
    return buckets


def _stats(rows: list[dict[str, Any]], column: str) -> tuple[float, int]:
    values = [int(r.get(column) or 0) for r in rows]
    return round(sum(values) / len(values), 3), max(values)


def footfall_events(
    report: Any, *, camera: str, start: datetime, interval_s: float = 60.0
) -> list[dict[str, Any]]:
    """One event per interval for the whole view, each zone and each line.

    Properties: ``camera``, ``zone`` (``all``, a zone name or ``line:NAME``), ``kind``
    (``view``, ``zone``, ``line``), ``interval_s``, ``entries`` and ``exits`` (for lines: in
    and out), ``mean_occupancy``, ``max_occupancy``. The message id is derived from camera,
    zone and interval start, so analysing the same clip twice stores nothing twice.

    Args:
        report: A :class:`~vantage.solutions.vision.pipeline.VisionReport`.
        camera: Camera name.
        start: Wall-clock time of the first frame.
        interval_s: Interval length in seconds.
    """
    events: list[dict[str, Any]] = []
    previous: dict[str, int] = {}
    for bucket, rows in sorted(_bucket_rows(report.rows, interval_s).items()):
        begins = start + timedelta(seconds=bucket * interval_s)
        last = rows[-1]
        mean, peak = _stats(rows, "people")
        items: list[tuple[str, str, int, int, float, int]] = [("all", "view", 0, 0, mean, peak)]
        for column in last:
            parts = column.split(".")
            if parts[0] == "zone" and parts[-1] == "entries":
                name = ".".join(parts[1:-1])
                entries = int(last[column]) - previous.get(column, 0)
                previous[column] = int(last[column])
                mean, peak = _stats(rows, f"zone.{name}.occupancy")
                items.append((name, "zone", entries, 0, mean, peak))
            elif parts[0] == "line" and parts[-1] == "in":
                name = ".".join(parts[1:-1])
                out_column = f"line.{name}.out"
                count_in = int(last[column]) - previous.get(column, 0)
                count_out = int(last[out_column]) - previous.get(out_column, 0)
                previous[column], previous[out_column] = int(last[column]), int(last[out_column])
                items.append((f"line:{name}", "line", count_in, count_out, 0.0, 0))
        for zone, kind, entries, exits, mean, peak in items:
            stamp = begins.isoformat()
            key = hashlib.sha256(f"{camera}|{zone}|{stamp}|{interval_s}".encode()).hexdigest()
            events.append(
                {
                    "type": "track",
                    "event": FOOTFALL_EVENT,
                    "messageId": f"footfall-{key[:32]}",
                    "anonymousId": f"camera-{camera}",
                    "timestamp": stamp,
                    "properties": {
                        "camera": camera,
                        "zone": zone,
                        "kind": kind,
                        "interval_s": interval_s,
                        "entries": entries,
                        "exits": exits,
                        "mean_occupancy": mean,
                        "max_occupancy": peak,
                    },
                }
            )
    return events


def ingest_footfall(
    ctx: ServiceContext, path: Path, *, source: str = FOOTFALL_SOURCE
) -> dict[str, Any]:
    """Import a ``footfall.jsonl`` file through the write path; returns the import report."""
    from vantage.services.ingest import ingest, report_dict

    return report_dict(ingest(ctx, str(path), source=source))
