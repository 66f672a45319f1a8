"""Recommendations on a workspace: train on its orders, serve per customer and per product.

Order lines come from the ``products`` array of ``Order Completed`` events (Segment's
e-commerce spec), resolved to customers through ``identity_map``. Training evaluates every
recommender on a time split, keeps the best one for personal recommendations (the popularity
baseline when nothing beats it) and the co-occurrence model for "also bought", and saves the
bundle as the model ``recommend`` (:mod:`vantage.services.models`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import pandas as pd

from vantage.core.errors import VantageError
from vantage.services.context import ServiceContext
from vantage.services.warehouse import open_warehouse
from vantage.solutions.features import resolved_events
from vantage.solutions.recommend import (
    ALSRecommender,
    BPRRecommender,
    CooccurrenceRecommender,
    PopularityRecommender,
    Recommender,
    evaluate_recommenders,
)
from vantage.store.warehouse import Store

MODEL_NAME = "recommend"
CATALOGUE = "products"


class RecommendError(VantageError):
    """Recommendations cannot be made (no orders, unknown customer or product)."""


def candidate_models(threads: int = 1) -> dict[str, Recommender]:
    """The recommenders compared with the popularity baseline, unfitted."""
    return {
        "co-occurrence": CooccurrenceRecommender(),
        # Small catalogues favour few factors (chosen on a demo workspace of another seed).
        "als": ALSRecommender(factors=16, alpha=1.0, iterations=15, threads=threads),
        "bpr": BPRRecommender(factors=32, iterations=100, threads=threads),
    }


def order_lines(store: Store, *, as_of: datetime | None = None) -> pd.DataFrame:
    """One row per product bought: ``customer_id, product_id, sku, ts``.

    Raises:
        RecommendError: No order with a ``products`` list.
    """
    rows = resolved_events(store, as_of=as_of or datetime.now(UTC))
    rows = rows.filter((rows.type == "track") & (rows.event == "Order Completed"))
    selected = rows.select(
        "customer_id",
        ts=rows.timestamp,
        products=store.json_text(rows.payload, ["properties", "products"]),
    )
    frame = store.execute(selected.filter(selected.products.notnull()))
    lines = []
    for customer, ts, text in frame.itertuples(index=False):
        for item in orjson.loads(text) if text else []:
            if isinstance(item, dict) and item.get("product_id"):
                lines.append((customer, str(item["product_id"]), item.get("sku"), ts))
    if not lines:
        raise RecommendError(
            "No 'Order Completed' event with a properties.products list of a known customer.",
            "Send orders with products (Segment e-commerce spec: products[].product_id) and "
            "run `vantage identity rebuild`.",
        )
    out = pd.DataFrame(lines, columns=["customer_id", "product_id", "sku", "ts"])
    out["ts"] = pd.to_datetime(out["ts"], utc=True)
    return out


@dataclass
class RecommenderBundle:
    """What serving needs: the personal model, the also-bought model and the SKU map."""

    personal_name: str
    personal: Recommender
    also_bought: CooccurrenceRecommender
    skus: dict[str, str]


def evaluate(
    ctx: ServiceContext,
    *,
    k: int = 10,
    test_fraction: float = 0.2,
    threads: int = 1,
    on_model: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Recall@k and NDCG@k of each recommender and the popularity baseline on a time split."""
    with open_warehouse(ctx.settings) as store:
        lines = order_lines(store)
    try:
        return evaluate_recommenders(
            lines,
            candidate_models(threads),
            k=k,
            test_fraction=test_fraction,
            on_model=on_model,
        )
    except ValueError as exc:
        raise RecommendError(f"Evaluation failed: {exc}.", "Use more history.") from exc


def train(
    ctx: ServiceContext,
    *,
    k: int = 10,
    track: bool = False,
    threads: int = 1,
    on_model: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Evaluate, pick the best personal recommender by NDCG@k, refit on everything and save.

    Returns:
        The model card (with the leaderboard under ``metrics``).
    """
    from vantage.services import models as model_service

    table = evaluate(ctx, k=k, threads=threads, on_model=on_model)
    best = str(table[f"ndcg@{k}"].idxmax())
    with open_warehouse(ctx.settings) as store:
        lines = order_lines(store)
    personal = (
        PopularityRecommender() if best == "popularity" else candidate_models(threads)[best]
    ).fit(lines)
    also = CooccurrenceRecommender().fit(lines)
    skus = {str(s): p for s, p in zip(lines.sku, lines.product_id, strict=True) if s}
    bundle = RecommenderBundle(best, personal, also, skus)
    now = datetime.now(UTC)
    # MLflow metric names allow no '@'.
    names = {f"recall@{k}": f"recall_at_{k}", f"ndcg@{k}": f"ndcg_at_{k}"}
    metric_names = list(names.values())
    card = {
        "name": MODEL_NAME,
        "version": model_service.new_version(now),
        "trained_at": now.isoformat(),
        "as_of": lines.ts.max().isoformat(),
        "solution": "recommend",
        "description": "Personal recommendations (the best recommender on held-out orders) "
        "and also-bought products (item-item co-occurrence) from the orders' products.",
        "estimator": f"{best} (chosen by NDCG@{k}); co-occurrence for also-bought",
        "chosen": best,
        "baseline": "popularity: time-decayed purchase counts (half-life 30 days)",
        "rows": len(lines),
        "evaluation": f"fit before {table.cutoff.iloc[0]:%Y-%m-%d}, scored on the latest 20% "
        f"of order lines ({int(table.users.iloc[0])} customers)",
        "metric_names": metric_names,
        "metrics": table[list(names)].rename(columns=names).to_dict(orient="index"),
        "params": {"k": k, "threads": threads, "best": best},
        "warnings": [],
        "limitations": ["Customers without orders get popular products (cold start)."],
    }
    return model_service.save_model(ctx.settings, card, bundle, track=track)


def _bundle(ctx: ServiceContext) -> tuple[RecommenderBundle, dict[str, Any]]:
    from vantage.services import models as model_service

    try:
        bundle, card = model_service.load_model(ctx.settings, MODEL_NAME)
    except model_service.ModelNotFoundError:
        train(ctx)
        bundle, card = model_service.load_model(ctx.settings, MODEL_NAME)
    return bundle, card


def _catalogue(ctx: ServiceContext, items: pd.DataFrame) -> list[dict[str, Any]]:
    names: dict[str, Any] = {}
    with open_warehouse(ctx.settings) as store:
        if store.has_table(CATALOGUE):
            table = store.table(CATALOGUE)
            if {"product_id", "name"} <= set(table.columns):
                wanted = [str(p) for p in items.product_id]
                found = store.execute(table.filter(table.product_id.isin(wanted)))
                names = {str(r["product_id"]): r for r in found.to_dict(orient="records")}
    out = []
    for row in items.to_dict(orient="records"):
        info = names.get(str(row["product_id"]), {})
        out.append(
            {
                "product_id": str(row["product_id"]),
                "score": float(row["score"]),
                "name": info.get("name"),
                "category": info.get("category"),
            }
        )
    return out


def recommend_for(ctx: ServiceContext, customer_id: str, n: int = 10) -> dict[str, Any]:
    """The top ``n`` products for a customer (popular ones when they have no order yet).

    Raises:
        RecommendError: No such customer.
    """
    with open_warehouse(ctx.settings) as store:
        ids = store.table("identity_map")
        known = bool(store.scalar(ids.filter(ids.customer_id == customer_id).count()))
    if not known:
        raise RecommendError(
            f"No customer {customer_id!r}.",
            "Use a customer_id from `vantage profile` or GET /v1/profiles?email=...",
        )
    bundle, card = _bundle(ctx)
    personal = customer_id in bundle.personal.data_.users
    items = bundle.personal.recommend(customer_id, n)
    return {
        "customer_id": customer_id,
        "model": bundle.personal_name if personal else "popularity",
        "version": card["version"],
        "strategy": "personal" if personal else "popular (no orders yet)",
        "items": _catalogue(ctx, items),
    }


def also_bought(ctx: ServiceContext, product: str, n: int = 10) -> dict[str, Any]:
    """Products most often bought by the customers who bought ``product`` (id or SKU).

    Raises:
        RecommendError: The product was never bought.
    """
    bundle, card = _bundle(ctx)
    product_id = bundle.skus.get(product, product)
    try:
        items = bundle.also_bought.similar_items(product_id, n)
    except KeyError:
        raise RecommendError(
            f"Product {product!r} was never bought (by product_id or SKU).",
            "Use a product_id or SKU that appears in orders; retrain after new orders with "
            "`vantage recommend --train`.",
        ) from None
    return {
        "product_id": product_id,
        "model": "co-occurrence",
        "version": card["version"],
        "items": _catalogue(ctx, items),
    }
