"""Identity use cases end to end on a real lake and warehouse: rebuild, explain, split, review."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vantage.identity import IdentityError
from vantage.identity.review import ReviewQueue
from vantage.services import identity as identity_service
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.profiles import find_customer
from vantage.services.warehouse import open_warehouse


def ingest(ctx: ServiceContext, source: str, messages: list[dict[str, object]]) -> None:
    ctx.log.append([ctx.ingestor.prepare(source, messages, correct_skew=False)])


@pytest.fixture
def ctx(home: Path) -> ServiceContext:
    ctx = ServiceContext()
    ctx.workspace.init()
    ingest(
        ctx,
        "web",
        [
            {
                "type": "page",
                "anonymousId": "dev-1",
                "messageId": "w1",
                "timestamp": "2025-01-01T10:00:00Z",
            },
            {
                "type": "identify",
                "anonymousId": "dev-1",
                "userId": "u1",
                "messageId": "w2",
                "traits": {"email": "Ann@Example.com", "first_name": "Ann"},
                "timestamp": "2025-01-01T10:05:00Z",
            },
            {
                "type": "identify",
                "userId": "u2",
                "messageId": "w3",
                "traits": {"email": "bob@example.com"},
                "timestamp": "2025-01-02T10:00:00Z",
            },
        ],
    )
    ingest(
        ctx,
        "crm",
        [
            {
                "type": "identify",
                "anonymousId": "idh:crm-7",
                "messageId": "c1",
                "context": {
                    "externalIds": [
                        {"id": " ann@example.com ", "type": "email"},
                        {"id": "C7", "type": "crm_id"},
                    ]
                },
                "traits": {"last_name": "Lee"},
                "timestamp": "2025-01-03T10:00:00Z",
            },
            {
                "type": "identify",
                "anonymousId": "idh:crm-9",
                "messageId": "c2",
                "context": {"externalIds": [{"id": "C9", "type": "crm_id"}]},
                "traits": {"first_name": "Robert"},
                "timestamp": "2025-01-03T11:00:00Z",
            },
        ],
    )
    compact_and_sync(ctx)
    return ctx


def test_rebuild_links_web_and_crm_through_the_normalised_email(ctx: ServiceContext) -> None:
    report = identity_service.rebuild(ctx)
    assert report.customers == 3  # Ann (web + CRM), Bob, the CRM-only Robert
    with open_warehouse(ctx.settings) as store:
        ann = find_customer(store, "crm_id", "C7")
        assert find_customer(store, "anonymous_id", "dev-1") == ann
        assert find_customer(store, "email", "ANN@example.com") == ann
        assert find_customer(store, "user_id", "u2") != ann


def test_explain_names_the_events_behind_each_link(ctx: ServiceContext) -> None:
    identity_service.rebuild(ctx)
    result = identity_service.explain(ctx, "crm_id:C7")
    messages = {edge["message_id"] for edge in result["edges"]}
    assert {"w2", "c1"} <= messages


def test_split_takes_an_identifier_out_and_survives_a_rebuild(ctx: ServiceContext) -> None:
    identity_service.rebuild(ctx)
    with open_warehouse(ctx.settings) as store:
        ann = find_customer(store, "user_id", "u1")
    result = identity_service.split(ctx, ann, "crm_id:C7", note="different Ann")
    assert result["customer_of_identifier"] != ann
    identity_service.rebuild(ctx)
    with open_warehouse(ctx.settings) as store:
        assert find_customer(store, "crm_id", "C7") != find_customer(store, "user_id", "u1")


def test_split_needs_a_typed_identifier(ctx: ServiceContext) -> None:
    identity_service.rebuild(ctx)
    with pytest.raises(IdentityError, match="type:value"):
        identity_service.split(ctx, "cus_x", "C7")


def test_an_accepted_review_links_profiles_through_a_match_event(ctx: ServiceContext) -> None:
    identity_service.rebuild(ctx)
    with open_warehouse(ctx.settings) as store:
        bob = find_customer(store, "user_id", "u2")
        robert = find_customer(store, "crm_id", "C9")
    queue = ReviewQueue(ctx.settings.home)
    queue.add(pd.DataFrame({"left_id": [bob], "right_id": [robert], "match_probability": [0.8]}))
    assert [p["left_id"] for p in identity_service.review_pending(ctx)] == [bob]
    report = identity_service.review_decide(ctx, bob, robert, accept=True, by="tester")
    assert (report.match_events, report.customers_after) == (1, 2)
    assert identity_service.review_pending(ctx) == []
    rebuilt = identity_service.rebuild(ctx)  # the match lives in the lake: a rebuild keeps it
    assert rebuilt.customers == 2
    explained = identity_service.explain(ctx, "crm_id:C9")
    assert any(str(e["message_id"]).startswith("match-") for e in explained["edges"])


def test_the_servers_maintenance_job_keeps_identities_current(ctx: ServiceContext) -> None:
    from vantage.services.events import maintain

    maintain(str(ctx.settings.home))
    with open_warehouse(ctx.settings) as store:
        ann = find_customer(store, "crm_id", "C7")
        assert find_customer(store, "anonymous_id", "dev-1") == ann
    ingest(
        ctx,
        "web",
        [{"type": "identify", "userId": "u1", "anonymousId": "dev-9", "messageId": "w9"}],
    )
    result = maintain(str(ctx.settings.home))
    assert result["identity_merges"] >= 1
    with open_warehouse(ctx.settings) as store:
        assert find_customer(store, "anonymous_id", "dev-9") == ann


def test_consent_in_events_reaches_the_profile(ctx: ServiceContext) -> None:
    from vantage.services.events import maintain
    from vantage.services.profiles import profile

    consent = {"consent": {"categoryPreferences": {"email": False, "analytics": True}}}
    ingest(
        ctx,
        "web",
        [
            {
                "type": "track",
                "event": "Consent Updated",
                "userId": "u1",
                "messageId": "k1",
                "context": consent,
            }
        ],
    )
    result = maintain(str(ctx.settings.home))
    assert result["consent_decisions"] == 2
    assert maintain(str(ctx.settings.home))["consent_decisions"] == 0
    with open_warehouse(ctx.settings) as store:
        view = profile(store, find_customer(store, "crm_id", "C7"))
    assert view["consent"] == {"email_marketing": False, "analytics": True}
