"""Marketing data from the warehouse: touchpoints, conversions and weekly spend and sales."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from vantage.core.errors import VantageError
from vantage.store.warehouse import Store

TOUCH_EVENTS = ("Ad Clicked", "Email Opened")
CONVERSION_EVENT = "Order Completed"
SPEND_TABLE = "campaign_spend"
IDENTITY_MAP = "identity_map"


class MarketingDataError(VantageError):
    """The warehouse lacks the events or tables marketing measurement needs."""


def _require(store: Store, table: str, fix: str) -> None:
    if not store.has_table(table):
        raise MarketingDataError(f"The warehouse has no {table!r} table.", fix)


def touchpoints(
    store: Store,
    *,
    touch_events: tuple[str, ...] = TOUCH_EVENTS,
    conversion_event: str = CONVERSION_EVENT,
    resolve_identities: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Touches (``customer_id, ts, channel``) and conversions (``customer_id, ts, value``).

    The channel is the event's ``properties.channel`` (else its ``context.campaign.medium``);
    the value is ``properties.revenue`` (else ``properties.total``). Each event belongs to the
    customer its user id (else anonymous id) resolves to in ``identity_map``, so touches on
    one device and orders on another join one journey; unresolved events (or all events, with
    ``resolve_identities=False``) belong to their device (anonymous id, else user id).

    Raises:
        MarketingDataError: No events table, or no identity map when resolving.
    """
    _require(store, "events", "Load events first: `vantage demo` or `vantage events sync`.")
    events = store.table("events")
    wanted = events.filter(events.event.isin([*touch_events, conversion_event]))
    payload = wanted.payload
    frame = store.execute(
        wanted.select(
            "event",
            "user_id",
            "anonymous_id",
            ts=wanted.timestamp,
            channel=store.json_text(payload, ["properties", "channel"]).fill_null(
                store.json_text(payload, ["context", "campaign", "medium"])
            ),
            revenue=store.json_text(payload, ["properties", "revenue"]).fill_null(
                store.json_text(payload, ["properties", "total"])
            ),
        )
    )
    frame["customer_id"] = _customers(store, frame, resolve_identities)
    is_conv = frame["event"] == conversion_event
    touches = frame.loc[~is_conv & frame["channel"].notna(), ["customer_id", "ts", "channel"]]
    conv = frame.loc[is_conv, ["customer_id", "ts"]].assign(
        value=pd.to_numeric(frame.loc[is_conv, "revenue"], errors="coerce").fillna(0.0)
    )
    return touches.reset_index(drop=True), conv.reset_index(drop=True)


def _customers(store: Store, frame: pd.DataFrame, resolve: bool) -> pd.Series:
    user = "user_id:" + frame["user_id"].astype("string")
    anon = "anonymous_id:" + frame["anonymous_id"].astype("string")
    own = anon.fillna(user)
    if not resolve:
        return own.astype(str)
    _require(
        store,
        IDENTITY_MAP,
        "Resolve identities first: `vantage identity rebuild` (or pass "
        "--no-identity to attribute per device).",
    )
    ids = store.table(IDENTITY_MAP)
    mapping = store.execute(
        ids.filter(ids.id_type.isin(["user_id", "anonymous_id"])).select(
            "id_type", "id_value", "customer_id"
        )
    )
    lookup = dict(
        zip(mapping["id_type"] + ":" + mapping["id_value"], mapping["customer_id"], strict=True)
    )
    by_user = user.map(lookup)
    by_anon = anon.map(lookup)
    return by_user.fillna(by_anon).fillna(own).astype(str)


def weekly_spend_and_sales(
    store: Store, *, conversion_event: str = CONVERSION_EVENT, spend_column: str = "spend_gbp"
) -> pd.DataFrame:
    """One row per week: ``week_start``, ``sales``, spend per channel and a ``peak`` control.

    Sales are the revenue of conversion events in the week (weeks start on Monday, as the spend
    table's); ``peak`` flags the Black Friday week and the two weeks before Christmas.

    Raises:
        MarketingDataError: The spend table is missing or empty.
    """
    fix = "Load weekly spend per channel as a warehouse table (`vantage demo` loads one)."
    _require(store, SPEND_TABLE, fix)
    spend = store.execute(store.table(SPEND_TABLE))
    if spend.empty or spend_column not in spend.columns:
        raise MarketingDataError(
            f"The {SPEND_TABLE!r} table is empty or lacks the {spend_column!r} column.", fix
        )
    wide = spend.pivot_table(
        index="week_start", columns="channel", values=spend_column, aggfunc="sum"
    ).fillna(0.0)
    wide.index = pd.to_datetime(wide.index)
    _, conv = touchpoints(store, conversion_event=conversion_event, resolve_identities=False)
    stamps = pd.to_datetime(conv["ts"], utc=True).dt.tz_localize(None)
    weeks = (stamps - pd.to_timedelta(stamps.dt.weekday, unit="D")).dt.normalize()
    sales = conv.assign(week_start=weeks).groupby("week_start")["value"].sum()
    out = wide.join(sales.rename("sales"), how="left").fillna({"sales": 0.0})
    out = out.reset_index().rename(columns={"index": "week_start"})
    out["peak"] = out["week_start"].map(lambda w: float(_is_peak(w.date())))
    return out[["week_start", "sales", *wide.columns, "peak"]]


def _is_peak(week: date) -> bool:
    end = week + timedelta(days=6)
    november = date(week.year, 11, 1)
    black_friday = november + timedelta(days=(3 - november.weekday()) % 7 + 22)
    christmas = date(week.year, 12, 25)
    return week <= black_friday <= end or christmas - timedelta(days=14) <= week <= christmas
