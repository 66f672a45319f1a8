"""Text models: sentiment, aspect sentiment, text classification, trend spotting.

Every estimator follows scikit-learn's contract with a list of texts as ``X``:

* :class:`~vantage.solutions.nlp.text.vader.VaderSentiment`: lexicon baseline, no training.
* :class:`~vantage.solutions.nlp.text.tfidf.TfidfLogisticRegression`: the classic baseline.
* :class:`~vantage.solutions.nlp.text.lstm.LSTMTextClassifier`: recurrent network from scratch.
* :class:`~vantage.solutions.nlp.text.transformer.FrozenEmbeddingClassifier`: frozen MiniLM
  embeddings + a linear head.
* :class:`~vantage.solutions.nlp.text.finetune.FineTunedTransformerClassifier`: full fine-tuning.
* :class:`~vantage.solutions.nlp.text.aspects.AspectSentiment`: aspect-level sentiment.
* :class:`~vantage.solutions.nlp.text.trends.TrendSpotter`: topics and emerging trends.

:func:`~vantage.solutions.nlp.text.models.make_text_model` builds any of the classifiers by
name; :mod:`~vantage.solutions.nlp.text.store` saves and versions them. Modules that need torch
import it themselves, so importing this package stays light.
"""
