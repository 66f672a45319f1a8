"""Recordings to transcripts: rows, CSV for the text models, events through the write path."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
import pytest

from vantage.services import nlp_documents_speech as service
from vantage.services.context import ServiceContext
from vantage.solutions.nlp.speech import Transcript


class FakeRecogniser:
    name = "fake"

    def transcribe(self, audio: object) -> Transcript:
        return Transcript(f"words of {Path(str(audio)).stem}", "fake", 1.5, 0.01)


@pytest.fixture
def recordings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(service, "make_transcriber", lambda _r, _m: FakeRecogniser())
    folder = tmp_path / "calls"
    folder.mkdir()
    for name in ("b.wav", "a.mp3"):
        (folder / name).write_bytes(b"x")
    return folder


def test_folder_to_rows_and_csv(recordings: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    rows = service.transcribe_files([recordings], on_progress=lambda d, t: seen.append((d, t)))
    assert [r.text for r in rows] == ["words of a", "words of b"]
    assert seen[-1] == (2, 2)
    out = service.write_csv(rows, tmp_path / "out" / "t.csv")
    with out.open() as handle:
        read = list(csv.DictReader(handle))
    assert [r["text"] for r in read] == ["words of a", "words of b"]
    assert list(read[0]) == list(service.CSV_COLUMNS)


def test_transcripts_become_events_once(recordings: Path, home: Path) -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    rows = service.transcribe_files([recordings])
    assert service.ingest_transcripts(ctx, rows, user_id="u1") == {
        "stored": 2, "duplicates": 0, "rejected": 0
    }  # fmt: skip
    assert service.ingest_transcripts(ctx, rows, user_id="u1")["duplicates"] == 2
    payloads = [orjson.loads(r["payload"]) for r in ctx.log.tail(10, "calls")]
    assert {p["properties"]["text"] for p in payloads} == {"words of a", "words of b"}
    assert {p["userId"] for p in payloads} == {"u1"}
    assert service.transcript_message(rows[0])["anonymousId"].startswith("call-")
