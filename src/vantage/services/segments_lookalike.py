"""Look-alike audiences as a use case: seed segment in, scored customers and a segment out.

The features are the behavioural customer features of :mod:`vantage.solutions.features`
(recency, frequency, spend, order windows, channel and category mix, engagement), computed in the
warehouse as of the evaluation time; :class:`vantage.segments.lookalike.LookalikeModel` learns
to separate the seed's members from everyone else and reports the held-out AUC next to the best
single feature's. The ``top`` non-members are written to ``segment_lookalikes`` and saved as a
segment ``{"lookalike": SEED, "top": N}``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from vantage.segments.lookalike import LookalikeError, LookalikeModel, top_lookalikes
from vantage.segments.spec import validate_spec
from vantage.services.context import ServiceContext
from vantage.services.segments import create_segment, member_ids, saved_specs
from vantage.services.warehouse import open_warehouse
from vantage.store.migrations import SEGMENT_LOOKALIKES_TABLE
from vantage.store.warehouse import Store

__all__ = ["LookalikeError", "customer_features", "lookalike"]


def customer_features(store: Store, as_of: datetime) -> pd.DataFrame:
    """Numeric behavioural features, one row per customer seen up to ``as_of`` (index: id)."""
    from vantage.solutions.features import warehouse_features

    frame = store.execute(warehouse_features(store, as_of=as_of))
    frame = frame.set_index(frame["customer_id"].astype(str)).drop(columns="customer_id")
    return frame.select_dtypes(include=["number", "bool"]).astype(float)


def seed_members(store: Store, seed: str, as_of: datetime) -> set[str]:
    """The current members of a saved segment, evaluated as of ``as_of``.

    Raises:
        LookalikeError: No such saved segment.
    """
    specs = saved_specs(store)
    if seed not in specs:
        raise LookalikeError(
            f"No segment named {seed!r} to use as the look-alike seed.",
            f"Create it first with `vantage segment create FILE` (segments: {sorted(specs)}).",
        )
    return member_ids(store, specs[seed], as_of=as_of)


def lookalike(
    ctx: ServiceContext,
    seed: str,
    *,
    top: int = 100,
    name: str | None = None,
    as_of: datetime | None = None,
    model: LookalikeModel | None = None,
) -> dict[str, Any]:
    """Score everyone by resemblance to a seed segment and save the closest ``top`` as a segment.

    Args:
        ctx: Services for the data directory.
        seed: The seed segment's name.
        top: How many non-members the new segment holds.
        name: The new segment's name (default ``<seed>_lookalike``).
        as_of: Feature and seed evaluation time (now by default).
        model: The classifier (default :class:`LookalikeModel` with its defaults).

    Returns:
        ``seed, segment, seed_size, customers, top, auc, baseline_auc, baseline_feature,
        size`` (AUCs are out-of-fold, i.e. on customers the model did not train on).

    Raises:
        LookalikeError: Unknown seed, or a seed too small or covering everyone.
    """
    moment = as_of or datetime.now(UTC)
    target = name or f"{seed}_lookalike"
    with open_warehouse(ctx.settings) as store:
        members = seed_members(store, seed, moment)
        features = customer_features(store, moment)
        labels = features.index.isin(list(members)).astype(int)
        fitted = (model or LookalikeModel()).fit(features, labels)
        chosen = top_lookalikes(fitted.scores_, members, top)
        now = datetime.now(UTC)
        rows = pa.table(
            {
                "seed": [seed] * len(chosen),
                "customer_id": chosen["customer_id"].tolist(),
                "score": chosen["score"].tolist(),
                "rank": chosen["rank"].tolist(),
                "computed_at": pa.array([now] * len(chosen), pa.timestamp("us", tz="UTC")),
            }
        )
        with store.transaction():
            store.delete_where(SEGMENT_LOOKALIKES_TABLE, lambda t: t.seed == seed)
            store.append(SEGMENT_LOOKALIKES_TABLE, rows)
    spec = validate_spec(
        {
            "name": target,
            "description": f"The {top} customers most like segment {seed!r} "
            f"(held-out AUC {fitted.auc_:.3f}).",
            "where": {"lookalike": seed, "top": top},
        }
    )
    saved = create_segment(ctx, spec, replace=True, as_of=moment)
    return {
        "seed": seed,
        "segment": target,
        "seed_size": len(members),
        "customers": len(features),
        "top": top,
        "auc": fitted.auc_,
        "baseline_auc": fitted.baseline_auc_,
        "baseline_feature": fitted.baseline_feature_,
        "size": saved["size"],
    }
