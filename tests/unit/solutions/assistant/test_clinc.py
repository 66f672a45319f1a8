"""The intent classifier on a slice of CLINC150 (needs the public-data mirror)."""

from __future__ import annotations

from pathlib import Path

from vantage.datasets import registry
from vantage.solutions.assistant.intents import IntentClassifier, score_intents


def test_ten_clinc_intents_with_out_of_scope(data_mirror: Path) -> None:
    frame = registry.load("clinc150", mirror=data_mirror)
    keep = [*sorted(frame[frame.split == "train"].intent.unique())[:10], "oos"]
    frame = frame[frame.intent.isin(keep)]
    train = frame[frame.split.isin(["train", "oos_train"])]
    val = frame[frame.split.isin(["val", "oos_val"])]
    test = frame[frame.split.isin(["test", "oos_test"])]
    model = IntentClassifier(oos_label="oos").fit(train.text.tolist(), train.intent.tolist())
    model.calibrate(val.text.tolist(), val.intent.tolist())
    scores = score_intents(test.intent.tolist(), list(model.predict(test.text.tolist())), "oos")
    assert scores.n_in_scope == 300 and scores.n_oos == 1000
    assert scores.in_scope_accuracy > 0.9
    assert scores.oos_recall > 0.8
