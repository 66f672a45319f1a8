"""Speech to text: word error rate and speed of Whisper tiny.en (faster-whisper, int8) and
PocketSphinx 5 on clips spoken by espeak-ng from known sentences, clean and with white noise.

Needs the Debian package ``espeak-ng``. Run: ``python -m benchmarks --only nlp_speech``.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from benchmarks.report import write_section
from vantage.solutions.nlp.speech import (
    SphinxTranscriber,
    WhisperTranscriber,
    load_audio,
    word_error_rate,
)

SENTENCES = [
    "I would like to cancel my order please.",
    "My parcel has not arrived yet and I am quite annoyed.",
    "Can you tell me when the store opens on Sunday?",
    "The jacket I bought is too small so I want to return it.",
    "I was charged twice for the same delivery.",
    "Please update the address on my account.",
    "The staff at the shop were really helpful today.",
    "I never received the confirmation email for my purchase.",
    "Do you have this shirt in a larger size?",
    "The discount code did not work at checkout.",
    "I would like to speak to a manager about my refund.",
    "Thank you for sorting out the problem so quickly.",
    "My loyalty points are missing from last month.",
    "The delivery driver left the box in the rain.",
    "How long does a refund usually take to arrive?",
    "I want to change the colour of the sofa I ordered.",
    "Your website keeps logging me out when I pay.",
    "The coffee machine I bought stopped working after a week.",
    "Could you send me a new invoice with my company name?",
    "I am happy with the quality but the price went up again.",
]
VOICES = ("en-us",)
NOISE_SNR_DB = 10.0


def make_clips(folder: Path) -> list[tuple[str, str, Path]]:
    """One WAV per (voice, sentence), spoken by espeak-ng."""
    clips = []
    for voice in VOICES:
        for i, sentence in enumerate(SENTENCES):
            path = folder / f"{voice}-{i:02d}.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), sentence], check=True)
            clips.append((voice, sentence, path))
    return clips


def with_noise(samples: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    """Add white noise at ``snr_db`` dB signal-to-noise ratio (fixed seed)."""
    power = float(np.mean(samples**2))
    noise = np.random.default_rng(seed).normal(
        0.0, np.sqrt(power / 10 ** (snr_db / 10)), samples.shape
    )
    return (samples + noise).astype(np.float32)


def main() -> dict[str, dict[str, float]]:
    """Transcribe every clip with both recognisers and write the ``nlp_speech`` section."""
    if shutil.which("espeak-ng") is None:
        print("nlp_speech skipped: espeak-ng is not installed (apt-get install espeak-ng)")
        return {}
    recognisers = {
        "faster-whisper 1.2.1, Whisper tiny.en int8 (greedy)": WhisperTranscriber(),
        "PocketSphinx 5.1.1 (bundled en-us model)": SphinxTranscriber(),
    }
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        clips = make_clips(Path(tmp))
        audio = {path: load_audio(path) for _, _, path in clips}
        seconds_of_audio = sum(len(a) for a in audio.values()) / 16_000
        conditions = {
            "clean": dict(audio),
            f"white noise {NOISE_SNR_DB:.0f} dB SNR": {
                p: with_noise(a, NOISE_SNR_DB, i) for i, (p, a) in enumerate(audio.items())
            },
        }
        for condition, samples in conditions.items():
            for name, recogniser in recognisers.items():
                recogniser.transcribe(samples[clips[0][2]])
                started = time.perf_counter()
                texts = [recogniser.transcribe(samples[path]).text for _, _, path in clips]
                elapsed = time.perf_counter() - started
                results[f"{name} / {condition}"] = {
                    "wer": word_error_rate([s for _, s, _ in clips], texts),
                    "s_per_clip": elapsed / len(clips),
                    "rtf": elapsed / seconds_of_audio,
                }
    lines = [
        f"{len(clips)} clips ({len(SENTENCES)} call-centre sentences x espeak-ng voices "
        f"{', '.join(VOICES)}; {seconds_of_audio / len(clips):.1f} s each on average); "
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores shared with other jobs. WER over all clips (lower case, no "
        "punctuation); RTF = recognition seconds / audio seconds. Synthetic speech is far "
        "cleaner than real calls: expect higher WER on real recordings.",
        "",
        "| recogniser | audio | WER | s per clip | real-time factor |",
        "|---|---|---:|---:|---:|",
    ]
    for key, figures in results.items():
        name, condition = key.rsplit(" / ", 1)
        lines.append(
            f"| {name} | {condition} | {figures['wer']:.3f} | {figures['s_per_clip']:.2f} | "
            f"{figures['rtf']:.2f} |"
        )
    lines += ["", "Reproduce: `python -m benchmarks --only nlp_speech`."]
    write_section("nlp_speech", "\n".join(lines))
    return results


if __name__ == "__main__":
    for key, figures in main().items():
        print(key, {k: round(v, 3) for k, v in figures.items()})
