"""The single customer view service: lookup, profile, timeline paging, clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import orjson
import pytest

from profile_samples import AS_OF, load_sample
from vantage.services.profiles import ProfileNotFoundError, find_customer, profile, timeline
from vantage.store.warehouse import IbisStore, connect_store


@pytest.fixture
def store() -> Iterator[IbisStore]:
    with connect_store("duckdb://:memory:") as store:
        load_sample(store)
        yield store


def test_find_customer_normalises_the_identifier(store: IbisStore) -> None:
    assert find_customer(store, "user_id", " u1 ") == "c1"
    assert find_customer(store, "anonymous_id", "dev-1") == "c1"


def test_unknown_and_junk_identifiers_are_clear_errors(store: IbisStore) -> None:
    with pytest.raises(ProfileNotFoundError, match="No customer has this user_id"):
        find_customer(store, "user_id", "nobody")
    with pytest.raises(ProfileNotFoundError, match="is not a usable identifier"):
        find_customer(store, "email", "null")


def test_profile_holds_identifiers_and_computed_traits(store: IbisStore) -> None:
    view = profile(store, "c1", as_of=AS_OF)
    assert {(i["id_type"], i["id_value"]) for i in view["identifiers"]} == {
        ("user_id", "u1"),
        ("anonymous_id", "dev-1"),
    }
    assert view["computed_traits"]["orders"] == 2
    assert view["computed_traits"]["favourite_category"] == "hats"
    assert view["traits"] == {}
    assert orjson.loads(orjson.dumps(view))["computed_traits"]["orders"] == 2


def test_unknown_customer_id(store: IbisStore) -> None:
    with pytest.raises(ProfileNotFoundError, match="No customer 'c404'"):
        profile(store, "c404", as_of=AS_OF)


def test_timeline_pages_newest_first(store: IbisStore) -> None:
    first = timeline(store, "c1", limit=3)
    assert [e["seq"] for e in first["events"]] == [7, 6, 5]
    second = timeline(store, "c1", limit=3, before_seq=first["next_before_seq"])
    assert [e["seq"] for e in second["events"]] == [4, 3, 2]
    last = timeline(store, "c1", limit=3, before_seq=second["next_before_seq"])
    assert [e["seq"] for e in last["events"]] == [1]
    assert last["next_before_seq"] is None
    assert first["events"][0]["message"]["properties"]["revenue"] == 1000.0


def test_no_identity_map_says_how_to_build_one() -> None:
    with (
        connect_store("duckdb://:memory:") as empty,
        pytest.raises(ProfileNotFoundError, match="vantage identity rebuild"),
    ):
        find_customer(empty, "email", "a@b.co")


def test_profile_as_of_excludes_later_events(store: IbisStore) -> None:
    early = profile(store, "c1", as_of=AS_OF - timedelta(days=50))
    assert early["computed_traits"]["orders"] == 1


def test_profile_carries_text_traits_once_texts_are_scored(store: IbisStore) -> None:
    import pandas as pd

    assert profile(store, "c1", as_of=AS_OF)["text"] == {}
    scores = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c2"],
            "timestamp": pd.to_datetime(
                [AS_OF - timedelta(days=3), AS_OF - timedelta(days=1), AS_OF - timedelta(days=2)],
                utc=True,
            ),
            "sentiment": ["positive", "negative", "negative"],
            "sentiment_score": [0.8, -0.6, -0.9],
        }
    )
    store.create_table("nlp_text_scores", scores)
    text = profile(store, "c1", as_of=AS_OF)["text"]
    assert text["texts_90d"] == 2
    assert text["avg_sentiment_90d"] == pytest.approx(0.1)
    assert text["open_complaints"] == 1  # the negative text came after the positive one
