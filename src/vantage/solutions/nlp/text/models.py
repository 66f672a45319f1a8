"""One name per text-model approach, so the CLI, services and benchmarks build them alike."""

from __future__ import annotations

from typing import Any

from vantage.solutions.nlp.text._common import TextModelError

APPROACHES = ("vader", "tfidf", "lstm", "minilm-frozen", "minilm-finetune")


def make_text_model(approach: str, **params: Any) -> Any:
    """A new, unfitted estimator for ``approach``.

    Args:
        approach: One of :data:`APPROACHES`: ``vader`` (lexicon, sentiment only), ``tfidf``
            (TF-IDF + logistic regression), ``lstm`` (recurrent network trained from scratch),
            ``minilm-frozen`` (frozen MiniLM embeddings + linear head), ``minilm-finetune``
            (full fine-tuning of MiniLM).
        **params: Constructor parameters of that estimator.

    Returns:
        The estimator (scikit-learn contract, texts as X).

    Raises:
        TextModelError: Unknown approach.
    """
    if approach == "vader":
        from vantage.solutions.nlp.text.vader import VaderSentiment

        return VaderSentiment(**params)
    if approach == "tfidf":
        from vantage.solutions.nlp.text.tfidf import TfidfLogisticRegression

        return TfidfLogisticRegression(**params)
    if approach == "lstm":
        from vantage.solutions.nlp.text.lstm import LSTMTextClassifier

        return LSTMTextClassifier(**params)
    if approach == "minilm-frozen":
        from vantage.solutions.nlp.text.transformer import FrozenEmbeddingClassifier

        return FrozenEmbeddingClassifier(**params)
    if approach == "minilm-finetune":
        from vantage.solutions.nlp.text.finetune import FineTunedTransformerClassifier

        return FineTunedTransformerClassifier(**params)
    raise TextModelError(
        f"Unknown text model {approach!r}.", f"Use one of: {', '.join(APPROACHES)}."
    )
