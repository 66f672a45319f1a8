"""Speech to text: Whisper (faster-whisper) and PocketSphinx, plus word error rate."""

from vantage.solutions.nlp.speech.audio import SAMPLE_RATE, list_recordings, load_audio
from vantage.solutions.nlp.speech.errors import AudioError, RecogniserNotAvailableError, SpeechError
from vantage.solutions.nlp.speech.transcribe import (
    RECOGNISERS,
    SphinxTranscriber,
    Transcriber,
    Transcript,
    WhisperTranscriber,
    make_transcriber,
    whisper_model_path,
)
from vantage.solutions.nlp.speech.wer import normalise_words, word_edits, word_error_rate

__all__ = [
    "RECOGNISERS",
    "SAMPLE_RATE",
    "AudioError",
    "RecogniserNotAvailableError",
    "SpeechError",
    "SphinxTranscriber",
    "Transcriber",
    "Transcript",
    "WhisperTranscriber",
    "list_recordings",
    "load_audio",
    "make_transcriber",
    "normalise_words",
    "whisper_model_path",
    "word_edits",
    "word_error_rate",
]
