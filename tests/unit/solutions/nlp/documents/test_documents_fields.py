"""Dates, amounts and quantities as printed on receipts."""

from __future__ import annotations

from datetime import date

import pytest

from vantage.solutions.nlp.documents.fields import (
    find_amounts,
    find_date,
    find_quantity,
    normalise_field,
    normalise_total,
)


@pytest.mark.parametrize(
    ("text", "printed", "value"),
    [
        ("DATE: 25/12/2018 8:13:39 PM", "25/12/2018", date(2018, 12, 25)),
        ("12-01-19 10:00", "12-01-19", date(2019, 1, 12)),
        ("2018-01-12", "2018-01-12", date(2018, 1, 12)),
        ("15 JAN 2018", "15 JAN 2018", date(2018, 1, 15)),
        ("Sep 5, 2017", "Sep 5, 2017", date(2017, 9, 5)),
        ("3 Sept 2018", "3 Sept 2018", date(2018, 9, 3)),
        ("INV 12/34/2018 then 03.04.18", "03.04.18", date(2018, 4, 3)),
    ],
)
def test_find_date(text: str, printed: str, value: date) -> None:
    assert find_date(text) == (printed, value)


def test_no_date_in_amounts_or_impossible_dates() -> None:
    assert find_date("TOTAL 12.50") is None
    assert find_date("31/02/2018") is None


def test_amounts_need_two_decimals_and_drop_currency() -> None:
    found = find_amounts("TOTAL RM 1,234.50 CASH 10.00 UNIT 9.000 REF 55,57")
    assert found == [("1,234.50", 1234.5), ("10.00", 10.0)]


def test_quantity() -> None:
    assert find_quantity("HAMMER 2 X 9.90") == 2
    assert find_quantity("1 PC * 9.000") == 1
    assert find_quantity("NAILS BOX") is None


def test_normalisation_for_accuracy() -> None:
    assert normalise_field(" 27,JALAN  dedap ") == normalise_field("27, JALAN DEDAP")
    assert normalise_total("RM 9.00") == normalise_total("9.00") == "9.00"
