"""Segmentation on UCI Online Retail: RFM segment sizes, the cluster-count criterion, profiles.

Customers' recency, frequency, average order value and tenure as of the day after the last
invoice (2011-12-10). Clusters are fitted on 70% of the customers; the held-out 30% are assigned
with ``predict`` and scored with the silhouette in the same standardised log space, next to two
baselines on the same customers: the RFM named segments and random labels (same k).

Run ``VANTAGE_DATA_MIRROR=../shared/data python -m benchmarks --only segmentation``.
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from benchmarks.report import write_section

FEATURES = ["recency_days", "frequency", "monetary", "tenure_days"]


def _mirror() -> Path:
    configured = os.environ.get("VANTAGE_DATA_MIRROR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared/data"


def customers() -> pd.DataFrame:
    """RFM features of every Online Retail customer."""
    from vantage.datasets.registry import load
    from vantage.solutions.segmentation import rfm_table

    invoices = load("online_retail", mirror=_mirror()).dropna(subset=["CustomerID"])
    as_of = pd.Timestamp(invoices.InvoiceDate.max(), tz="UTC") + pd.Timedelta(days=1)
    return rfm_table(
        invoices.assign(ts=pd.to_datetime(invoices.InvoiceDate, utc=True)),
        as_of=as_of,
        customer_col="CustomerID",
        amount_col="TotalPrice",
    )


def rfm_sizes(table: pd.DataFrame) -> str:
    """Markdown: customers per named RFM segment."""
    from vantage.solutions.segmentation import RFMSegmenter, segment_summary

    summary = segment_summary(RFMSegmenter().fit_transform(table))
    lines = [
        "| RFM segment | customers | share | median recency (days) | mean orders | mean order |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in summary.iterrows():
        lines.append(
            f"| {name} | {row.customers:,} | {row.share:.1%} | {row.recency_days:.0f} | "
            f"{row.frequency:.1f} | {row.monetary:.0f} |"
        )
    return "\n".join(lines)


def clustering(table: pd.DataFrame) -> str:
    """Markdown: criterion per k for both methods, held-out silhouettes, profiles."""
    from sklearn.metrics import silhouette_score

    from vantage.solutions.segmentation import BehaviourClusters, RFMSegmenter

    features = table[FEATURES]
    rng = np.random.default_rng(0)
    train = rng.uniform(size=len(features)) < 0.7
    fitted = {}
    timings = {}
    methods: tuple[Literal["kmeans"], Literal["gmm"]] = ("kmeans", "gmm")
    for method in methods:
        started = time.perf_counter()
        fitted[method] = BehaviourClusters(method=method, k_range=(2, 8)).fit(features[train])
        timings[method] = time.perf_counter() - started
    ks = sorted(fitted["kmeans"].scores_)
    lines = [
        "| k | " + " | ".join(str(k) for k in ks) + " |",
        "|---|" + "---|" * len(ks),
        "| k-means silhouette (higher better) | "
        + " | ".join(f"{fitted['kmeans'].scores_[k]:.3f}" for k in ks)
        + " |",
        "| Gaussian mixture BIC (lower better) | "
        + " | ".join(f"{fitted['gmm'].scores_[k]:,.0f}" for k in ks)
        + " |",
        "",
    ]
    kmeans = fitted["kmeans"]
    held = features[~train]
    space = kmeans.transform(held)
    segments = RFMSegmenter().fit(table[train]).predict(table[~train])
    random = rng.integers(0, kmeans.n_clusters_, len(held))
    lines += [
        f"Held-out silhouette on {len(held):,} customers (same standardised log space): "
        f"k-means clusters (k={kmeans.n_clusters_}, chosen) "
        f"{silhouette_score(space, kmeans.predict(held)):.3f}; Gaussian mixture "
        f"(k={fitted['gmm'].n_clusters_}, chosen by BIC) "
        f"{silhouette_score(space, fitted['gmm'].predict(held)):.3f}; baselines: RFM named "
        f"segments {silhouette_score(space, segments):.3f}, random labels "
        f"{silhouette_score(space, random):.3f}. Fit times (7 values of k): k-means "
        f"{timings['kmeans']:.1f} s, mixture {timings['gmm']:.1f} s.",
        "",
        "| k-means cluster | customers | share | median recency (days) | median orders | "
        "median order | profile |",
        "|---|---|---|---|---|---|---|",
    ]
    for cluster, row in kmeans.profiles_.iterrows():
        lines.append(
            f"| {cluster} | {row.customers:,} | {row.share:.1%} | "
            f"{row.median_recency_days:.0f} | {row.median_frequency:.0f} | "
            f"{row.median_monetary:.0f} | {row.description} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run both parts and write the ``segmentation`` section of benchmarks/README.md."""
    table = customers()
    body = "\n".join(
        [
            f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}. Reproduce: "
            "`VANTAGE_DATA_MIRROR=../shared/data python -m benchmarks --only segmentation`.",
            "",
            f"UCI Online Retail invoices: {len(table):,} customers as of the day after the last "
            "invoice.",
            "",
            rfm_sizes(table),
            "",
            clustering(table),
            "",
        ]
    )
    write_section("segmentation", body)
    print(body)


if __name__ == "__main__":
    main()
