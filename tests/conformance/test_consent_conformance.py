"""The consent ledger on every backend: same history, same current and per-customer state.

The expected answers are computed independently in pandas from the same decisions.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pandas as pd

from vantage.profiles.consent import ConsentChange
from vantage.profiles.consent_ledger import ConsentLedger, create_ledger_table
from vantage.store.warehouse import IbisStore

PURPOSES = ("analytics", "email_marketing", "advertising")


def _decisions(seed: int = 7, n: int = 300) -> list[ConsentChange]:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        ConsentChange(
            "email",
            f"p{rng.randrange(20)}@x.com",
            rng.choice(PURPOSES),
            rng.random() < 0.5,
            start + timedelta(hours=rng.randrange(48)),
            "conformance",
            f"m{i}",
        )
        for i in range(n)
    ]


def _expected_latest(rows: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], bool]:
    ordered = rows.sort_values(["ts", "seq"]).groupby(keys).tail(1)
    return {tuple(r[k] for k in keys): bool(r["granted"]) for r in ordered.to_dict("records")}


def test_consent_ledger_on_every_backend(store: IbisStore) -> None:
    create_ledger_table(store)
    ledger = ConsentLedger(store)
    decisions = _decisions()
    assert ledger.record(decisions[:150]) == 150
    assert ledger.record(decisions) == 150
    history = ledger.history()
    assert history["seq"].sort_values().tolist() == list(range(1, 301))

    current = store.execute(ledger.current())
    keys = ["id_value", "purpose"]
    got = {tuple(r[k] for k in keys): bool(r["granted"]) for r in current.to_dict("records")}
    assert got == _expected_latest(history, keys)

    people = sorted(history["id_value"].unique())
    links = pd.DataFrame(
        {
            "id_type": "email",
            "id_value": people,
            "customer_id": [f"c{i % 7}" for i in range(len(people))],
            "since": pd.Timestamp("2026-01-01", tz="UTC"),
            "reason": "conformance",
        }
    )
    store.create_table("identity_map", links)
    states = ledger.customer_states()
    joined = history.merge(links[["id_value", "customer_id"]], on="id_value")
    expected = _expected_latest(joined, ["customer_id", "purpose"])
    assert {(c, p): g for c, state in states.items() for p, g in state.items()} == expected
