"""Word error rate: jiwer and the built-in Levenshtein agree."""

from __future__ import annotations

import importlib.util

import pytest

from vantage.solutions.nlp.speech import normalise_words, word_edits, word_error_rate


def test_normalisation_drops_case_and_punctuation() -> None:
    assert normalise_words("Hello, I'd like TWO-way calls!") == [
        "hello", "i'd", "like", "two", "way", "calls"
    ]  # fmt: skip


def test_levenshtein_over_words() -> None:
    assert word_edits(["a", "b", "c", "d"], ["a", "x", "c"]) == 2
    assert word_edits([], ["a"]) == 1


@pytest.mark.parametrize("use_jiwer", [False, True])
def test_corpus_wer(use_jiwer: bool) -> None:
    if use_jiwer and importlib.util.find_spec("jiwer") is None:
        pytest.skip("jiwer is not installed")
    refs = ["the cat sat on the mat", "hello world"]
    hyps = ["The cat sat on a mat.", ""]
    assert word_error_rate(refs, hyps, use_jiwer=use_jiwer) == pytest.approx(3 / 8)


def test_wer_input_errors() -> None:
    with pytest.raises(ValueError, match="1 references for 2 hypotheses"):
        word_error_rate(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="hold no words"):
        word_error_rate(["..."], ["a"])
