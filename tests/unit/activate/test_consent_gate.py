"""The send path's consent: ledger state, live decisions (newest wins), readiness."""

from __future__ import annotations

import pandas as pd
import pytest

from vantage.activate.consent_gate import ConsentGate
from vantage.core.errors import ConfigError


def ledger(*rows: tuple[str, str, bool, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "purpose", "granted", "ts"])


def test_the_newest_decision_wins_across_ledger_and_live_events() -> None:
    gate = ConsentGate()
    gate.replace_ledger(ledger(("c1", "email_marketing", True, "2026-01-01T00:00:00Z")))
    assert gate.allowed("c1", "email_marketing")
    older = pd.Timestamp("2025-06-01T00:00:00Z").timestamp()
    gate.set_decision("c1", "email_marketing", False, older)
    assert gate.allowed("c1", "email_marketing")  # the ledger's decision is newer
    message = {"context": {"consent": {"categoryPreferences": {"email": False}}}}
    gate.observe("c1", message, pd.Timestamp("2026-02-01T00:00:00Z").timestamp())
    assert not gate.allowed("c1", "email_marketing")  # withdrawn by a live event


def test_unknown_means_no_and_purposes_are_checked() -> None:
    gate = ConsentGate()
    assert not gate.allowed("nobody", "advertising")
    with pytest.raises(ConfigError, match="Unknown consent purpose 'spam'"):
        gate.allowed("c1", "spam")


def test_refuses_until_the_ledger_was_read_once() -> None:
    gate = ConsentGate(ready=False, wait_s=0.05)
    gate.set_decision("c1", "email_marketing", True, 1.0)
    assert not gate.allowed("c1", "email_marketing")
    gate.replace_ledger(ledger())
    assert gate.allowed("c1", "email_marketing")
