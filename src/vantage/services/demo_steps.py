"""The foundation's demo steps (see :mod:`vantage.services.demo`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

import httpx
import orjson
import pyarrow.csv as pa_csv

from vantage.services.demo import DemoRun
from vantage.services.events import compact_and_sync as compact_sync_service
from vantage.services.ingest import ingest
from vantage.services.warehouse import open_warehouse

API_BATCH_SIZE = 500
API_CLIENTS = 4


def init_workspace(run: DemoRun) -> str:
    """Create the data directory and its secrets."""
    _, created = run.ctx.workspace.init()
    return f"{'created' if created else 'reused'} {run.ctx.workspace.home.resolve()}"


def generate_data(run: DemoRun) -> str:
    """Generate the retailer's files (and the ground truth, kept apart)."""
    from vantage.datasets.demo import generate

    run.manifest = generate(run.out_dir, customers=run.customers, seed=run.seed)
    run.facts["customers"] = run.customers
    files = run.manifest.files
    return f"{len(files)} files, {sum(f.rows for f in files):,} rows in {run.out_dir}"


def _chunks(path: Path, size: int) -> Iterator[list[dict[str, Any]]]:
    with path.open("rb") as handle:
        lines = (orjson.loads(line) for line in handle if line.strip())
        while chunk := list(islice(lines, size)):
            yield chunk


def _post_file(base_url: str, write_key: str, path: Path) -> tuple[int, int]:
    stored = rejected = 0
    with httpx.Client(base_url=base_url, auth=(write_key, ""), timeout=60) as client:
        for chunk in _chunks(path, API_BATCH_SIZE):
            response = client.post("/v1/import", content=orjson.dumps({"batch": chunk}))
            response.raise_for_status()
            body = response.json()
            stored += int(body.get("stored", 0)) + int(body.get("duplicates", 0))
            rejected += int(body.get("rejected", 0))
    return stored, rejected


def send_api_events(run: DemoRun) -> str:
    """POST the web and app event files to the collection API, several clients at once."""
    api_files = [f for f in run.manifest.files if f.kind == "api"]
    if run.api_url is None:
        for item in api_files:
            ingest(run.ctx, str(run.out_dir / "workspace" / item.path), source=item.source)
        return f"no API server given: imported {len(api_files)} event files instead"
    jobs: list[tuple[str, Path]] = []
    for item in api_files:
        source = run.ctx.sources.ensure(item.source)
        path = run.out_dir / "workspace" / item.path
        parts = _split_file(path, API_CLIENTS)
        jobs.extend((source.write_key, part) for part in parts)
    started = time.perf_counter()
    with ThreadPoolExecutor(API_CLIENTS) as pool:
        results = list(pool.map(lambda job: _post_file(run.api_url or "", *job), jobs))
    elapsed = time.perf_counter() - started
    for _, part in jobs:
        part.unlink()
    accepted = sum(r[0] for r in results)
    run.facts["api_events"] = accepted
    run.facts["api_events_per_s"] = accepted / elapsed if elapsed else 0.0
    return f"{accepted:,} events over HTTP at {run.facts['api_events_per_s']:,.0f} events/s"


def _split_file(path: Path, parts: int) -> list[Path]:
    """Split a JSONL file into ``parts`` interleaved files so clients can send in parallel."""
    outputs = [path.with_suffix(f".part{i}.jsonl") for i in range(parts)]
    handles = [p.open("wb") for p in outputs]
    try:
        with path.open("rb") as source:
            for i, line in enumerate(source):
                handles[i % parts].write(line)
    finally:
        for handle in handles:
            handle.close()
    return outputs


def import_files(run: DemoRun) -> str:
    """Import the CRM, point-of-sale, review and chat files with their mappings."""
    lines = []
    for item in (f for f in run.manifest.files if f.kind == "import"):
        workspace = run.out_dir / "workspace"
        report = ingest(
            run.ctx,
            str(workspace / item.path),
            source=item.source,
            mapping_path=workspace / item.mapping if item.mapping else None,
        )
        lines.append(f"{item.source}: {report.stored:,}")
    return "stored " + ", ".join(lines)


def load_tables(run: DemoRun) -> str:
    """Load plain tables (campaign spend, footfall) into the warehouse."""
    names = []
    with open_warehouse(run.ctx.settings) as store:
        for item in (f for f in run.manifest.files if f.kind == "table"):
            table = pa_csv.read_csv(run.out_dir / "workspace" / item.path)
            name = Path(item.path).stem
            store.create_table(name, table, overwrite=True)
            names.append(f"{name} ({table.num_rows:,} rows)")
    run.facts["tables"] = ", ".join(names)
    return "loaded " + ", ".join(names)


def compact_and_sync(run: DemoRun) -> str:
    """Compact the lake into Parquet and load the events into the warehouse."""
    result = compact_sync_service(run.ctx)
    return (
        f"{result['compaction']['rows']:,} events compacted, "
        f"{result['sync']['inserted']:,} loaded into the warehouse"
    )


def resolve_identities(run: DemoRun) -> str:
    """Resolve identities from the lake; queue probabilistic matches for review."""
    from vantage.services import identity

    report = identity.rebuild(run.ctx)
    matched = identity.match(run.ctx, auto_accept=False)
    run.facts["raw_identifiers"] = report.identifiers
    run.facts["customers_resolved"] = matched.customers_after
    run.facts["matches_to_review"] = matched.queued_for_review
    matching = (
        f"probabilistic matching skipped: {matched.skipped}"
        if matched.skipped
        else f"{matched.queued_for_review:,} probabilistic matches queued for review"
    )
    return (
        f"{report.identifiers:,} raw identifiers became {matched.customers_after:,} customers; "
        + matching
    )


def score_texts(run: DemoRun) -> str:
    """Score the reviews and support chats (sentiment, aspects, routing) for the profiles."""
    from vantage.services.nlp_text_batch import score_text_events

    scores = score_text_events(run.ctx.settings)
    counts = scores["sentiment"].value_counts()
    run.facts["texts_scored"] = len(scores)
    shares = ", ".join(
        f"{name} {counts.get(name, 0) / max(len(scores), 1):.0%}"
        for name in ("positive", "neutral", "negative")
    )
    return f"{len(scores):,} reviews and chats scored ({shares}) with {scores['model'].iloc[0]}"


def summarise(run: DemoRun) -> str:
    """Count stored events per source (from the warehouse) and failed events (from the lake).

    Events that later steps sent (triggers, the assistant) are synced first, so the warehouse
    and the dashboard hold everything the demo ingested.
    """
    compact_sync_service(run.ctx)
    with open_warehouse(run.ctx.settings) as store:
        events = store.table("events")
        per_source = store.execute(events.group_by("source").aggregate(n=events.count()))
    run.facts["events_per_source"] = dict(
        zip(per_source["source"].astype(str), per_source["n"].astype(int).tolist(), strict=True)
    )
    run.facts["events_stored"] = run.ctx.log.count()
    run.facts["events_failed"] = run.ctx.log.count_failed()
    return (
        f"{run.facts['events_stored']:,} events stored, "
        f"{run.facts['events_failed']:,} failed, {len(per_source)} sources"
    )
