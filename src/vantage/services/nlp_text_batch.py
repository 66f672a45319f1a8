"""Batch jobs over the warehouse: score text events, profile traits, trend spotting.

Scores land in the warehouse table ``nlp_text_scores`` (replaced on each run), one row per text
event: ``message_id, customer_id, event, timestamp, text, request, sentiment, sentiment_score,
topics, route``. Profile traits come back as a long frame ``customer_id, trait, value``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from vantage.core.errors import VantageError
from vantage.core.settings import Settings
from vantage.services.nlp_ingest import TEXT_EVENTS
from vantage.services.nlp_text_events import TextScorer, event_text, route_ticket

SCORES_TABLE = "nlp_text_scores"


class NoTextEventsError(VantageError):
    """The warehouse holds no text events to work on."""


def read_text_events(settings: Settings, events: tuple[str, ...] = TEXT_EVENTS) -> pd.DataFrame:
    """Text events with their text, request and (when identities are resolved) customer_id.

    Raises:
        NoTextEventsError: None of ``events`` is in the warehouse.
    """
    import ibis

    from vantage.profiles.computed import customer_events
    from vantage.services.warehouse import open_warehouse

    with open_warehouse(settings) as store:
        table = store.table("events")
        rows = table.filter(table.event.isin(list(events)))
        if store.has_table("identity_map"):
            resolved = customer_events(rows, store.table("identity_map"))
            ids = resolved.select(mid=resolved.message_id, customer_id=resolved.customer_id)
            rows = rows.left_join(ids, rows.message_id == ids.mid)
        else:
            rows = rows.mutate(customer_id=ibis.null("string"))
        frame = store.execute(
            rows.select("message_id", "customer_id", "event", "timestamp", "payload")
        )
    if frame.empty:
        raise NoTextEventsError(
            f"No text events ({', '.join(events)}) in the warehouse of {settings.home}.",
            "Send reviews or chats first (or run `vantage demo`), then sync the warehouse.",
        )
    pairs = [event_text(json.loads(p)) for p in frame["payload"]]
    frame["text"] = [t for t, _ in pairs]
    frame["request"] = [r for _, r in pairs]
    frame = frame.drop(columns="payload").dropna(subset=["text"])
    frame = frame.drop_duplicates("message_id")
    return frame.sort_values("timestamp").reset_index(drop=True)


def score_text_events(
    settings: Settings, *, model: str | None = None, write: bool = True
) -> pd.DataFrame:
    """Score every text event in the warehouse; optionally write ``nlp_text_scores``.

    Args:
        settings: Settings naming the data directory and warehouse.
        model: Saved sentiment model name; default ``sentiment`` when saved, else VADER.
        write: Replace the ``nlp_text_scores`` table with the result.

    Returns:
        One row per text event (see the module docstring for the columns).
    """
    from vantage.services.warehouse import open_warehouse

    frame = read_text_events(settings)
    scorer = TextScorer.load(Path(settings.home), model)
    scored = scorer.score(frame["text"].tolist())
    frame["sentiment"] = [s["sentiment"] for s in scored]
    frame["sentiment_score"] = [s["sentiment_score"] for s in scored]
    frame["route"] = [route_ticket(r) if r else None for r in frame["request"]]
    frame["topics"] = [
        json.dumps(list(dict.fromkeys([*s["aspect_sentiment"], *([r] if r else [])])))
        for s, r in zip(scored, frame["route"], strict=True)
    ]
    frame["model"] = scorer.description
    if write:
        with open_warehouse(settings) as store:
            store.create_table(SCORES_TABLE, frame.reset_index(drop=True), overwrite=True)
    return frame


def profile_traits(
    scores: pd.DataFrame, *, as_of: datetime | None = None, days: int = 90
) -> pd.DataFrame:
    """Per-customer text traits as a long frame ``customer_id, trait, value``.

    Traits: ``avg_sentiment_<days>d`` (mean sentiment score of the customer's texts in the
    window), ``texts_<days>d``, ``negative_texts_<days>d`` and ``open_complaints``: negative texts
    in the window not followed by a positive text from the same customer (a complaint that was
    later resolved to the customer's satisfaction counts as closed).

    Args:
        scores: Output of :func:`score_text_events`.
        as_of: End of the window; default the latest text's timestamp.
        days: Window length.
    """
    frame = scores.dropna(subset=["customer_id"]).copy()
    if frame.empty:
        return pd.DataFrame(columns=["customer_id", "trait", "value"])
    ts = pd.to_datetime(frame["timestamp"], utc=True)
    end = pd.Timestamp(as_of) if as_of is not None else ts.max()
    end = end.tz_localize("UTC") if end.tzinfo is None else end
    frame = frame[(ts > end - timedelta(days=days)) & (ts <= end)].assign(ts=ts)
    if frame.empty:
        return pd.DataFrame(columns=["customer_id", "trait", "value"])
    grouped = frame.groupby("customer_id")
    last_positive = frame[frame["sentiment"] == "positive"].groupby("customer_id")["ts"].max()
    negatives = frame[frame["sentiment"] == "negative"].join(
        last_positive.rename("last_positive"), on="customer_id"
    )
    still_open = negatives[
        negatives["last_positive"].isna() | (negatives["last_positive"] < negatives["ts"])
    ]
    wide = pd.DataFrame(
        {
            f"avg_sentiment_{days}d": grouped["sentiment_score"].mean().round(4),
            f"texts_{days}d": grouped.size(),
            f"negative_texts_{days}d": negatives.groupby("customer_id").size(),
            "open_complaints": still_open.groupby("customer_id").size(),
        }
    ).fillna(0)
    long = wide.reset_index(names="customer_id").melt(
        id_vars="customer_id", var_name="trait", value_name="value"
    )
    return long.sort_values(["customer_id", "trait"]).reset_index(drop=True)


def spot_trends(
    scores: pd.DataFrame,
    *,
    n_topics: int = 8,
    period: str = "30D",
    embedding: str = "minilm",
) -> pd.DataFrame:
    """Topics of the scored texts, emerging ones first, with sentiment and examples."""
    from vantage.solutions.nlp.text.trends import TrendSpotter

    spotter = TrendSpotter(n_topics=n_topics, embedding=embedding).fit(scores["text"].tolist())
    return spotter.report(
        scores["text"].tolist(),
        scores["timestamp"].tolist(),
        sentiment=scores["sentiment_score"].tolist(),
        period=period,
    )


def describe_topics(report: pd.DataFrame) -> list[dict[str, Any]]:
    """The trend report as plain dicts (for JSON)."""
    return [
        {str(k): (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in report.to_dict(orient="records")
    ]


def scores_from_csv(
    home: Path, path: Path, *, text: str, time_column: str | None = None
) -> pd.DataFrame:
    """Texts of a CSV scored for sentiment, shaped like :func:`score_text_events`' output.

    Without ``time_column`` every text gets the same timestamp (no growth to measure).

    Raises:
        NoTextEventsError: Missing file or column, or no texts.
    """
    if not Path(path).is_file():
        raise NoTextEventsError(f"File {path} does not exist.", "Check the --data path.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for option, column in (("--text", text), ("--time", time_column)):
        if column is not None and column not in frame.columns:
            raise NoTextEventsError(
                f"{Path(path).name} has no column {column!r} (given as {option}).",
                f"Use one of its columns: {', '.join(map(str, frame.columns[:20]))}.",
            )
    frame = frame[frame[text].str.strip() != ""]
    if frame.empty:
        raise NoTextEventsError(f"{Path(path).name} has no texts.", "Check the --text column.")
    stamps = (
        pd.to_datetime(frame[time_column], utc=True, errors="coerce")
        if time_column
        else pd.Series(pd.Timestamp.now(tz="UTC"), index=frame.index)
    )
    scorer = TextScorer.load(Path(home))
    texts = frame[text].tolist()
    scored = scorer.score(texts)
    return pd.DataFrame(
        {
            "text": texts,
            "timestamp": stamps.to_numpy(),
            "sentiment": [s["sentiment"] for s in scored],
            "sentiment_score": [s["sentiment_score"] for s in scored],
        }
    ).dropna(subset=["timestamp"])
