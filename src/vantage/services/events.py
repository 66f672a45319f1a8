"""Event use cases: counts, the newest events, failed events, compaction and warehouse sync."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from vantage.core.settings import load_settings
from vantage.services.context import ServiceContext
from vantage.store.compaction import compact_all
from vantage.store.records import from_micros


@dataclass(frozen=True)
class EventCounts:
    """How many events are stored and how many were rejected."""

    stored: int
    failed: int


def count(ctx: ServiceContext) -> EventCounts:
    """Count stored and failed events (reads the lake; safe while the server runs)."""
    return EventCounts(stored=ctx.log.count(), failed=ctx.log.count_failed())


def tail(ctx: ServiceContext, limit: int = 10, source: str | None = None) -> list[dict[str, Any]]:
    """The newest events not yet compacted, newest first, as Segment messages."""
    rows = ctx.log.tail(limit, source)
    return [
        {
            "seq": row["seq"],
            "source": row["source"],
            "received_at": from_micros(row["received_at_us"]).isoformat(),
            "message": orjson.loads(row["payload"]),
        }
        for row in rows
    ]


def failed(ctx: ServiceContext, limit: int = 50, source: str | None = None) -> list[dict[str, Any]]:
    """The newest rejected events with the field and the reason, newest first."""
    return [
        {
            "id": row["id"],
            "source": row["source"],
            "field": row["field"],
            "reason": row["reason"],
            "received_at": from_micros(row["received_at_us"]).isoformat(),
            "payload": row["payload"].decode(errors="replace"),
        }
        for row in ctx.log.failed(limit, source)
    ]


def compact_and_sync(ctx: ServiceContext, *, with_traits: bool = True) -> dict[str, Any]:
    """Compact the event log into Parquet, load new events into the warehouse, record consent.

    Profile traits from the new identify calls are then merged into ``profile_traits``, unless
    ``with_traits`` is False (a caller that refreshes identities next does it once, after them).
    """
    from vantage.services.segments_profile import refresh_traits
    from vantage.services.warehouse import open_warehouse
    from vantage.store.lake_sync import sync_events

    compaction = compact_all(ctx.log)
    with open_warehouse(ctx.settings) as store:
        synced = sync_events(ctx.log, store)
    consent = refresh_consent(ctx)
    result: dict[str, Any] = {
        "compaction": asdict(compaction),
        "sync": asdict(synced),
        "consent_decisions": consent,
    }
    if with_traits:
        result["profile_traits"] = refresh_traits(ctx).as_dict()
    return result


def violations(
    ctx: ServiceContext, limit: int = 50, source: str | None = None
) -> list[dict[str, Any]]:
    """The newest tracking-plan violations, newest first."""
    from vantage.collect.tracking_plan import ViolationLog

    return ViolationLog(ctx.settings.home).list(limit, source)


def maintain(home: str, store_url: str | None = None) -> dict[str, Any]:
    """Compact the log, sync the warehouse and bring identities up to date.

    The server's background worker runs this in a separate process every
    ``compact_every_s`` seconds, so the warehouse and the identity map stay fresh while the API
    runs.
    """
    from vantage.services.identity import refresh
    from vantage.services.segments_profile import refresh_traits

    ctx = ServiceContext(load_settings(home=home, store=store_url))
    result = compact_and_sync(ctx, with_traits=False)
    result["identity_merges"] = refresh(ctx).merges
    # Once per round, after the identities: new customers and merges resolve trait values too.
    result["profile_traits"] = refresh_traits(ctx).as_dict()
    return result


def refresh_consent(ctx: ServiceContext) -> int:
    """Record consent carried by warehouse events newer than the last run in the ledger.

    The position reached (an event ``seq``, no personal data) is kept in
    ``<home>/profiles/consent.json``; replaying is harmless anyway, since the ledger skips exact
    repeats.
    """
    import json

    from vantage.profiles.consent_ledger import ConsentLedger
    from vantage.services.warehouse import open_warehouse

    state = Path(ctx.settings.home) / "profiles" / "consent.json"
    done = json.loads(state.read_text())["seq"] if state.is_file() else -1
    with open_warehouse(ctx.settings) as store:
        events = store.table("events")
        fresh = store.execute(
            events.filter((events.seq > done) & events.payload.contains('"consent')).select(
                "seq", "payload"
            )
        )
        last = store.scalar(events.seq.max())
        recorded = ConsentLedger(store).record_messages(
            (orjson.loads(p) for p in fresh["payload"]), source="event"
        )
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"seq": int(last) if last is not None else done}))
    return recorded
