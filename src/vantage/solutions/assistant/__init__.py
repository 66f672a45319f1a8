"""Conversational AI: a customer-service assistant and an analyst's assistant.

* :mod:`~vantage.solutions.assistant.intents`: intent classification with an out-of-scope class.
* :mod:`~vantage.solutions.assistant.slots`: slot filling (order numbers, dates, products, stores).
* :mod:`~vantage.solutions.assistant.training`: the YAML training data (intents, forms, responses).
* :mod:`~vantage.solutions.assistant.dialogue`: the dialogue manager (forms, confirmations,
  fallback, hand-off); platform actions are passed in, so this package never touches the store.
* :mod:`~vantage.solutions.assistant.knowledge`: hybrid BM25 + embedding retrieval over FAQ files.
* :mod:`~vantage.solutions.assistant.analyst`: questions in a documented grammar to segment
  specs or read-only queries.

Nothing here imports torch or another solution package; the sentence encoder is handed in.
"""
