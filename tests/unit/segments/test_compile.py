"""Conditions compiled to Ibis select exactly the customers an independent pandas count gives."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pandas as pd
import pyarrow as pa
import pytest
from segment_helpers import AS_OF, members, orders_frame

from vantage.segments.spec import SegmentSpecError
from vantage.store.warehouse import IbisStore

ALL = {f"c{i}" for i in range(72)}


def spec(where: object) -> dict[str, object]:
    return {"name": "s", "where": where}


def events(store: IbisStore) -> pd.DataFrame:
    frame = store.execute(store.table("events"))
    frame["customer_id"] = "c" + frame["user_id"].str[1:]
    return frame


def test_trait_comparisons_match_a_pandas_count(shop: IbisStore) -> None:
    counts = orders_frame(shop).groupby("customer_id").size()
    assert members(shop, spec({"trait": "orders", "op": ">=", "value": 3})) == set(
        counts[counts >= 3].index
    )
    assert members(shop, spec({"trait": "orders", "op": "in", "value": [1, 2]})) == set(
        counts[counts.isin([1, 2])].index
    )
    buyers = set(counts.index)
    assert members(shop, spec({"not": {"trait": "orders", "op": ">=", "value": 1}})) == ALL - buyers
    # A missing value matches no comparison, so NOT of it matches (two-valued logic).
    no_aov = members(shop, spec({"not": {"trait": "average_order_value", "op": ">", "value": 0}}))
    assert no_aov == ALL - buyers
    assert (
        members(shop, spec({"trait": "average_order_value", "op": "exists", "value": False}))
        == ALL - buyers
    )
    assert members(shop, spec({"trait": "average_order_value", "op": "exists"})) == buyers


def test_text_and_time_traits(shop: IbisStore) -> None:
    frame = events(shop)
    views = frame[frame["event"] == "Product Viewed"]
    category = views["payload"].map(lambda p: orjson.loads(p)["properties"]["category"])
    hats = members(shop, spec({"trait": "favourite_category", "op": "=", "value": "hats"}))
    assert hats and hats <= set(views["customer_id"][category == "hats"])
    assert (
        members(shop, spec({"trait": "favourite_category", "op": "contains", "value": "ha"}))
        == hats
    )
    some = members(
        shop, spec({"trait": "favourite_category", "op": "not_in", "value": ["hats", "shoes"]})
    )
    assert some and not some & hats
    last = frame.groupby("customer_id")["timestamp"].max()
    recent = members(shop, spec({"trait": "last_seen", "op": ">", "value": "2025-03-01"}))
    assert recent == set(last[last > pd.Timestamp("2025-03-01", tz="UTC")].index)


def test_event_counts_in_a_window_with_a_property(shop: IbisStore) -> None:
    frame = events(shop)
    orders = frame[frame["event"] == "Order Completed"].copy()
    orders["revenue"] = orders["payload"].map(lambda p: orjson.loads(p)["properties"]["revenue"])
    recent = orders[orders["timestamp"] > AS_OF - timedelta(days=120)]
    big = recent[recent["revenue"] > 40].groupby("customer_id").size()
    where = {
        "event": "Order Completed",
        "count": {"op": ">=", "value": 2},
        "within": "120d",
        "where": {"property": "revenue", "op": ">", "value": 40},
    }
    assert members(shop, spec(where)) == set(big[big >= 2].index)
    none = {"event": "Order Completed", "count": {"op": "=", "value": 0}, "within": "120d"}
    assert members(shop, spec(none)) == ALL - set(recent["customer_id"])


def test_did_not_followed_by(shop: IbisStore) -> None:
    frame = events(shop)
    views = frame[frame["event"] == "Product Viewed"]
    orders = frame[frame["event"] == "Order Completed"]
    expected = set()
    for view in views.itertuples():
        if view.timestamp > AS_OF - timedelta(days=1):
            continue
        mine = orders[orders["customer_id"] == view.customer_id]["timestamp"]
        if not ((mine >= view.timestamp) & (mine <= view.timestamp + timedelta(days=1))).any():
            expected.add(view.customer_id)
    where = {"did": "Product Viewed", "not_followed_by": "Order Completed", "within": "1d"}
    found = members(shop, spec(where))
    assert found == expected and 0 < len(found) < 72
    recent = members(shop, spec({**where, "in_last": "60d"}))
    assert recent < found


def test_predictions_consent_and_lookalikes(shop: IbisStore) -> None:
    likely = members(shop, spec({"prediction": "propensity_30d", "op": ">", "value": 0.5}))
    assert likely == {f"c{i}" for i in range(72) if i / 72 > 0.5}
    consented = members(shop, spec({"consent": "email_marketing"}))
    assert consented == {f"c{i}" for i in range(0, 72, 2) if i % 3 != 0}
    denied = members(shop, spec({"consent": "email_marketing", "granted": False}))
    assert denied == {f"c{i}" for i in range(0, 72, 6)}
    both = spec(
        {
            "all": [
                {"prediction": "propensity_30d", "op": ">", "value": 0.5},
                {"consent": "email_marketing"},
            ]
        }
    )
    assert members(shop, both) == likely & consented
    shop.append(
        "segment_lookalikes",
        pa.table(
            {
                "seed": ["vip"] * 3,
                "customer_id": ["c5", "c6", "c7"],
                "score": [0.9, 0.8, 0.7],
                "rank": [1, 2, 3],
                "computed_at": pa.array([AS_OF] * 3, pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    found = members(shop, spec({"lookalike": "vip", "top": 2}), lookalikes=frozenset({"vip"}))
    assert found == {"c5", "c6"}


def test_injection_attempts_stay_data(shop: IbisStore) -> None:
    with pytest.raises(SegmentSpecError, match="unknown trait 'orders; DROP TABLE events; --'"):
        members(shop, spec({"trait": "orders; DROP TABLE events; --", "op": "exists"}))
    with pytest.raises(SegmentSpecError, match="unknown trait"):
        members(shop, spec({"trait": 'orders" FROM events; --', "op": "exists"}))
    quoted = "Order Completed'); DROP TABLE events; --"
    assert members(shop, spec({"event": quoted})) == set()
    text = "hats' OR '1'='1"
    assert members(shop, spec({"trait": "favourite_category", "op": "=", "value": text})) == set()
    prop = {
        "event": "Order Completed",
        "where": {"property": "revenue", "op": "=", "value": "1' OR 1=1 --"},
    }
    assert members(shop, spec(prop)) == set()
    assert (
        members(
            shop,
            spec(
                {"consent": "email_marketing'; DELETE FROM consent_ledger; --"},
            ),
            purposes=frozenset({"email_marketing'; DELETE FROM consent_ledger; --"}),
        )
        == set()
    )
    assert shop.has_table("events") and shop.has_table("consent_ledger")
    assert shop.scalar(shop.table("consent_ledger").count()) > 0
