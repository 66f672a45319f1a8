"""Consent columns of an import reach the ledger and the profile through the CLI's sync."""

from __future__ import annotations

from pathlib import Path

from vantage.services import identity as identity_service
from vantage.services.context import ServiceContext
from vantage.services.events import compact_and_sync
from vantage.services.ingest import ingest
from vantage.services.profiles import find_customer, profile
from vantage.services.warehouse import open_warehouse


def test_imported_consent_shows_on_the_profile(home: Path, tmp_path: Path) -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    rows = tmp_path / "crm.csv"
    rows.write_text(
        "customer_no,email,newsletter,ads\nC1,ann@example.com,yes,no\nC2,bob@example.com,,maybe\n"
    )
    mapping = tmp_path / "crm.yml"
    mapping.write_text(
        "source: crm\nuser_id: customer_no\nidentifiers: {email: email}\n"
        "consent: {email_marketing: newsletter, advertising: ads}\n"
    )
    report = ingest(ctx, str(rows), source=None, mapping_path=mapping)
    assert report.stored == 1
    assert report.rejected == 1
    assert "consent.advertising" in str(report.rejected_examples[0])
    result = compact_and_sync(ctx)
    assert result["consent_decisions"] >= 2
    identity_service.refresh(ctx)
    with open_warehouse(ctx.settings) as store:
        view = profile(store, find_customer(store, "email", "ann@example.com"))
    assert view["consent"] == {"email_marketing": True, "advertising": False}
