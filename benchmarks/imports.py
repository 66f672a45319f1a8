"""Importer throughput: a 100,000-row CSV through the one write path, then a re-import."""

from __future__ import annotations

import csv
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.report import write_section

ROWS = 100_000
MAPPING = """
source: pos
type: track
event: Order Completed
timestamp: ordered_at
user_id: customer_no
message_id: order_id
identifiers: {email: email}
properties: {revenue: amount, store_id: store, items: items}
"""


def _write_csv(path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["order_id", "customer_no", "email", "ordered_at", "amount", "store", "items"]
        )
        for i in range(ROWS):
            writer.writerow(
                [
                    f"o{i}",
                    f"c{i % 20_000}",
                    f"Customer{i % 20_000}@Example.com ",
                    f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:15:00Z",
                    f"{5 + (i % 500) / 7:.2f}",
                    f"s{i % 8}",
                    1 + i % 5,
                ]
            )


def main() -> dict[str, float]:
    """Import the file twice into a fresh data directory; write the table."""
    from vantage.collect.importers import load_mapping, run_import
    from vantage.store.lake import EventLog

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data, mapping_file = root / "orders.csv", root / "orders.yml"
        _write_csv(data)
        mapping_file.write_text(MAPPING)
        mapping = load_mapping(mapping_file)
        log = EventLog(root / "home")
        started = time.perf_counter()
        first = run_import(str(data), log=log, mapping=mapping)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        again = run_import(str(data), log=log, mapping=mapping)
        again_s = time.perf_counter() - started
    assert first.stored == ROWS and again.stored == 0 and again.duplicates == ROWS
    result = {"first_rows_per_s": ROWS / first_s, "reimport_rows_per_s": ROWS / again_s}
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    table = (
        "| measure | result |\n|---|---|\n"
        f"| first import, rows/s (all {ROWS:,} stored, durable) "
        f"| {result['first_rows_per_s']:,.0f} |\n"
        f"| re-import of the same file, rows/s (0 stored, {ROWS:,} duplicates) "
        f"| {result['reimport_rows_per_s']:,.0f} |"
    )
    write_section(
        "imports",
        f"Measured {datetime.now(UTC).isoformat(timespec='seconds')} on {machine}: a {ROWS:,}-row "
        "CSV of orders (track events with an e-mail identifier and three properties), "
        "`run_import` with a YAML mapping, 5,000-row chunks, one durable commit per chunk.\n\n"
        + table,
    )
    print(table)
    return result
