"""Trait values from identify calls, merged per trait with source and time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pyarrow as pa
import pytest

from vantage.profiles.traits import TraitPolicy, merge_traits, trait_values, traits_of
from vantage.store.compaction import EVENT_SCHEMA
from vantage.store.migrations import migrate
from vantage.store.warehouse import connect_store

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def value_row(trait: str, value: object, day: int, source: str = "web") -> dict[str, object]:
    return {
        "customer_id": "c1",
        "trait": trait,
        "value": json.dumps(value),
        "source": source,
        "timestamp": T0 + timedelta(days=day),
        "seq": day,
    }


def merged(rows: list[dict[str, object]], policy: TraitPolicy) -> dict[str, tuple[object, str]]:
    out = merge_traits(pd.DataFrame(rows), policy)
    return {r.trait: (json.loads(r.value), r.source) for r in out.itertuples()}


def test_traits_of_reads_segment_and_rudderstack_places_and_flattens() -> None:
    message = {
        "type": "identify",
        "context": {"traits": {"email": "old@example.com", "plan": "free"}},
        "traits": {"email": "ann@example.com", "address": {"city": "Leeds"}},
    }
    assert traits_of(message) == {
        "email": "ann@example.com",
        "plan": "free",
        "address.city": "Leeds",
    }


def test_each_strategy_picks_its_value_and_keeps_the_source() -> None:
    rows = [
        value_row("city", "York", 1, "crm"),
        value_row("city", "Leeds", 3, "web"),
        value_row("nickname", "Annie", 1, "crm"),
        value_row("nickname", "", 2, "web"),
        value_row("signup", "2020-01-01", 1, "crm"),
        value_row("signup", "2024-05-01", 2, "web"),
        value_row("points", 10, 1, "pos"),
        value_row("points", 5, 2, "pos"),
        value_row("tags", ["vip"], 1, "crm"),
        value_row("tags", "newsletter", 2, "web"),
        value_row("tags", ["vip", "b2b"], 3, "crm"),
    ]
    policy = TraitPolicy(
        strategies={
            "nickname": "non_empty",
            "signup": "first_seen",
            "points": "sum",
            "tags": "union",
        }
    )
    out = merged(rows, policy)
    assert out["city"] == ("Leeds", "web")
    assert out["nickname"] == ("Annie", "crm")
    assert out["signup"] == ("2020-01-01", "crm")
    assert out["points"] == (15.0, "pos")
    assert out["tags"] == (["b2b", "newsletter", "vip"], "crm")


def test_personal_traits_are_marked() -> None:
    out = merge_traits(pd.DataFrame([value_row("email", "a@b.co", 1), value_row("plan", "pro", 1)]))
    assert dict(zip(out.trait, out.pii, strict=True)) == {"email": True, "plan": False}


def test_unknown_strategy_is_refused() -> None:
    with pytest.raises(ValueError, match="most_recent"):
        TraitPolicy(strategies={"city": "random"})  # type: ignore[dict-item]


def test_trait_values_follow_the_identity_map() -> None:
    def identify(
        seq: int, user: str | None, anon: str | None, traits: dict[str, object]
    ) -> dict[str, object]:
        ts = T0 + timedelta(hours=seq)
        return {
            "seq": seq,
            "message_id": f"m{seq}",
            "source": "crm" if user else "web",
            "type": "identify",
            "event": None,
            "user_id": user,
            "anonymous_id": anon,
            "timestamp": ts,
            "received_at": ts,
            "payload": json.dumps({"type": "identify", "traits": traits}),
        }

    with connect_store("duckdb://:memory:") as store:
        migrate(store)
        rows = [
            identify(1, None, "dev-1", {"email": "ann@example.com"}),
            identify(2, "u1", None, {"first_name": "Ann", "email": "ann@work.example"}),
            identify(3, None, "someone-else", {"email": "x@example.com"}),
        ]
        store.append("events", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
        store.append(
            "identity_map",
            pd.DataFrame(
                {
                    "id_type": ["anonymous_id", "user_id"],
                    "id_value": ["dev-1", "u1"],
                    "customer_id": ["c1", "c1"],
                    "since": [T0, T0],
                    "reason": ["seen with user_id u1", "first seen"],
                }
            ),
        )
        values = trait_values(store)
    assert set(values.customer_id) == {"c1"}
    profile = merge_traits(values).set_index("trait")
    assert json.loads(profile.loc["email", "value"]) == "ann@work.example"
    assert profile.loc["email", "source"] == "crm"
    assert json.loads(profile.loc["first_name", "value"]) == "Ann"
