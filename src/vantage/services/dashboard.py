"""What the dashboard's Overview and Customers pages show, read from the warehouse.

Each function takes an open :class:`~vantage.store.warehouse.Store` and returns plain data
(lists and dicts of Python values), so the pages only lay it out. Queries are aggregations pushed
to the warehouse; nothing here loads every event into Python.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import ibis
import pandas as pd

from vantage.core.errors import VantageError
from vantage.core.identifiers import normalise
from vantage.services.users import Principal
from vantage.store.warehouse import Store

KNOWN_ID_TYPES = ("email", "phone", "user_id", "crm_id", "loyalty_card")
ORDER_EVENT = "Order Completed"
DEFAULT_DAYS = 90
MAX_RANGE_DAYS = 3660


class DashboardError(VantageError):
    """A dashboard query got a value it cannot use."""


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days (UTC)."""

    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        """UTC timestamps from the start of ``start`` to the end of ``end``."""
        begin = datetime.combine(self.start, datetime.min.time(), tzinfo=UTC)
        return begin, datetime.combine(self.end, datetime.min.time(), tzinfo=UTC) + timedelta(1)


def _now() -> Any:
    return ibis.literal(datetime.now(UTC), type="timestamp('UTC')")


def data_range(store: Store, start: date | None, end: date | None) -> DateRange:
    """The range asked for, completed with defaults: the last 90 days up to the newest event.

    Raises:
        DashboardError: ``start`` is after ``end``, or the range is over ten years.
    """
    if end is None:
        events = store.table("events")
        latest = store.scalar(events.filter(events.timestamp <= _now()).timestamp.max())
        end = pd.Timestamp(latest).date() if latest is not None else datetime.now(UTC).date()
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise DashboardError(
            f"The start date {start} is after the end date {end}.",
            "Pick a start date on or before the end date.",
        )
    if (end - start).days > MAX_RANGE_DAYS:
        raise DashboardError(
            f"The range {start} to {end} is longer than ten years.", "Pick a shorter range."
        )
    return DateRange(start, end)


def customer_counts(store: Store) -> dict[str, Any]:
    """Customers, how many have a known identifier (not only device ids), and the share."""
    if not store.has_table("identity_map"):
        return {"customers": 0, "identified": 0, "identified_share": 0.0}
    ids = store.table("identity_map")
    per = ids.group_by("customer_id").aggregate(
        known=ids.id_type.isin(list(KNOWN_ID_TYPES)).cast("int32").max()
    )
    row = store.execute(per.aggregate(customers=per.count(), identified=per.known.sum()))
    customers = int(row["customers"].iloc[0])
    identified = int(row["identified"].fillna(0).iloc[0])
    return {
        "customers": customers,
        "identified": identified,
        "identified_share": identified / customers if customers else 0.0,
    }


def events_per_day(store: Store, days: DateRange) -> list[dict[str, Any]]:
    """Events per day and source within ``days`` (``day``, ``source``, ``events``)."""
    events = store.table("events")
    begin, end = days.bounds()
    rows = events.filter((events.timestamp >= begin) & (events.timestamp < end))
    grouped = rows.group_by(day=rows.timestamp.date(), source=rows.source).aggregate(
        events=rows.count()
    )
    frame = store.execute(grouped.order_by(["day", "source"]))
    return [
        {
            "day": pd.Timestamp(r["day"]).date().isoformat(),
            "source": r["source"],
            "events": int(r["events"]),
        }
        for r in frame.to_dict("records")
    ]


def revenue_per_day(store: Store, days: DateRange) -> list[dict[str, Any]]:
    """Order revenue (``properties.revenue``) and orders per day within ``days``."""
    events = store.table("events")
    begin, end = days.bounds()
    orders = events.filter(
        (events.event == ORDER_EVENT) & (events.timestamp >= begin) & (events.timestamp < end)
    )
    revenue = store.json_text(orders.payload, ["properties", "revenue"]).try_cast("float64")
    orders = orders.mutate(revenue=revenue)
    grouped = orders.group_by(day=orders.timestamp.date()).aggregate(
        revenue=orders.revenue.sum(), orders=orders.count()
    )
    frame = store.execute(grouped.order_by("day"))
    return [
        {
            "day": pd.Timestamp(r["day"]).date().isoformat(),
            "revenue": round(float(r["revenue"] or 0.0), 2),
            "orders": int(r["orders"]),
        }
        for r in frame.to_dict("records")
    ]


def freshness(store: Store) -> dict[str, Any]:
    """How current the warehouse is: newest event received, last lake sync, events held."""
    events = store.table("events")
    row = store.execute(
        events.aggregate(
            events=events.count(), last_received=events.received_at.max(), last_seq=events.seq.max()
        )
    )
    out: dict[str, Any] = {
        "events": int(row["events"].iloc[0]),
        "last_received": _iso(row["last_received"].iloc[0]),
        "last_seq": None if pd.isna(row["last_seq"].iloc[0]) else int(row["last_seq"].iloc[0]),
        "last_sync": None,
    }
    if store.has_table("_vantage_lake_sync"):
        sync = store.table("_vantage_lake_sync")
        out["last_sync"] = _iso(store.scalar(sync.synced_at.max()))
    return out


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).isoformat(timespec="seconds")


def overview(
    store: Store,
    start: date | None = None,
    end: date | None = None,
    *,
    cache: MutableMapping[tuple[Any, ...], Any] | None = None,
) -> dict[str, Any]:
    """Everything the Overview page shows for a date range (default: the last 90 days of data).

    Args:
        store: The warehouse.
        start: First day (default: 90 days before ``end``).
        end: Last day (default: the newest event's).
        cache: Where to keep the per-day aggregates between calls, keyed by the range and the
            events' count and newest ``seq`` (so new or erased events recompute them); customer
            counts and freshness are always read afresh.
    """
    if not store.has_table("events"):
        raise DashboardError(
            "The warehouse holds no events yet.",
            "Send events or run `vantage demo`, then wait for the sync (or `vantage sync`).",
        )
    days = data_range(store, start, end)
    fresh = freshness(store)
    key = ("overview", days.start, days.end, fresh["events"], fresh["last_seq"])
    found = cache.get(key) if cache is not None else None
    if found is None:
        found = (events_per_day(store, days), revenue_per_day(store, days))
        if cache is not None:
            for stale in [k for k in list(cache) if k[0] == "overview"]:
                cache.pop(stale, None)
            cache[key] = found
    per_day, revenue = found
    return {
        "start": days.start.isoformat(),
        "end": days.end.isoformat(),
        **customer_counts(store),
        "events_in_range": sum(r["events"] for r in per_day),
        "revenue_in_range": round(sum(r["revenue"] for r in revenue), 2),
        "orders_in_range": sum(r["orders"] for r in revenue),
        "events_per_day": per_day,
        "revenue_per_day": revenue,
        "freshness": fresh,
    }


def search_customers(store: Store, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Customers holding an identifier matching ``query`` (any type; e-mails by prefix too).

    A customer id (``cus_...``) matches itself; e-mails and phones are normalised first.

    Returns:
        ``customer_id``, ``id_type``, ``id_value`` of the matching identifiers, at most ``limit``.
    """
    query = query.strip()
    if not query or not store.has_table("identity_map"):
        return []
    ids = store.table("identity_map")
    values = {query, query.lower()}
    for kind in ("email", "phone"):
        identifier = normalise(kind, query)
        if identifier is not None:
            values.add(identifier.value)
    condition = ids.id_value.isin(sorted(values)) | (ids.customer_id == query)
    if len(query) >= 3:
        condition |= (ids.id_type == "email") & ids.id_value.startswith(query.lower())
    frame = store.execute(
        ids.filter(condition)
        .select("customer_id", "id_type", "id_value")
        .order_by(["customer_id", "id_type", "id_value"])
        .limit(limit)
    )
    return [{str(k): str(v) for k, v in r.items()} for r in frame.to_dict("records")]


def consent_history(store: Store, customer_id: str) -> list[dict[str, Any]]:
    """Every consent decision recorded for the customer's identifiers, newest first."""
    if not (store.has_table("consent_ledger") and store.has_table("identity_map")):
        return []
    ledger = store.table("consent_ledger")
    ids = store.table("identity_map")
    mine = ids.filter(ids.customer_id == customer_id).select("id_type", "id_value")
    rows = ledger.inner_join(mine, ["id_type", "id_value"])
    frame = store.execute(
        rows.select("ts", "purpose", "granted", "id_type", "id_value", "source")
        .order_by([ibis.desc("ts"), ibis.desc("purpose")])
        .limit(200)
    )
    return [
        {
            "ts": _iso(r["ts"]),
            "purpose": r["purpose"],
            "granted": bool(r["granted"]),
            "id_type": r["id_type"],
            "id_value": r["id_value"],
            "source": r["source"],
        }
        for r in frame.to_dict("records")
    ]


def customer_segments(store: Store, customer_id: str) -> list[str]:
    """The segments a customer is a member of now, sorted (none before segments exist)."""
    if not store.has_table("segment_membership"):
        return []
    table = store.table("segment_membership")
    rows = store.execute(table.filter(table.customer_id == customer_id).select("segment"))
    return sorted({str(s) for s in rows["segment"]})


def customer_identifiers(store: Store, customer_id: str) -> list[dict[str, Any]]:
    """The customer's identifiers with when and why each joined, by type and value.

    Raises:
        ProfileNotFoundError: No customer has this id.
    """
    from vantage.services.profiles import ProfileNotFoundError

    if not store.has_table("identity_map"):
        rows: list[dict[str, Any]] = []
    else:
        ids = store.table("identity_map")
        frame = store.execute(
            ids.filter(ids.customer_id == customer_id)
            .select("id_type", "id_value", "since", "reason")
            .order_by(["id_type", "id_value"])
        )
        rows = [
            {
                "id_type": str(r["id_type"]),
                "id_value": str(r["id_value"]),
                "since": _iso(r["since"]),
                "reason": str(r["reason"]),
            }
            for r in frame.to_dict("records")
        ]
    if not rows:
        raise ProfileNotFoundError(
            f"No customer {customer_id!r}.",
            "Search by an identifier on the Customers page instead.",
        )
    return rows


def masked_profile(principal: Principal, found: dict[str, Any]) -> dict[str, Any]:
    """A profile as ``principal`` may see it: e-mails, phones and PII traits masked.

    Principals allowed to see PII (analysts, admins, viewers with ``see_pii``) get it unchanged.
    Identifier values go through :func:`vantage.services.users.show`; traits flagged ``pii``
    keep their name and provenance but not their value (masked like an identifier of the same
    name, else replaced by ``***``).
    """
    from vantage.services.users import PII_TYPES, mask, show

    if principal.see_pii:
        return found
    out = dict(found)
    out["identifiers"] = [
        {**i, "id_value": show(principal, str(i.get("id_type")), str(i.get("id_value")))}
        for i in found.get("identifiers", [])
    ]
    traits = {}
    for name, trait in (found.get("traits") or {}).items():
        shown = trait
        if isinstance(trait, dict) and trait.get("pii"):
            value = trait.get("value")
            hidden = mask(name, str(value)) if name in PII_TYPES else "***"
            shown = {**trait, "value": hidden}
        traits[name] = shown
    out["traits"] = traits
    return out
