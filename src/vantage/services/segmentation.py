"""Smart segmentation on a workspace: RFM segments and behavioural clusters from its orders.

Orders are the ``Order Completed`` events of the warehouse, resolved to customers through
``identity_map`` by the shared feature builders (:func:`vantage.solutions.features.transactions`).
Results are saved as warehouse tables (``rfm_segments``, ``behaviour_clusters``: one row per
customer) so the segment language and exports can use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from vantage.core.errors import VantageError
from vantage.services.context import ServiceContext
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features import transactions
from vantage.solutions.segmentation import BehaviourClusters, RFMSegmenter, rfm_table
from vantage.solutions.segmentation import segment_summary as summarise_segments
from vantage.store.warehouse import Store

RFM_TABLE = "rfm_segments"
CLUSTER_TABLE = "behaviour_clusters"
CLUSTER_FEATURES = ("recency_days", "frequency", "monetary", "tenure_days")


class NoOrdersError(VantageError):
    """The workspace has no orders to segment."""


def customer_orders(store: Store, as_of: datetime) -> pd.DataFrame:
    """Orders up to ``as_of`` as ``customer_id, ts, amount`` (raises when there are none)."""
    orders = transactions(store, as_of=as_of)
    if orders.empty:
        raise NoOrdersError(
            f"No 'Order Completed' event of a known customer on or before {as_of:%Y-%m-%d}.",
            "Load orders (`vantage demo`, or send Order Completed events with "
            "properties.revenue and run `vantage identity rebuild`), or pick a later --as-of.",
        )
    return orders


@dataclass
class RfmResult:
    """RFM scores of every customer and the size of each named segment."""

    as_of: datetime
    scored: pd.DataFrame
    summary: pd.DataFrame
    saved_to: str | None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "as_of": self.as_of.isoformat(),
            "customers": len(self.scored),
            "saved_to": self.saved_to,
            "segments": [
                {"segment": name, **{k: _plain(v) for k, v in row.items()}}
                for name, row in self.summary.iterrows()
            ],
        }


@dataclass
class ClusterResult:
    """The chosen clustering, the criterion per k and a profile of each cluster."""

    as_of: datetime
    method: str
    criterion: str
    scores: dict[int, float]
    n_clusters: int
    profiles: pd.DataFrame
    labels: pd.Series
    saved_to: str | None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "as_of": self.as_of.isoformat(),
            "method": self.method,
            "criterion": self.criterion,
            "scores": {str(k): v for k, v in self.scores.items()},
            "n_clusters": self.n_clusters,
            "customers": len(self.labels),
            "saved_to": self.saved_to,
            "clusters": [
                {k: _plain(v) for k, v in row.items()}
                for row in self.profiles.reset_index().to_dict(orient="records")
            ],
        }


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _as_of(as_of: datetime | None) -> datetime:
    if as_of is None:
        return datetime.now(UTC)
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)


def rfm(ctx: ServiceContext, *, as_of: datetime | None = None, save: bool = True) -> RfmResult:
    """Score every customer's recency, frequency and monetary value and name their segment.

    Args:
        ctx: The workspace.
        as_of: Cut-off (default now); later orders are ignored.
        save: Replace the ``rfm_segments`` warehouse table with the result.
    """
    cutoff = _as_of(as_of)
    with open_warehouse(ctx.settings) as store:
        orders = customer_orders(store, cutoff)
        table = rfm_table(orders, as_of=pd.Timestamp(cutoff))
        scored = RFMSegmenter().fit_transform(table)
        saved = None
        if save:
            out = scored.reset_index()[["customer_id", "r", "f", "m", "rfm", "segment"]]
            store.create_table(RFM_TABLE, out.assign(computed_at=cutoff), overwrite=True)
            saved = RFM_TABLE
    return RfmResult(cutoff, scored, summarise_segments(scored), saved)


def clusters(
    ctx: ServiceContext,
    *,
    method: str = "kmeans",
    criterion: str | None = None,
    k_max: int = 8,
    as_of: datetime | None = None,
    save: bool = True,
) -> ClusterResult:
    """Cluster customers on their order behaviour, choosing k by the stated criterion.

    Args:
        ctx: The workspace.
        method: ``kmeans`` or ``gmm``.
        criterion: ``silhouette`` or ``bic`` (default: silhouette for k-means, BIC for gmm).
        k_max: Largest number of clusters tried (from 2).
        as_of: Cut-off (default now).
        save: Replace the ``behaviour_clusters`` warehouse table with the labels.

    Raises:
        NoOrdersError: No orders.
        VantageError: Bad method or criterion, or too few customers to cluster.
    """
    cutoff = _as_of(as_of)
    with open_warehouse(ctx.settings) as store:
        orders = customer_orders(store, cutoff)
        features = rfm_table(orders, as_of=pd.Timestamp(cutoff))[list(CLUSTER_FEATURES)]
        model = BehaviourClusters(method=method, k_range=(2, k_max), criterion=criterion)  # type: ignore[arg-type]
        try:
            model.fit(features)
        except ValueError as exc:
            raise VantageError(
                f"Clustering failed: {exc}.",
                "Use --method kmeans|gmm, --criterion silhouette|bic (bic with gmm only) and "
                "a --k-max below the number of customers.",
            ) from exc
        labels = pd.Series(model.labels_, index=features.index, name="cluster")
        saved = None
        if save:
            out = labels.reset_index().assign(
                description=[model.profiles_.description[c] for c in model.labels_],
                computed_at=cutoff,
            )
            store.create_table(CLUSTER_TABLE, out, overwrite=True)
            saved = CLUSTER_TABLE
    return ClusterResult(
        cutoff,
        method,
        model.criterion_,
        model.scores_,
        model.n_clusters_,
        model.profiles_,
        labels,
        saved,
    )
