"""Intent classification: sentence embeddings + a linear head, with an out-of-scope class.

:class:`IntentClassifier` follows scikit-learn's contract with a list of texts as ``X``. Each
text becomes its sentence embedding (from the ``embedder`` callable, e.g. all-MiniLM-L6-v2),
optionally joined by TF-IDF word and character n-grams, and one-vs-rest logistic regressions
(liblinear: fast with hundreds of intents) give the probability of each intent. A text is
*out of scope* when the head says so (the out-of-scope examples form a class of their own) or
when the best probability is under ``threshold_``, which :meth:`IntentClassifier.calibrate`
tunes on validation data.

The embedder is passed in, not imported: solution packages do not import each other, so the
service layer hands over the language package's encoder (or a cached one in benchmarks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion

from vantage.solutions.assistant.errors import AssistantError

OUT_OF_SCOPE = "out_of_scope"
Embedder = Callable[[list[str]], np.ndarray]


def _texts(X: Any, name: str = "X") -> list[str]:  # noqa: N803
    if isinstance(X, str | bytes):
        raise AssistantError(
            f"{name} is a single string; the intent classifier takes a list of texts.",
            f"Wrap it in a list: [{X[:30]!r}].",
        )
    texts = ["" if t is None else t for t in X]
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise AssistantError(
            f"{name}[{bad}] is a {type(texts[bad]).__name__}, not a string.",
            "Pass one string per utterance.",
        )
    return texts


@dataclass(frozen=True)
class IntentScores:
    """Accuracy figures of an intent classifier on labelled utterances.

    Attributes:
        in_scope_accuracy: Share of in-scope utterances given their exact intent.
        oos_recall: Share of out-of-scope utterances recognised as out of scope.
        oos_precision: Share of utterances called out of scope that really are.
        n_in_scope: In-scope utterances scored.
        n_oos: Out-of-scope utterances scored.
    """

    in_scope_accuracy: float
    oos_recall: float
    oos_precision: float
    n_in_scope: int
    n_oos: int


def score_intents(
    y_true: Sequence[str], y_pred: Sequence[str], oos_label: str = OUT_OF_SCOPE
) -> IntentScores:
    """In-scope accuracy and out-of-scope recall and precision (the CLINC150 measures)."""
    truth = np.asarray(list(y_true), dtype=object)
    pred = np.asarray(list(y_pred), dtype=object)
    inside = truth != oos_label
    said_oos = pred == oos_label
    n_in, n_oos = int(inside.sum()), int((~inside).sum())
    return IntentScores(
        in_scope_accuracy=float((truth[inside] == pred[inside]).mean()) if n_in else float("nan"),
        oos_recall=float(said_oos[~inside].mean()) if n_oos else float("nan"),
        oos_precision=float((~inside[said_oos]).mean()) if said_oos.any() else float("nan"),
        n_in_scope=n_in,
        n_oos=n_oos,
    )


def tune_threshold(
    confidence: np.ndarray,
    predicted: np.ndarray,
    truth: np.ndarray,
    *,
    oos_label: str = OUT_OF_SCOPE,
    tolerance: float = 0.01,
) -> float:
    """The confidence threshold that catches most out-of-scope texts at a bounded cost.

    In-scope accuracy can only fall, and out-of-scope recall only rise, as the threshold
    grows; the threshold returned is the highest whose in-scope accuracy stays within
    ``tolerance`` of the accuracy with no threshold.

    Args:
        confidence: The best intent probability of each validation text.
        predicted: The head's intent for each text (before thresholding).
        truth: The true intents, ``oos_label`` for out-of-scope texts.
        oos_label: The out-of-scope label.
        tolerance: In-scope accuracy (a share, 0.01 = one point) traded for recall.
    """
    inside = truth != oos_label
    if not inside.any():
        raise AssistantError(
            "The validation data holds no in-scope example, so no threshold can be tuned.",
            "Give validation examples of the real intents too.",
        )
    correct = (predicted == truth) & inside
    candidates = np.unique(np.concatenate([[0.0], confidence]))
    best = correct.sum() / inside.sum()
    chosen = 0.0
    for t in candidates:
        accuracy = (correct & (confidence >= t)).sum() / inside.sum()
        if accuracy >= best - tolerance:
            chosen = float(t)
        else:
            break
    return chosen


class IntentClassifier(ClassifierMixin, BaseEstimator):
    """Sentence embeddings (+ optional TF-IDF n-grams) and a logistic-regression head.

    Args:
        embedder: Callable turning a list of texts into an (n, d) array of embeddings; None
            uses the TF-IDF features alone (then ``tfidf`` must be True).
        tfidf: Also use TF-IDF word 1-2-grams and character 2-5-grams.
        C: Inverse regularisation strength of the head.
        threshold: Fixed confidence threshold; None keeps 0 until :meth:`calibrate` tunes one.
        oos_label: The out-of-scope intent.
        embedding_weight: Scale of the (unit-length) embeddings next to the TF-IDF block.
        min_df: TF-IDF n-grams seen in fewer utterances are dropped.
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        tfidf: bool = True,
        C: float = 20.0,  # noqa: N803
        threshold: float | None = None,
        oos_label: str = OUT_OF_SCOPE,
        embedding_weight: float = 2.0,
        min_df: int = 1,
    ) -> None:
        self.embedder = embedder
        self.tfidf = tfidf
        self.C = C
        self.threshold = threshold
        self.oos_label = oos_label
        self.embedding_weight = embedding_weight
        self.min_df = min_df

    def _features(self, texts: list[str], fit: bool = False) -> Any:
        blocks: list[Any] = []
        if self.embedder is not None:
            vectors = np.asarray(self.embedder(texts), dtype=np.float32)
            blocks.append(sp.csr_matrix(vectors * self.embedding_weight))
        if self.tfidf:
            if fit:
                self.vectorizer_ = FeatureUnion(
                    [
                        (
                            "words",
                            TfidfVectorizer(
                                ngram_range=(1, 2), sublinear_tf=True, min_df=self.min_df
                            ),
                        ),
                        (
                            "chars",
                            TfidfVectorizer(
                                analyzer="char_wb",
                                ngram_range=(2, 5),
                                sublinear_tf=True,
                                min_df=self.min_df,
                            ),
                        ),
                    ]
                ).fit(texts)
            blocks.append(sp.csr_matrix(self.vectorizer_.transform(texts)))
        if not blocks:
            raise AssistantError(
                "IntentClassifier has no features: embedder is None and tfidf is False.",
                "Pass an embedder (sentence embeddings) or set tfidf=True.",
            )
        return sp.hstack(blocks, format="csr")

    def fit(self, X: Any, y: Any) -> IntentClassifier:  # noqa: N803
        """Fit the head on utterances ``X`` and their intents ``y``."""
        texts = _texts(X)
        labels = np.asarray([str(v) for v in y], dtype=object)
        if len(labels) != len(texts):
            raise AssistantError(
                f"y has {len(labels)} intents for {len(texts)} utterances.",
                "Pass exactly one intent per utterance.",
            )
        if len(set(labels.tolist())) < 2:
            raise AssistantError(
                "The training data holds a single intent; a classifier needs at least two.",
                "Add examples of other intents (and of out_of_scope).",
            )
        head = LogisticRegression(C=self.C, solver="liblinear", max_iter=1000, random_state=0)
        self.head_ = OneVsRestClassifier(head).fit(self._features(texts, fit=True), labels)
        self.classes_ = self.head_.classes_
        self.threshold_ = 0.0 if self.threshold is None else float(self.threshold)
        return self

    def _check(self) -> None:
        if not hasattr(self, "head_"):
            raise AssistantError(
                "This IntentClassifier is not fitted yet.",
                "Call fit(utterances, intents) first, or train with `vantage assistant train`.",
            )

    def predict_proba(self, X: Any) -> np.ndarray:  # noqa: N803
        """Intent probabilities, columns in ``classes_`` order (before the threshold)."""
        self._check()
        return np.asarray(self.head_.predict_proba(self._features(_texts(X))))

    def decide(self, proba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Intents and confidences from probabilities, with the threshold applied."""
        self._check()
        best = proba.argmax(axis=1)
        confidence = proba[np.arange(len(proba)), best]
        intents = np.asarray(self.classes_[best], dtype=object)
        intents[confidence < self.threshold_] = self.oos_label
        return intents, confidence

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803
        """The intent of each utterance, ``oos_label`` when out of scope or unsure."""
        return self.decide(self.predict_proba(X))[0]

    def calibrate(
        self,
        X: Any,  # noqa: N803
        y: Any,
        tolerance: float = 0.01,
    ) -> IntentClassifier:
        """Tune ``threshold_`` on validation utterances (see :func:`tune_threshold`)."""
        proba = self.predict_proba(X)
        best = proba.argmax(axis=1)
        self.threshold_ = tune_threshold(
            proba[np.arange(len(proba)), best],
            np.asarray(self.classes_[best], dtype=object),
            np.asarray([str(v) for v in y], dtype=object),
            oos_label=self.oos_label,
            tolerance=tolerance,
        )
        return self


def fit_with_threshold(
    model: IntentClassifier,
    texts: list[str],
    intents: list[str],
    *,
    folds: int = 5,
    tolerance: float = 0.01,
    random_state: int = 0,
) -> tuple[IntentClassifier, IntentScores]:
    """Fit ``model`` on all examples with a threshold tuned on out-of-fold predictions.

    Small training sets have no validation split to spare, so each example is predicted by a
    model fitted on the other folds; the threshold is tuned on those predictions (see
    :func:`tune_threshold`) and the cross-validated scores are returned with the model.
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    labels = np.asarray(intents, dtype=object)
    smallest = min(np.unique(labels, return_counts=True)[1])
    if smallest < 2:
        raise AssistantError(
            "An intent has a single example; cross-validation needs at least two per intent.",
            "Give every intent (and out_of_scope) at least two examples, ideally ten or more.",
        )
    splitter = StratifiedKFold(
        n_splits=min(folds, int(smallest)), shuffle=True, random_state=random_state
    )
    confidence = np.zeros(len(texts))
    predicted = np.empty(len(texts), dtype=object)
    for train, test in splitter.split(texts, labels):
        fold = clone(model).fit([texts[i] for i in train], labels[train])
        proba = fold.predict_proba([texts[i] for i in test])
        best = proba.argmax(axis=1)
        confidence[test] = proba[np.arange(len(test)), best]
        predicted[test] = fold.classes_[best]
    threshold = tune_threshold(
        confidence, predicted, labels, oos_label=model.oos_label, tolerance=tolerance
    )
    final = clone(model).fit(texts, labels)
    final.threshold_ = threshold
    decided = np.where(confidence < threshold, model.oos_label, predicted)
    return final, score_intents(list(labels), list(decided), model.oos_label)
