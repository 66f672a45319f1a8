"""Reusable customer features, computed as of a cut-off date so training never sees the future.

Two paths produce the same kind of table (one row per ``customer_id``):

* Warehouse (Ibis, runs on DuckDB and PostgreSQL), from the ``events`` table joined to
  ``identity_map``:

  - :func:`warehouse_features` (store, *, as_of, windows_days, top_categories) -> Ibis table:
    recency/frequency/monetary, tenure, inter-purchase gaps, order windows and trend, channel
    mix, category mix of product views, 30-day engagement, ``last_seen_days``.
  - :func:`window_labels` (store, *, start, end) -> Ibis table of ``future_orders`` and
    ``future_spend`` in ``(start, end]`` (targets of a time-based split).
  - :func:`order_rows` / :func:`transactions`: the orders up to ``as_of`` as ``customer_id, ts,
    amount, channel`` (Ibis / pandas), the input of the pandas path.

* pandas, for public data sets and in-memory transaction frames (``customer_id, ts, amount``):

  - :func:`rfm_summary` -> ``frequency, recency, T, monetary_value`` (the BG/NBD layout).
  - :func:`holdout_targets` -> ``holdout_transactions, holdout_spend`` after the cut-off.
  - :func:`customer_features` -> the behavioural features for gradient boosting.

Every function drops rows after the cut-off first; ``tests/unit/solutions/features`` checks that
adding future events changes nothing.
"""

from vantage.solutions.features.transactions import (
    WINDOWS_DAYS,
    FeatureInputError,
    customer_features,
    holdout_targets,
    rfm_summary,
)
from vantage.solutions.features.warehouse import (
    order_rows,
    resolved_events,
    transactions,
    warehouse_features,
    window_labels,
)

__all__ = [
    "WINDOWS_DAYS",
    "FeatureInputError",
    "customer_features",
    "holdout_targets",
    "order_rows",
    "resolved_events",
    "rfm_summary",
    "transactions",
    "warehouse_features",
    "window_labels",
]
