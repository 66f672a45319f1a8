from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from vantage.store.records import EPOCH, Submission, from_micros, to_micros


@pytest.mark.parametrize(
    "value",
    [
        EPOCH,
        datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2100, 1, 1, tzinfo=UTC),
    ],
)
def test_micros_round_trip_keeps_microseconds(value: datetime) -> None:
    assert from_micros(to_micros(value)) == value


def test_to_micros_uses_the_instant_not_the_wall_clock() -> None:
    utc = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
    assert to_micros(utc.astimezone(ZoneInfo("Europe/Paris"))) == to_micros(utc)
    assert to_micros(EPOCH + timedelta(microseconds=1)) == 1


def test_submission_defaults_are_independent() -> None:
    first, second = Submission(), Submission()
    first.records.append(object())  # type: ignore[arg-type]
    assert second.records == []
