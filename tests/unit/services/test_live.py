"""The server's real-time view: new events change identities and counters before any sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vantage.services import identity as identity_service
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.live import LiveProfiles
from vantage.services.profiles import ProfileNotFoundError, find_customer
from vantage.services.warehouse import open_warehouse

NOW = datetime.now(UTC)


def _at(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).isoformat()


def ingest(ctx: ServiceContext, messages: list[dict[str, object]]) -> None:
    ctx.log.append([ctx.ingestor.prepare("web", messages, correct_skew=False)])


def order(message_id: str, revenue: float, **who: str) -> dict[str, object]:
    return {
        "type": "track",
        "event": "Order Completed",
        "messageId": message_id,
        "properties": {"revenue": revenue},
        "timestamp": _at(5),
        **who,
    }


@pytest.fixture
def ctx(home: Path) -> ServiceContext:
    ctx = ServiceContext()
    ctx.workspace.init()
    ingest(
        ctx,
        [
            {
                "type": "identify",
                "userId": "u1",
                "messageId": "i1",
                "timestamp": _at(60),
                "traits": {"email": "ann@example.com"},
            },
            order("o1", 10.0, userId="u1"),
        ],
    )
    compact_and_sync(ctx)
    identity_service.refresh(ctx)
    return ctx


def test_an_order_counts_before_the_warehouse_has_it(ctx: ServiceContext) -> None:
    live = LiveProfiles(ctx.settings)
    live.load()
    live.poll()
    customer = live.customer_of("email", "ann@example.com")
    assert customer is not None
    before = live.profile(customer)["computed_traits"]
    assert before["orders"] == 1
    ingest(ctx, [order("o2", 25.0, userId="u1")])
    assert live.poll() == 1
    after = live.profile(customer)
    assert after["computed_traits"]["orders"] == 2
    assert after["computed_traits"]["orders_30d"] == 2
    assert after["computed_traits"]["revenue"] == pytest.approx(35.0)
    assert after["live"]["seq"] > after["live"]["warehouse_seq"]
    # Once synced, the warehouse has the order and the live entry is not counted again.
    compact_and_sync(ctx)
    synced = live.profile(customer)
    assert synced["computed_traits"]["orders"] == 2
    assert live.counters.entries == 0


def test_a_new_device_joins_its_customer_at_once(ctx: ServiceContext) -> None:
    live = LiveProfiles(ctx.settings)
    live.load()
    live.poll()
    customer = live.customer_of("user_id", "u1")
    ingest(
        ctx,
        [
            {"type": "page", "anonymousId": "phone-9", "messageId": "p1", "timestamp": _at(2)},
            order("o3", 5.0, anonymousId="phone-9"),
            {
                "type": "identify",
                "anonymousId": "phone-9",
                "userId": "u1",
                "messageId": "i2",
                "timestamp": _at(1),
            },
        ],
    )
    live.poll()
    assert live.customer_of("anonymous_id", "phone-9") == customer
    view = live.lookup("anonymous_id", "phone-9")
    assert view["customer_id"] == customer
    assert ("anonymous_id", "phone-9") in {
        (i["id_type"], i["id_value"]) for i in view["identifiers"]
    }
    assert view["computed_traits"]["orders"] == 2


def test_the_live_graph_matches_the_background_refresh(ctx: ServiceContext) -> None:
    live = LiveProfiles(ctx.settings)
    live.load()
    ingest(
        ctx,
        [
            {
                "type": "identify",
                "anonymousId": "d2",
                "userId": "u2",
                "messageId": "i3",
                "timestamp": _at(3),
                "traits": {"email": "ANN@example.com"},
            },
        ],
    )
    live.poll()
    compact_and_sync(ctx)
    identity_service.refresh(ctx)
    # Two user ids may not share a profile (rules), so u2 stays apart from u1 in both views.
    assert live.customer_of("user_id", "u2") != live.customer_of("user_id", "u1")
    with open_warehouse(ctx.settings) as store:
        for kind, value in [("user_id", "u1"), ("user_id", "u2"), ("anonymous_id", "d2")]:
            assert live.customer_of(kind, value) == find_customer(store, kind, value)


def test_a_split_elsewhere_reloads_the_live_graph(ctx: ServiceContext) -> None:
    live = LiveProfiles(ctx.settings)
    live.load()
    ingest(
        ctx,
        [
            {
                "type": "identify",
                "anonymousId": "shared-tablet",
                "userId": "u1",
                "messageId": "i4",
                "timestamp": _at(1),
            }
        ],
    )
    compact_and_sync(ctx)
    identity_service.refresh(ctx)
    live.poll()
    customer = live.customer_of("user_id", "u1")
    assert live.customer_of("anonymous_id", "shared-tablet") == customer
    assert customer is not None
    identity_service.split(ctx, customer, "anonymous_id:shared-tablet", note="family tablet")
    live.poll()
    assert live.customer_of("anonymous_id", "shared-tablet") != live.customer_of("user_id", "u1")


def test_unknown_customers_are_a_clear_error(ctx: ServiceContext) -> None:
    live = LiveProfiles(ctx.settings)
    live.load()
    live.poll()
    with pytest.raises(ProfileNotFoundError, match="No customer has this email"):
        live.lookup("email", "nobody@example.com")
    with pytest.raises(ProfileNotFoundError, match="No customer 'c_missing'"):
        live.profile("c_missing")


def test_listeners_see_new_events_with_their_resolved_customer(ctx: ServiceContext) -> None:
    live = LiveProfiles(ctx.settings)
    seen: list[tuple[str, str]] = []
    live.add_listener(
        lambda batch: seen.extend((e.customer_id, e.message["messageId"]) for e in batch)
    )

    def broken(batch: object) -> None:
        raise RuntimeError("listener bug")

    live.add_listener(broken)
    live.load()
    live.poll()
    assert seen == []  # the warehouse already has these: nothing new to report
    customer = live.customer_of("user_id", "u1")
    ingest(
        ctx,
        [
            order("o4", 5.0, anonymousId="tablet-2"),
            {
                "type": "identify",
                "anonymousId": "tablet-2",
                "userId": "u1",
                "messageId": "a1",
                "timestamp": _at(1),
            },
        ],
    )
    assert live.poll() == 2
    assert ("" if customer is None else customer, "o4") in seen
    assert {message for _, message in seen} == {"o4", "a1"}
