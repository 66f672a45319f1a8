"""Activation: destinations (webhook, file, ad customer lists), triggers, next best action.

- :mod:`~vantage.activate.specs`: what a destination and a trigger are (pydantic, YAML/JSON).
- :mod:`~vantage.activate.state`: the activation state in ``<home>/activate/activation.sqlite``:
  definitions, the delivery audit (which is also the outbox and the dead-letter store), trigger
  fires for frequency caps, next-best-action decisions and outcomes.
- :mod:`~vantage.activate.webhook`, :mod:`~vantage.activate.exports`: the outputs.
- :mod:`~vantage.activate.dispatcher`: one worker and queue per destination, retries with
  exponential backoff and full jitter, consent checked before every send.
- :mod:`~vantage.activate.triggers`: matching, delay, frequency caps and quiet hours.
- :mod:`~vantage.activate.nba` and :mod:`~vantage.activate.lift`: the action catalogue, ranking,
  control group and the lift report.
"""
