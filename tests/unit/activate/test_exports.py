"""Customer lists for ad platforms and file exports."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from vantage.activate.exports import (
    GOOGLE_COLUMNS,
    META_COLUMNS,
    customer_list_row,
    google_email,
    meta_phone,
    write_customer_list,
    write_file_export,
)
from vantage.activate.specs import AdsDestinationSpec, FileDestinationSpec, load_destination


def h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


RECORD = {
    "emails": ["  Ann.Lee@GMail.com "],
    "phones": ["020 7946 0958"],
    "first_name": " Ann ",
    "last_name": "O'Lee",
    "country": "gb",
    "zip": "SW1A 1AA",
}


def test_google_normalises_then_hashes() -> None:
    row = customer_list_row(RECORD, "google")
    assert list(row) == list(GOOGLE_COLUMNS)
    assert row["Email"] == h("annlee@gmail.com")  # gmail: dots of the local part removed
    assert row["Phone"] == h("+442079460958")  # E.164 with the plus
    assert row["First Name"] == h("ann")
    assert row["Last Name"] == h("o'lee")
    assert (row["Country"], row["Zip"]) == ("GB", "SW1A 1AA")  # sent in clear


def test_meta_normalises_then_hashes_every_column() -> None:
    row = customer_list_row(RECORD, "meta")
    assert list(row) == list(META_COLUMNS)
    assert row["email"] == h("ann.lee@gmail.com")
    assert row["phone"] == h("442079460958")  # digits with country code, no plus
    assert row["fn"] == h("ann")
    assert row["ln"] == h("olee")  # punctuation removed
    assert row["country"] == h("gb")
    assert row["zip"] == h("sw1a1aa")


def test_only_gmail_loses_dots_and_junk_is_not_hashed() -> None:
    assert google_email("a.b@example.com") == "a.b@example.com"
    assert google_email("not-an-email") is None
    assert meta_phone("12") is None
    row = customer_list_row({"email": "nope", "phone": "12"}, "google")
    assert row["Email"] is None and row["Phone"] is None


@pytest.mark.parametrize(("platform", "first"), [("google", "Email"), ("meta", "email")])
def test_customer_list_file(tmp_path: Path, platform: str, first: str) -> None:
    spec = load_destination(
        {
            "name": "ads",
            "kind": "ads",
            "purpose": "advertising",
            "platform": platform,
            "folder": str(tmp_path),
        }
    )
    assert isinstance(spec, AdsDestinationSpec)
    path = write_customer_list(spec, [RECORD, {"first_name": "nobody"}])
    frame = pd.read_csv(path, dtype=str)
    assert frame.columns[0] == first
    assert len(frame) == 1  # the row without e-mail or phone cannot be matched: dropped
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_file_export_flattens_records(tmp_path: Path, fmt: str) -> None:
    spec = load_destination(
        {
            "name": "files",
            "kind": "file",
            "purpose": "analytics",
            "folder": str(tmp_path),
            "format": fmt,
        }
    )
    records = [{"customer_id": "c1", "event": {"name": "x", "value": 2}}]
    assert isinstance(spec, FileDestinationSpec)
    path = write_file_export(spec, records)
    frame = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    assert path.suffix == f".{fmt}"
    assert frame.to_dict("records") == [{"customer_id": "c1", "event.name": "x", "event.value": 2}]
