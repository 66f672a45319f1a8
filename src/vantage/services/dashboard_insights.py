"""What the dashboard's Text insights, Vision and Data pages show.

Text insights read the scored texts (``nlp_text_scores``, written by ``vantage nlp score`` and by
the demo) and the entities the write path adds to text events; Vision reads footfall events
(``Footfall Counted`` from ``vantage vision analyze --ingest``) and door counts
(``store_footfall``); Data reads sources, the failed-event log, tracking-plan violations and the
warehouse's arrival times.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import pandas as pd

from vantage.services.context import ServiceContext
from vantage.services.nlp_ingest import TEXT_EVENTS
from vantage.services.nlp_text_batch import SCORES_TABLE
from vantage.services.vision_footfall import FOOTFALL_EVENT
from vantage.store.warehouse import Store

TREND_DAYS = 30


def _topics(value: Any) -> list[str]:
    if not isinstance(value, str) or not value:
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        return []
    return [str(t) for t in parsed] if isinstance(parsed, list) else []


def text_version(store: Store) -> tuple[Any, ...]:
    """A cheap fingerprint of what :func:`text_insights` reads (it changes when they do).

    The scored texts' count and newest timestamp, and the newest text event's ``seq`` (for
    entities), from two aggregate queries; pages keep the insights until it changes.
    """
    if not store.has_table(SCORES_TABLE):
        return ("none",)
    scores = store.table(SCORES_TABLE)
    row = store.execute(scores.aggregate(n=scores.count(), latest=scores.timestamp.max())).iloc[0]
    events = store.table("events")
    texts = events.filter(events.event.isin(list(TEXT_EVENTS)))
    return (int(row["n"]), str(row["latest"]), store.scalar(texts.seq.max()))


def text_insights(store: Store, examples: int = 6) -> dict[str, Any]:
    """Sentiment per week, topics (with their growth over the last 30 days), entities, examples.

    Returns:
        ``available`` False when no texts were scored yet; else ``weekly`` (week, sentiment,
        texts), ``mean_by_week``, ``topics`` (topic, texts, mean sentiment, recent, previous,
        growth), ``entities`` (type, value, mentions) and ``examples`` (newest positive and
        negative texts).
    """
    if not store.has_table(SCORES_TABLE):
        return {"available": False}
    scores = store.table(SCORES_TABLE)
    frame = store.execute(scores.select("timestamp", "sentiment", "sentiment_score", "topics"))
    if frame.empty:
        return {"available": False}
    frame["week"] = (
        pd.to_datetime(frame["timestamp"], utc=True).dt.tz_localize(None).dt.to_period("W")
    ).dt.start_time.dt.date.astype(str)
    weekly = frame.groupby(["week", "sentiment"]).size().reset_index(name="texts")
    means = frame.groupby("week")["sentiment_score"].mean().round(3).reset_index()
    return {
        "available": True,
        "texts": len(frame),
        "weekly": weekly.to_dict("records"),
        "mean_by_week": means.to_dict("records"),
        "topics": _topic_table(frame),
        "entities": _entities(store),
        "examples": _examples(store, examples),
    }


def _topic_table(frame: pd.DataFrame) -> list[dict[str, Any]]:
    stamps = pd.to_datetime(frame["timestamp"], utc=True)
    latest = stamps.max()
    recent_from = latest - timedelta(days=TREND_DAYS)
    previous_from = recent_from - timedelta(days=TREND_DAYS)
    rows: dict[str, dict[str, Any]] = {}
    for ts, score, topics in zip(stamps, frame["sentiment_score"], frame["topics"], strict=True):
        for topic in _topics(topics):
            row = rows.setdefault(
                topic, {"topic": topic, "texts": 0, "score": 0.0, "recent": 0, "previous": 0}
            )
            row["texts"] += 1
            row["score"] += float(score) if pd.notna(score) else 0.0
            if ts > recent_from:
                row["recent"] += 1
            elif ts > previous_from:
                row["previous"] += 1
    out = []
    for row in rows.values():
        row["mean_sentiment"] = round(row.pop("score") / row["texts"], 3)
        row["growth"] = round((row["recent"] + 1) / (row["previous"] + 1), 2)
        out.append(row)
    return sorted(out, key=lambda r: (-r["growth"], -r["texts"]))


def _entities(store: Store, limit_events: int = 5000, top: int = 15) -> list[dict[str, Any]]:
    events = store.table("events")
    texts = events.filter(events.event.isin(list(TEXT_EVENTS)))
    # The newest events' lowest seq first, then only their payloads: a range filter on seq skips
    # most of the table, where ORDER BY ... LIMIT would read every text event's payload.
    newest = texts.order_by(ibis.desc("seq")).limit(limit_events)
    lowest = store.scalar(newest.seq.min())
    if lowest is None:
        return []
    rows = texts.filter(texts.seq >= lowest)
    found = store.execute(
        rows.select(entities=store.json_text(rows.payload, ["properties", "entities"]))
    )
    counts: Counter[tuple[str, str]] = Counter()
    for text in found["entities"].dropna():
        try:
            parsed = json.loads(text)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            for kind, values in parsed.items():
                for value in values if isinstance(values, list) else []:
                    counts[(str(kind), str(value))] += 1
    return [
        {"type": kind, "value": value, "mentions": n}
        for (kind, value), n in counts.most_common(top)
    ]


def _examples(store: Store, n: int) -> list[dict[str, Any]]:
    """The newest negative and positive texts (two small queries, not every text)."""
    scores = store.table(SCORES_TABLE)
    cols = ("timestamp", "event", "text", "sentiment", "sentiment_score")
    picked = []
    for label, count in (("negative", n // 2), ("positive", n - n // 2)):
        newest = scores.filter(scores.sentiment == label).order_by(ibis.desc("timestamp"))
        picked += store.execute(newest.select(*cols).limit(count)).to_dict("records")
    return [
        {
            "timestamp": pd.Timestamp(r["timestamp"]).isoformat(timespec="minutes"),
            "event": r["event"],
            "sentiment": r["sentiment"],
            "score": round(float(r["sentiment_score"]), 3),
            "text": str(r["text"])[:400],
        }
        for r in picked
    ]


def vision_insights(store: Store, days: int = 14) -> dict[str, Any]:
    """Camera counts per zone (and queues: zones named ``queue*``) and door counts per store.

    Returns:
        ``zones`` (time, camera, zone, entries, mean and max occupancy) for the last ``days``
        days of footfall events, ``queues`` (the same for queue zones) and ``doors`` (day,
        store, visitors) from ``store_footfall``.
    """
    out: dict[str, Any] = {"zones": [], "queues": [], "doors": []}
    events = store.table("events")
    cams = events.filter(events.event == FOOTFALL_EVENT)
    latest = store.scalar(cams.timestamp.max())
    if latest is not None:
        since = pd.Timestamp(latest).to_pydatetime() - timedelta(days=days)
        recent = cams.filter(cams.timestamp >= since).order_by("timestamp")
        frame = store.execute(recent.select("timestamp", "payload").limit(20_000))
        rows = []
        for ts, payload in zip(frame["timestamp"], frame["payload"], strict=True):
            props = json.loads(payload).get("properties") or {}
            if props.get("kind") != "zone":
                continue
            rows.append(
                {
                    "time": pd.Timestamp(ts).isoformat(timespec="minutes"),
                    "camera": props.get("camera"),
                    "zone": props.get("zone"),
                    "entries": props.get("entries", 0),
                    "mean_occupancy": props.get("mean_occupancy", 0.0),
                    "max_occupancy": props.get("max_occupancy", 0),
                }
            )
        out["zones"] = rows
        out["queues"] = [r for r in rows if str(r["zone"]).lower().startswith("queue")]
    if store.has_table("store_footfall"):
        doors = store.table("store_footfall")
        last = store.scalar(doors.hour.max())
        if last is not None:
            since = pd.Timestamp(last).to_pydatetime() - timedelta(days=days)
            daily = (
                doors.filter(doors.hour >= since)
                .group_by(day=doors.hour.date(), store=doors.store_id)
                .aggregate(visitors=doors.visitors.sum())
                .order_by(["day", "store"])
            )
            frame = store.execute(daily)
            out["doors"] = [
                {
                    "day": pd.Timestamp(r["day"]).date().isoformat(),
                    "store": r["store"],
                    "visitors": int(r["visitors"]),
                }
                for r in frame.to_dict("records")
            ]
    return out


def ingestion_rate(store: Store, hours: int = 48) -> list[dict[str, Any]]:
    """Events received per hour and source over the ``hours`` before the newest arrival."""
    events = store.table("events")
    latest = store.scalar(events.received_at.max())
    if latest is None:
        return []
    since = pd.Timestamp(latest).to_pydatetime() - timedelta(hours=hours)
    rows = events.filter(events.received_at >= since)
    grouped = rows.group_by(hour=rows.received_at.truncate("h"), source=rows.source).aggregate(
        events=rows.count()
    )
    frame = store.execute(grouped.order_by(["hour", "source"]))
    return [
        {
            "hour": pd.Timestamp(r["hour"]).isoformat(timespec="minutes"),
            "source": r["source"],
            "events": int(r["events"]),
        }
        for r in frame.to_dict("records")
    ]


def quality_checks(store: Store) -> list[dict[str, Any]]:
    """Simple data-quality checks over the warehouse's events: name, count, whether it passes."""
    events = store.table("events")
    now = ibis.literal(datetime.now(UTC), type="timestamp('UTC')")
    row = store.execute(
        events.aggregate(
            total=events.count(),
            future=(events.timestamp > now).cast("int64").sum(),
            anonymous=(events.user_id.isnull() & events.anonymous_id.isnull()).cast("int64").sum(),
            unnamed=((events.type == "track") & events.event.isnull()).cast("int64").sum(),
        )
    ).iloc[0]
    checks = [
        ("events timestamped in the future", row["future"]),
        ("events with neither userId nor anonymousId", row["anonymous"]),
        ("track events without an event name", row["unnamed"]),
    ]
    return [
        {"check": name, "events": int(count or 0), "passed": not count} for name, count in checks
    ]


def data_health(ctx: ServiceContext, store: Store, *, with_keys: bool) -> dict[str, Any]:
    """Sources (write keys only ``with_keys``), arrivals, failed events, violations, checks."""
    from vantage.services import events as event_service

    sources = [
        {**s.public(), "write_key": s.write_key if with_keys else None} for s in ctx.sources.list()
    ]
    return {
        "sources": sources,
        "ingestion": ingestion_rate(store) if store.has_table("events") else [],
        "failed": event_service.failed(ctx, limit=50),
        "failed_total": ctx.log.count_failed(),
        "violations": event_service.violations(ctx, limit=50),
        "checks": quality_checks(store) if store.has_table("events") else [],
    }
