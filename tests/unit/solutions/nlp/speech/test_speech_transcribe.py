"""Transcribing espeak-ng clips with Whisper tiny.en and PocketSphinx."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vantage.solutions.nlp.speech import (
    AudioError,
    RecogniserNotAvailableError,
    SphinxTranscriber,
    WhisperTranscriber,
    list_recordings,
    load_audio,
    make_transcriber,
    whisper_model_path,
    word_error_rate,
)


@pytest.mark.slow
def test_whisper_transcribes_clean_speech(speech_clip: Path, speech_sentence: str) -> None:
    found = WhisperTranscriber().transcribe(speech_clip)
    assert found.recogniser == "whisper:tiny.en"
    assert word_error_rate([speech_sentence], [found.text]) <= 0.1
    assert found.duration_s == pytest.approx(2.8, abs=0.6)
    assert found.segments and found.segments[0]["start"] == 0.0


@pytest.mark.slow
def test_pocketsphinx_returns_a_transcript(speech_clip: Path) -> None:
    found = SphinxTranscriber().transcribe(speech_clip.read_bytes())
    assert found.recogniser == "pocketsphinx"
    assert found.text.strip()
    assert found.duration_s == pytest.approx(2.8, abs=0.6)


def test_audio_is_resampled_to_16k_mono(speech_clip: Path) -> None:
    samples = load_audio(speech_clip)
    assert samples.dtype == np.float32
    assert len(samples) / 16_000 == pytest.approx(2.8, abs=0.6)
    assert load_audio(np.ones((2, 3))).shape == (6,)


def test_bad_audio_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="does not exist"):
        load_audio(tmp_path / "none.wav")
    with pytest.raises(AudioError, match="could not be decoded as audio"):
        load_audio(b"definitely not audio")


def test_recordings_are_found_in_folders(tmp_path: Path) -> None:
    (tmp_path / "b.wav").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.mp3").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in list_recordings([tmp_path])] == ["b.wav", "a.mp3"]
    with pytest.raises(AudioError, match="sub2 does not exist"):
        list_recordings([tmp_path / "sub2"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(AudioError, match="No recordings found"):
        list_recordings([tmp_path / "empty"])


def test_recognisers_by_name() -> None:
    assert make_transcriber("whisper", "base.en").name == "whisper:base.en"
    assert make_transcriber("pocketsphinx").name == "pocketsphinx"
    with pytest.raises(RecogniserNotAvailableError, match="'vosk' is unknown"):
        make_transcriber("vosk")
    assert whisper_model_path("base.en") == "base.en"
    assert Path(whisper_model_path("tiny.en")).is_dir()


def test_unloadable_whisper_model_says_what_to_do(speech_clip: Path, tmp_path: Path) -> None:
    with pytest.raises(RecogniserNotAvailableError, match="could not be loaded"):
        WhisperTranscriber(str(tmp_path / "no-model")).transcribe(speech_clip)
