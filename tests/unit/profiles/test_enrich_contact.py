"""E-mail domain type and phone country / line type."""

from __future__ import annotations

import pandas as pd
import pytest

from vantage.profiles.enrich_contact import EmailDomainStep, PhoneStep, load_domains


@pytest.mark.parametrize(
    ("email", "domain", "kind"),
    [
        ("Ann.Lee@GMail.com ", "gmail.com", "free"),
        ("bob@btinternet.com", "btinternet.com", "free"),
        ("carol@yahoo.co.uk", "yahoo.co.uk", "free"),
        ("dan@acme-logistics.co.uk", "acme-logistics.co.uk", "corporate"),
        ("eve@cs.ox.ac.uk", "cs.ox.ac.uk", "corporate"),
        ("x9@mailinator.com", "mailinator.com", "disposable"),
        ("tmp@YOPMAIL.com", "yopmail.com", "disposable"),
        ("a@eu.guerrillamail.com", "eu.guerrillamail.com", "disposable"),
    ],
)
def test_email_domain_type(email: str, domain: str, kind: str) -> None:
    added = EmailDomainStep().enrich({"email": email})
    assert added["email_domain"].value == domain
    assert added["email_domain_type"].value == kind
    assert added["email_domain_type"].source == "email_domain"


@pytest.mark.parametrize("email", [None, "", "not-an-email", "test@test.com", 42])
def test_email_unusable_adds_nothing(email: object) -> None:
    assert EmailDomainStep().enrich({"email": email}) == {}


def test_email_extra_lists_and_custom_input() -> None:
    step = EmailDomainStep(
        free_domains=["Family-Mail.org"], disposable_domains=["burn.example"], input="mail"
    )
    assert step.enrich({"mail": "a@family-mail.org"})["email_domain_type"].value == "free"
    assert step.enrich({"mail": "a@burn.example"})["email_domain_type"].value == "disposable"


def test_shipped_lists_are_disjoint_and_sizeable() -> None:
    free, disposable = load_domains("free"), load_domains("disposable")
    assert len(free) > 100 and len(disposable) > 100
    assert not free & disposable


def test_email_frame_matches_record_path() -> None:
    emails = ["a@gmail.com", None, "b@acme.com", "junk", "c@mailinator.com", "test@test.com"]
    step = EmailDomainStep()
    frame = step.enrich_frame(pd.DataFrame({"email": emails}, index=[10, 11, 12, 13, 14, 15]))
    assert list(frame.index) == [10, 11, 12, 13, 14, 15]
    for i, email in zip(frame.index, emails, strict=True):
        record = step.enrich({"email": email})
        expected = record["email_domain_type"].value if record else None
        assert frame.loc[i, "email_domain_type"] == expected
        assert frame.loc[i, "email_domain_type_source"] == ("email_domain" if record else None)


def test_email_frame_without_column() -> None:
    frame = EmailDomainStep().enrich_frame(pd.DataFrame({"other": [1, 2]}))
    assert frame["email_domain"].isna().all()


@pytest.mark.parametrize(
    ("phone", "country", "code", "line"),
    [
        ("+44 7400 123456", "GB", 44, "mobile"),
        ("020 7946 0000", "GB", 44, "fixed_line"),
        ("+44 56 0123 4567", "GB", 44, "voip"),
        ("0800 123 4567", "GB", 44, "toll_free"),
        ("+49 151 23456789", "DE", 49, "mobile"),
        ("+33 6 12 34 56 78", "FR", 33, "mobile"),
        ("+81 3-1234-5678", "JP", 81, "fixed_line"),
        ("+61 412 345 678", "AU", 61, "mobile"),
        ("+1 202-555-0123", "US", 1, "fixed_line_or_mobile"),
    ],
)
def test_phone_country_and_line_type(phone: str, country: str, code: int, line: str) -> None:
    added = PhoneStep().enrich({"phone": phone})
    assert added["phone_country"].value == country
    assert added["phone_calling_code"].value == code
    assert added["phone_line_type"].value == line


@pytest.mark.parametrize("phone", [None, "", "12", "+44 1234", True])
def test_phone_invalid_adds_nothing(phone: object) -> None:
    assert PhoneStep().enrich({"phone": phone}) == {}


def test_phone_default_region() -> None:
    added = PhoneStep(default_region="DE").enrich({"phone": "0151 23456789"})
    assert added["phone_country"].value == "DE"
