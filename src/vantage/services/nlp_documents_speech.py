"""Recordings (call-centre calls, voice notes) to transcripts that the text models can score.

Transcripts come back as rows (``file``, ``text``, ...) and can be written as CSV (``text``
column, ready for ``vantage nlp`` text commands) or stored as ``Call Transcribed`` events with
the text in ``properties.text`` through the one write path.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from vantage.services.context import ServiceContext
from vantage.solutions.nlp.speech import Transcriber, Transcript, list_recordings, make_transcriber

TRANSCRIPT_EVENT = "Call Transcribed"
TRANSCRIPT_SOURCE = "calls"
CSV_COLUMNS = ("file", "text", "recogniser", "duration_s", "seconds")


@dataclass
class TranscriptRow:
    """One transcribed recording."""

    file: str
    text: str
    recogniser: str
    duration_s: float
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)


def transcribe_files(
    paths: list[Path],
    *,
    recogniser: str = "whisper",
    model: str = "tiny.en",
    on_progress: Callable[[int, int | None], None] | None = None,
) -> list[TranscriptRow]:
    """Transcribe audio files and folders of them (searched recursively), in name order."""
    files = list_recordings(paths)
    engine = make_transcriber(recogniser, model)
    rows = []
    for done, path in enumerate(files):
        if on_progress is not None:
            on_progress(done, len(files))
        found = engine.transcribe(path)
        rows.append(
            TranscriptRow(
                str(path),
                found.text,
                found.recogniser,
                round(found.duration_s, 2),
                round(found.seconds, 3),
            )
        )
    if on_progress is not None:
        on_progress(len(files), len(files))
    return rows


@lru_cache(maxsize=4)
def cached_transcriber(recogniser: str = "whisper", model: str = "tiny.en") -> Transcriber:
    """A recogniser kept loaded between calls (the API transcribes many uploads)."""
    return make_transcriber(recogniser, model)


def transcribe_bytes(data: bytes, *, recogniser: str = "whisper") -> Transcript:
    """Transcribe one uploaded recording (encoded audio bytes)."""
    return cached_transcriber(recogniser).transcribe(data)


def write_csv(rows: list[TranscriptRow], path: Path) -> Path:
    """Write transcripts as CSV (columns :data:`CSV_COLUMNS`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(row.to_dict() for row in rows)
    return path


def transcript_message(row: TranscriptRow, *, user_id: str | None = None) -> dict[str, Any]:
    """The ``Call Transcribed`` track message of one transcript."""
    digest = hashlib.sha256(f"{Path(row.file).name}|{row.text}".encode()).hexdigest()[:24]
    message: dict[str, Any] = {
        "type": "track",
        "event": TRANSCRIPT_EVENT,
        "messageId": f"transcript-{digest}",
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "properties": {
            "text": row.text,
            "recording": Path(row.file).name,
            "duration_s": row.duration_s,
            "recogniser": row.recogniser,
        },
    }
    if user_id:
        message["userId"] = user_id
    else:
        message["anonymousId"] = f"call-{digest}"
    return message


def ingest_transcripts(
    ctx: ServiceContext,
    rows: list[TranscriptRow],
    *,
    user_id: str | None = None,
    source: str = TRANSCRIPT_SOURCE,
) -> dict[str, int]:
    """Store transcripts as events (text in ``properties.text``); returns the counts."""
    ctx.sources.ensure(source)
    messages = [transcript_message(row, user_id=user_id) for row in rows]
    submission = ctx.ingestor.prepare(source, messages, correct_skew=False)
    [appended] = ctx.log.append([submission])
    return {
        "stored": appended.stored,
        "duplicates": appended.duplicates,
        "rejected": appended.rejected,
    }
