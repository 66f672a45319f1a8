"""Read recordings into 16 kHz mono samples (the rate both recognisers expect)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from vantage.solutions.nlp.speech.errors import AudioError

SAMPLE_RATE = 16_000
AUDIO_SUFFIXES = (".wav", ".mp3", ".flac", ".ogg", ".m4a", ".webm", ".opus", ".aac")
AudioInput = str | Path | bytes | np.ndarray


def load_audio(audio: AudioInput) -> np.ndarray:
    """Decode a file path, encoded bytes or samples into float32 mono samples at 16 kHz.

    Any format FFmpeg (PyAV) reads works: WAV, MP3, FLAC, OGG, M4A, WebM.

    Raises:
        AudioError: The file is missing or not audio.
    """
    if isinstance(audio, np.ndarray):
        return audio.astype(np.float32).reshape(-1)
    label = "uploaded audio" if isinstance(audio, bytes) else str(audio)
    if not isinstance(audio, bytes) and not Path(audio).is_file():
        raise AudioError(f"Recording {label} does not exist.", "Check the path of the audio file.")
    from faster_whisper.audio import decode_audio

    source = io.BytesIO(audio) if isinstance(audio, bytes) else str(audio)
    try:
        samples = decode_audio(source, sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises several unrelated error types for bad input
        raise AudioError(
            f"{label} could not be decoded as audio ({type(exc).__name__}: {exc}).",
            "Send a WAV, MP3, FLAC, OGG or M4A recording.",
        ) from exc
    return np.asarray(samples, dtype=np.float32)


def to_pcm16(samples: np.ndarray) -> bytes:
    """Float samples in [-1, 1] as little-endian 16-bit PCM bytes."""
    clipped = np.clip(samples, -1.0, 1.0)
    return (clipped * 32767).astype("<i2").tobytes()


def duration_s(samples: np.ndarray) -> float:
    """Length of 16 kHz samples in seconds."""
    return len(samples) / SAMPLE_RATE


def list_recordings(paths: list[Path]) -> list[Path]:
    """Files to transcribe: the given files, plus audio files inside given folders (sorted).

    Raises:
        AudioError: A path does not exist, or no recording was found.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise AudioError(f"{path} does not exist.", "Pass audio files or folders of them.")
    if not found:
        raise AudioError(
            "No recordings found in " + ", ".join(str(p) for p in paths) + ".",
            f"Pass audio files ({', '.join(AUDIO_SUFFIXES)}) or folders holding them.",
        )
    return found
