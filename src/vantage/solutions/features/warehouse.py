"""Customer features computed in the warehouse with Ibis, as of a cut-off time.

Events reach a customer through ``identity_map`` (:func:`vantage.profiles.computed.customer_events`)
and every expression here first drops the events after ``as_of``, so a model trained on features
built with an earlier cut-off never sees the future. The same expressions run on DuckDB and
PostgreSQL.

Example:
    >>> expr = warehouse_features(store, as_of=cutoff)       # doctest: +SKIP
    >>> frame = store.execute(expr).set_index("customer_id")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import ibis
import ibis.expr.types as ir
import pandas as pd

from vantage.profiles.computed import customer_events
from vantage.solutions.features.transactions import WINDOWS_DAYS
from vantage.store.warehouse import Store

ORDER_EVENT = "Order Completed"
VIEW_EVENT = "Product Viewed"
CART_EVENT = "Product Added"
_DAY_S = 86400.0


def _cutoff(as_of: datetime) -> ir.TimestampValue:
    if as_of.tzinfo is None:
        raise ValueError("as_of must be an aware datetime (e.g. datetime(..., tzinfo=UTC))")
    return ibis.literal(as_of, type="timestamp('UTC')")


def resolved_events(
    store: Store,
    *,
    as_of: datetime,
    events: str = "events",
    identity_map: str = "identity_map",
) -> ir.Table:
    """The events up to ``as_of`` (inclusive) with the ``customer_id`` they resolve to."""
    cutoff = _cutoff(as_of)
    rows = customer_events(store.table(events), store.table(identity_map))
    return rows.filter(rows.timestamp <= cutoff)


def order_rows(
    store: Store,
    *,
    as_of: datetime,
    order_event: str = ORDER_EVENT,
    amount_path: Sequence[str] = ("revenue",),
    events: str = "events",
    identity_map: str = "identity_map",
) -> ir.Table:
    """One row per order up to ``as_of``: ``customer_id, ts, amount, channel`` (the source).

    Args:
        store: The warehouse.
        as_of: Cut-off (aware datetime); later orders are left out.
        order_event: The track event that records a purchase.
        amount_path: Path of the spend inside ``properties``.
        events: Events table.
        identity_map: Identity map table.
    """
    rows = resolved_events(store, as_of=as_of, events=events, identity_map=identity_map)
    rows = rows.filter((rows.type == "track") & (rows.event == order_event))
    amount = store.json_text(rows.payload, ["properties", *amount_path]).try_cast("float64")
    return rows.select(
        "customer_id",
        ts=rows.timestamp,
        amount=ibis.coalesce(amount, 0.0),
        channel=rows.source,
    )


def transactions(store: Store, *, as_of: datetime, **kwargs: object) -> pd.DataFrame:
    """:func:`order_rows` run into a pandas frame (input of the pandas feature path)."""
    frame = store.execute(order_rows(store, as_of=as_of, **kwargs))  # type: ignore[arg-type]
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame


def _top_values(store: Store, column: ir.Value, limit: int) -> list[str]:
    table = column.name("_v").as_table()
    counts = table.filter(table._v.notnull()).group_by("_v").aggregate(n=ibis._.count())
    top = store.execute(counts.order_by([ibis.desc("n"), "_v"]).limit(limit))
    return [str(v) for v in top["_v"]]


def _order_features(
    orders: ir.Table, cutoff: ir.TimestampValue, windows: Sequence[int]
) -> ir.Table:
    secs = orders.ts.epoch_seconds().cast("float64")
    ordered = orders.mutate(
        _s=secs,
        _gap=(secs - secs.lag().over(group_by="customer_id", order_by=[orders.ts])) / _DAY_S,
        _age=(cutoff.epoch_seconds().cast("float64") - secs) / _DAY_S,
    )
    aggs: dict[str, ir.Value] = {
        "recency_days": ordered._age.min(),
        "tenure_days": ordered._age.max(),
        "orders": ordered.count().cast("float64"),
        "spend": ordered.amount.sum(),
        "gap_mean": ordered._gap.mean(),
        "gap_std": ordered._gap.std(),
    }
    for w in windows:
        aggs[f"orders_{w}"] = (ordered._age <= w).ifelse(1.0, 0.0).sum()
        aggs[f"spend_{w}"] = (ordered._age <= w).ifelse(ordered.amount, 0.0).sum()
    aggs["_recent"] = (ordered._age <= 90).ifelse(1.0, 0.0).sum()
    aggs["_before"] = ((ordered._age > 90) & (ordered._age <= 180)).ifelse(1.0, 0.0).sum()
    out = ordered.group_by("customer_id").aggregate(**aggs)
    return out.mutate(
        aov=out.spend / out.orders,
        overdue=out.recency_days / out.gap_mean.nullif(0.0),
        orders_trend=(out._recent + 1.0) / (out._before + 1.0),
    ).drop("_recent", "_before")


def _shares(rows: ir.Table, column: ir.Value, values: list[str], prefix: str) -> ir.Table:
    tagged = rows.mutate(_v=column)
    aggs = {
        f"{prefix}_{_slug(v)}": (tagged._v == v).ifelse(1.0, 0.0).sum() / tagged.count()
        for v in values
    }
    return tagged.group_by("customer_id").aggregate(**aggs)


def _slug(value: str) -> str:
    text = "".join(c if c.isalnum() else "_" for c in value.lower()).strip("_")
    return text or "blank"


def _engagement(rows: ir.Table, cutoff: ir.TimestampValue) -> ir.Table:
    recent = rows.filter(rows.timestamp > cutoff - timedelta(days=30))
    is_page = recent.type.isin(["page", "screen"])
    return recent.group_by("customer_id").aggregate(
        events_30=recent.count().cast("float64"),
        page_views_30=is_page.ifelse(1.0, 0.0).sum(),
        product_views_30=(recent.event == VIEW_EVENT).ifelse(1.0, 0.0).sum(),
        cart_adds_30=(recent.event == CART_EVENT).ifelse(1.0, 0.0).sum(),
        active_days_30=recent.timestamp.truncate("D").nunique().cast("float64"),
    )


def warehouse_features(
    store: Store,
    *,
    as_of: datetime,
    windows_days: Sequence[int] = WINDOWS_DAYS,
    top_categories: int = 8,
    events: str = "events",
    identity_map: str = "identity_map",
) -> ir.Table:
    """One row per customer seen up to ``as_of``, with behavioural features (an Ibis expression).

    Columns: ``last_seen_days`` (days since any event); order features as in
    :func:`vantage.solutions.features.transactions.customer_features` (``recency_days``,
    ``tenure_days``, ``orders``, ``spend``, ``aov``, ``gap_mean``, ``gap_std``, ``overdue``,
    ``orders_W``/``spend_W``, ``orders_trend``; zero or NULL for customers who never ordered);
    channel mix of orders (``channel_<source>``); category mix of product views
    (``category_<name>``, the ``top_categories`` most viewed); engagement over the last 30 days
    (``events_30``, ``page_views_30``, ``product_views_30``, ``cart_adds_30``, ``active_days_30``).

    Args:
        store: The warehouse.
        as_of: Cut-off (aware datetime); nothing after it is read.
        windows_days: Windows for order counts and spend.
        top_categories: How many product categories get a share column.
        events: Events table.
        identity_map: Identity map table.

    Returns:
        An Ibis expression; run it with ``store.execute``.
    """
    cutoff = _cutoff(as_of)
    rows = resolved_events(store, as_of=as_of, events=events, identity_map=identity_map)
    base = rows.group_by("customer_id").aggregate(
        last_seen_days=(cutoff.epoch_seconds() - rows.timestamp.max().epoch_seconds()).cast(
            "float64"
        )
        / _DAY_S
    )
    orders = order_rows(store, as_of=as_of, events=events, identity_map=identity_map)
    parts = [_order_features(orders, cutoff, windows_days)]
    channels = _top_values(store, orders.channel, 6)
    if channels:
        parts.append(_shares(orders, orders.channel, channels, "channel"))
    views = rows.filter(rows.event == VIEW_EVENT)
    category = store.json_text(views.payload, ["properties", "category"])
    categories = _top_values(store, category, top_categories)
    if categories:
        parts.append(_shares(views, category, categories, "category"))
    parts.append(_engagement(rows, cutoff))
    out = base
    for part in parts:
        out = out.left_join(part, "customer_id").drop("customer_id_right")
    zero = [
        c
        for c in out.columns
        if c.startswith(("orders", "spend", "channel_", "category_")) or c.endswith("_30")
    ]
    return out.mutate(**{c: ibis.coalesce(out[c], 0.0) for c in zero})


def window_labels(
    store: Store,
    *,
    start: datetime,
    end: datetime,
    order_event: str = ORDER_EVENT,
    events: str = "events",
    identity_map: str = "identity_map",
) -> ir.Table:
    """Orders and spend per customer in ``(start, end]``: the targets of a time-based split.

    Returns:
        An Ibis expression with ``customer_id, future_orders, future_spend``.
    """
    orders = order_rows(
        store, as_of=end, order_event=order_event, events=events, identity_map=identity_map
    )
    inside = orders.filter(orders.ts > _cutoff(start))
    return inside.group_by("customer_id").aggregate(
        future_orders=inside.count().cast("float64"), future_spend=inside.amount.sum()
    )
