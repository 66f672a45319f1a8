"""Speech clips made at test time with espeak-ng (skipped with a reason when it is absent)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SENTENCE = "Hello, I would like to cancel my order please."


@pytest.fixture(scope="session")
def speech_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WAV of :data:`SENTENCE` spoken by espeak-ng."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (Debian package espeak-ng; .ci/run installs it)")
    path = tmp_path_factory.mktemp("speech") / "clip.wav"
    subprocess.run(["espeak-ng", "-w", str(path), SENTENCE], check=True, timeout=60)
    return path


@pytest.fixture(scope="session")
def speech_sentence() -> str:
    """What :func:`speech_clip` says."""
    return SENTENCE
