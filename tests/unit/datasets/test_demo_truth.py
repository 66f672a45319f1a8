"""The demo's behaviour matches its ground truth: purchases, churn, seasonality, channels, texts."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pytest

from vantage.datasets.demo import generate, texts

START, END = date(2023, 1, 1), date(2024, 12, 31)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-truth")
    generate(folder, customers=2500, seed=11, start=START, end=END)
    return folder


@pytest.fixture(scope="module")
def customers(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "truth/customers.csv", parse_dates=["first_purchase_at", "churned_at"])


@pytest.fixture(scope="module")
def orders(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "truth/orders.csv", parse_dates=["ordered_at"])


def events(out: Path, *sources: str) -> list[dict]:
    return [
        orjson.loads(line)
        for s in sources
        for line in (out / f"workspace/events/{s}.jsonl").read_bytes().splitlines()
    ]


def test_repeat_purchases_follow_the_true_bgnbd_parameters(customers: pd.DataFrame) -> None:
    end = pd.Timestamp(END, tz="UTC") + pd.Timedelta(days=1)
    t = (end - customers.first_purchase_at).dt.total_seconds() / 86_400
    lam, p = customers.lambda_per_day, customers.p_dropout
    expected = (1 - np.exp(-lam * p * t)) / p
    observed = customers.repeat_purchases_organic
    assert observed.mean() == pytest.approx(expected.mean(), rel=0.12)
    ranks = pd.DataFrame({"lam": lam, "n": observed / t}).corr(method="spearman").iloc[0, 1]
    assert ranks > 0.4
    alive = customers.alive_at_end
    assert (customers.dropout_after_repeats[~alive] == observed[~alive]).all()
    assert (customers.dropout_after_repeats[alive] > observed[alive]).all()


def test_spend_follows_each_customers_gamma_mean(
    customers: pd.DataFrame, orders: pd.DataFrame
) -> None:
    mean_spend = orders[orders.driver == "organic"].groupby("person_id").amount.mean()
    frame = customers.set_index("person_id").join(mean_spend.rename("observed"), how="inner")
    frequent = frame[frame.orders >= 4]
    assert frequent[["observed", "mean_order_value"]].corr().iloc[0, 1] > 0.6
    assert orders.amount.mean() == pytest.approx(60, rel=0.25)


def test_churned_customers_buy_nothing_after_churning(
    customers: pd.DataFrame, orders: pd.DataFrame
) -> None:
    churned = customers[customers.churned_at.notna()].set_index("person_id").churned_at
    assert 0.1 < len(churned) / len(customers) < 0.6
    organic = orders[(orders.driver == "organic") & orders.person_id.isin(churned.index)]
    last = organic.groupby("person_id").ordered_at.max()
    assert (last <= churned.loc[last.index]).all()
    caused = orders[(orders.driver != "organic") & orders.person_id.isin(churned.index)]
    assert (caused.ordered_at.to_numpy() <= churned.loc[caused.person_id].to_numpy()).all()


def test_seasonality_peaks_at_black_friday_and_christmas(orders: pd.DataFrame) -> None:
    daily = orders.set_index("ordered_at").resample("D").size()
    median = daily.median()
    assert daily.loc["2024-11-29"].sum() > 2 * median
    assert daily.loc["2023-12-11":"2023-12-23"].mean() > 1.2 * median
    assert daily.loc["2024-12-25"].sum() < median
    weekday = orders.ordered_at.dt.dayofweek.value_counts()
    assert weekday.idxmax() == 5


def test_workspace_orders_match_the_truth(out: Path, orders: pd.DataFrame) -> None:
    messages = events(out, "web", "app")
    completed = [m for m in messages if m.get("event") == "Order Completed"]
    online = orders[orders.channel == "online"]
    assert len(completed) == len(online)
    assert {m["properties"]["order_id"] for m in completed} == set(online.order_ref)
    stamped = {m["properties"]["order_id"]: m["timestamp"][:19] for m in completed}
    truth_time = online.ordered_at.dt.strftime("%Y-%m-%dT%H:%M:%S")
    assert dict(zip(online.order_ref, truth_time, strict=True)) == stamped
    revenue = sum(m["properties"]["revenue"] for m in completed)
    assert revenue == pytest.approx(online.amount.sum(), rel=1e-6)
    pos = pd.read_csv(out / "workspace/pos/transactions.csv", dtype={"loyalty_card_no": str})
    store = orders[orders.channel == "store"]
    assert len(pos) == len(store)
    assert set(pos.transaction_id) == set(store.order_ref)
    assert 0.2 < pos.loyalty_card_no.isna().mean() < 0.8


def test_channel_effects_are_consistent(out: Path, orders: pd.DataFrame) -> None:
    effects = pd.read_csv(out / "truth/channel_effects.csv").set_index("channel")
    caused = orders[orders.driver != "organic"].groupby("driver").size()
    for channel, n in caused.items():
        assert effects.loc[channel, "incremental_orders"] == n
    assert effects.loc["email", "incremental_orders"] > 0
    assert effects.loc["paid_search", "incremental_orders"] > 0
    assert (
        effects.loc["paid_search", "selection_touches"]
        > effects.loc["paid_search", "incremental_orders"]
    )
    spend = pd.read_csv(out / "workspace/tables/campaign_spend.csv")
    clicks = Counter(
        m["properties"]["channel"]
        for m in events(out, "web", "app")
        if m.get("event") == "Ad Clicked"
    )
    reported = spend.groupby("channel").clicks.sum()
    for channel, n in clicks.items():
        assert reported[channel] == n
    opens = sum(1 for m in events(out, "email") if m["event"] == "Email Opened")
    assert effects.loc["email", "touches"] == opens
    assert (spend.spend_gbp >= 0).all() and spend.spend_gbp.sum() == pytest.approx(
        effects.spend.sum(), rel=1e-6
    )
    weekly = pd.read_csv(out / "truth/channel_effects_weekly.csv")
    assert weekly.groupby("channel").incremental_orders.sum().to_dict() == (
        effects.incremental_orders.to_dict()
    )


def test_email_holdouts_received_nothing(out: Path) -> None:
    holdouts = pd.read_csv(out / "truth/email_holdouts.csv")
    assert len(holdouts) > 0
    identities = pd.read_csv(out / "truth/identities.csv")
    emails = identities[(identities.source == "email") & (identities.id_type == "email")]
    person_of = dict(zip(emails.id_value, emails.person_id, strict=True))
    opened = {
        (m["properties"]["campaign_id"], person_of[m["context"]["traits"]["email"]])
        for m in events(out, "email")
    }
    held = set(zip(holdouts.campaign_id, holdouts.person_id, strict=True))
    assert not opened & held


def test_review_text_matches_rating_and_aspects(out: Path) -> None:
    reviews = pd.read_csv(out / "workspace/reviews/reviews.csv")
    truth = pd.read_csv(out / "truth/reviews.csv").set_index("review_id")
    positive = {s for a in texts.ASPECTS.values() for s in a[texts.POSITIVE]}
    negative = {s for a in texts.ASPECTS.values() for s in a[texts.NEGATIVE]}
    for row in reviews.itertuples():
        said = {s for s in positive | negative if s in row.body}
        if row.rating == 5:
            assert said and said <= positive
        if row.rating == 1:
            assert said and said <= negative
        for aspect_sign in truth.loc[row.review_id, "aspects"].split(";"):
            aspect, sign = aspect_sign.split(":")
            options = texts.ASPECTS[aspect][int(sign)]
            assert any(option in row.body for option in options)


def test_chat_mood_matches_satisfaction(out: Path) -> None:
    lines = (out / "workspace/support/chats.jsonl").read_bytes().splitlines()
    chats = [orjson.loads(line) for line in lines]
    truth = pd.read_csv(out / "truth/chats.csv").set_index("chat_id")
    assert chats
    for chat in chats:
        satisfaction = truth.loc[chat["chat_id"], "satisfaction"]
        closing = [m["text"] for m in chat["messages"] if m["from"] == "customer"][-1]
        if satisfaction >= 4:
            assert closing in texts.CLOSINGS[texts.POSITIVE]
        elif satisfaction <= 2:
            assert closing in texts.CLOSINGS[texts.NEGATIVE]
        if chat["csat"] is not None:
            assert chat["csat"] == satisfaction
        assert chat["user_id"] or chat["email"] or chat["phone"]


def test_footfall_is_consistent_with_transactions(out: Path) -> None:
    footfall = pd.read_csv(out / "workspace/tables/store_footfall.csv", parse_dates=["hour"])
    pos = pd.read_csv(out / "workspace/pos/transactions.csv", parse_dates=["sold_at"])
    visitors = footfall.groupby([footfall.store_id, footfall.hour.dt.date]).visitors.sum()
    sales = pos.groupby([pos.store_id, pos.sold_at.dt.date]).size()
    joined = pd.concat([visitors, sales], axis=1, keys=["visitors", "sales"]).fillna(0)
    assert (joined.visitors >= joined.sales).all()
    assert 0.12 < joined.sales.sum() / joined.visitors.sum() < 0.35


def test_every_workspace_identifier_is_in_the_truth(out: Path) -> None:
    identities = pd.read_csv(out / "truth/identities.csv", dtype=str)
    known = set(identities.id_value)
    for m in events(out, "web", "app", "email"):
        for key in ("anonymousId", "userId"):
            if key in m:
                assert m[key] in known, (key, m[key])
    pos = pd.read_csv(out / "workspace/pos/transactions.csv", dtype=str, keep_default_na=False)
    for column in ("transaction_id", "loyalty_card_no", "card_token"):
        assert set(pos[column]) - {""} <= known
