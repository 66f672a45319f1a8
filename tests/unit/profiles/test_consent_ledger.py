"""The consent ledger on DuckDB: history, current state, per-customer state, conflicts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from consent_helpers import RUDDERSTACK, SEGMENT, identity_map

from vantage.core.errors import StoreError
from vantage.profiles.consent import ConsentChange, can_contact
from vantage.profiles.consent_ledger import ConsentLedger, create_ledger_table
from vantage.store.warehouse import IbisStore, connect_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[IbisStore]:
    with connect_store(f"duckdb:///{tmp_path / 'w.duckdb'}") as opened:
        create_ledger_table(opened)
        yield opened


def _at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, tzinfo=UTC)


def _change(
    value: str, purpose: str, granted: bool, ts: datetime, id_type: str = "email"
) -> ConsentChange:
    return ConsentChange(id_type, value, purpose, granted, ts, "test", f"m-{value}-{ts:%d%H}")


def test_history_is_append_only_and_replay_safe(store: IbisStore) -> None:
    ledger = ConsentLedger(store)
    assert ledger.record_messages([SEGMENT, RUDDERSTACK], source="web") == 15
    assert ledger.record_messages([SEGMENT, RUDDERSTACK], source="web") == 0
    assert ledger.record([]) == 0
    assert store.list_tables() == ["consent_ledger"]
    history = ledger.history()
    assert history["seq"].tolist() == list(range(1, 16))
    assert history["ts"].is_monotonic_increasing
    anon = ledger.history("anonymous_id", "anon-1")
    assert len(anon) == 6
    assert anon["message_id"].tolist()[-3:] == ["rs-1"] * 3


def test_current_state_latest_by_event_time_not_arrival(store: IbisStore) -> None:
    ledger = ConsentLedger(store)
    ledger.record([_change("a@x.com", "email_marketing", True, _at(5))])
    ledger.record([_change("a@x.com", "email_marketing", False, _at(3))])
    ledger.record([_change("a@x.com", "advertising", False, _at(1))])
    current = store.execute(ledger.current()).set_index("purpose")
    assert bool(current.loc["email_marketing", "granted"]) is True
    assert bool(current.loc["advertising", "granted"]) is False
    assert len(ledger.history()) == 3


def test_ties_on_event_time_go_to_the_later_seq(store: IbisStore) -> None:
    ledger = ConsentLedger(store)
    ledger.record([ConsentChange("email", "a@x.com", "analytics", True, _at(2), "s", "m1")])
    ledger.record([ConsentChange("email", "a@x.com", "analytics", False, _at(2), "s", "m2")])
    current = store.execute(ledger.current())
    assert current["granted"].tolist() == [False]
    assert current["seq"].tolist() == [2]


def test_customer_state_most_recent_decision_wins(store: IbisStore) -> None:
    ledger = ConsentLedger(store)
    ledger.record(
        [
            _change("a@x.com", "email_marketing", True, _at(1)),
            _change("u-1", "email_marketing", False, _at(4), "user_id"),
            _change("a@work.com", "email_marketing", True, _at(2)),
            _change("a@x.com", "advertising", True, _at(9)),
            _change("b@y.com", "email_marketing", True, _at(3)),
            _change("orphan@z.com", "email_marketing", True, _at(3)),
        ]
    )
    store.create_table(
        "identity_map",
        identity_map(
            [
                ("email", "a@x.com", "c1"),
                ("email", "a@work.com", "c1"),
                ("user_id", "u-1", "c1"),
                ("email", "b@y.com", "c2"),
            ]
        ),
    )
    rows = store.execute(ledger.for_customers()).sort_values(["customer_id", "purpose"])
    assert rows[["customer_id", "purpose", "granted", "id_type"]].values.tolist() == [
        ["c1", "advertising", True, "email"],
        ["c1", "email_marketing", False, "user_id"],
        ["c2", "email_marketing", True, "email"],
    ]
    states = ledger.customer_states()
    assert states == {
        "c1": {"advertising": True, "email_marketing": False},
        "c2": {"email_marketing": True},
    }
    assert can_contact(states["c1"], "email_marketing") is False
    assert can_contact(states["c2"], "email_marketing") is True
    assert can_contact(states["c2"], "sms_marketing") is False


def test_customer_state_from_events_after_identity_merge(store: IbisStore) -> None:
    ledger = ConsentLedger(store)
    ledger.record_messages([SEGMENT, RUDDERSTACK])
    links = identity_map(
        [
            ("anonymous_id", "anon-1", "c9"),
            ("email", "ann.lee@example.com", "c9"),
            ("loyalty_card", "CARD-77", "c9"),
            ("user_id", "u-1", "c9"),
        ]
    )
    states = ledger.customer_states(store.create_table("identity_map", links))
    assert states == {"c9": {"advertising": False, "analytics": True, "personalisation": False}}


def test_missing_ledger_table_is_a_clear_error(tmp_path: Path) -> None:
    with (
        connect_store("duckdb://:memory:") as bare,
        pytest.raises(StoreError, match=r"'consent_ledger' does not exist"),
    ):
        ConsentLedger(bare).history()
