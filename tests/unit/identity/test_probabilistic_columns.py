"""Column mapping validation and standardisation."""

from __future__ import annotations

import pandas as pd
import pytest

from vantage.identity.probabilistic_columns import MatchingError, standardise

RECORDS = pd.DataFrame(
    {
        "cid": [1, 2],
        "given": [" Bob ", "Sarah"],
        "family": ["Smith", ""],
        "born": ["1971-05-24", "not a date"],
        "tel": ["+44 (0)20 7946 0018", None],
        "mail": [" Bob@Example.COM ", "nobody"],
        "zip": ["SW1A 1AA", "m1 1ae"],
    }
)
MAPPING = {
    "first_name": "given",
    "surname": "family",
    "dob": "born",
    "phone": "tel",
    "email": "mail",
    "postcode": "zip",
}


def test_standardise_cleans_every_field() -> None:
    out = standardise(RECORDS, "cid", MAPPING)
    assert out["unique_id"].tolist() == ["1", "2"]
    assert out["first_name"].tolist() == ["bob", "sarah"]
    assert out["first_name_root"].tolist() == ["robert", "sarah"]
    assert out["surname"].tolist() == ["smith", None]
    assert out["dob"].tolist() == ["1971-05-24", None]
    assert out["phone"].tolist() == ["440207946 0018".replace(" ", ""), None]
    assert out["email"].tolist() == ["bob@example.com", None]
    assert out["postcode"].tolist() == ["sw1a1aa", "m11ae"]


def test_missing_column_is_named() -> None:
    with pytest.raises(MatchingError, match="Column 'born' is missing from the records"):
        standardise(RECORDS.drop(columns="born"), "cid", MAPPING)


def test_missing_id_column_is_named() -> None:
    with pytest.raises(MatchingError, match="Column 'id' is missing from the records"):
        standardise(RECORDS, "id", MAPPING)


def test_unknown_field_is_named() -> None:
    with pytest.raises(MatchingError, match="Unknown matching field 'nickname'"):
        standardise(RECORDS, "cid", {**MAPPING, "nickname": "given"})


def test_one_field_is_not_enough() -> None:
    with pytest.raises(MatchingError, match=r"names 1 field\(s\); matching needs at least two"):
        standardise(RECORDS, "cid", {"surname": "family"})


def test_duplicate_ids_are_refused() -> None:
    frame = RECORDS.assign(cid=[1, 1])
    with pytest.raises(MatchingError, match="Column 'cid' repeats the record id '1'"):
        standardise(frame, "cid", MAPPING)


def test_empty_ids_are_refused() -> None:
    frame = RECORDS.assign(cid=pd.Series([1, None], dtype=object))
    with pytest.raises(MatchingError, match="Column 'cid' has empty record ids"):
        standardise(frame, "cid", MAPPING)


def test_explicit_dob_format() -> None:
    frame = RECORDS.assign(born=["19710524", "19851302"])
    out = standardise(frame, "cid", MAPPING, dob_format="%Y%m%d")
    assert out["dob"].tolist() == ["1971-05-24", None]
