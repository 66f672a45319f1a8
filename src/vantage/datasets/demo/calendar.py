"""Time in the demo: the period, daily seasonality and hour-of-day profiles.

Seasonality combines the weekday, the time of year, Black Friday and Christmas; the hourly
profiles say when people shop online and in store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

DAY = 86_400
WEEKDAY = np.array([0.92, 0.86, 0.9, 0.95, 1.05, 1.3, 1.02])
ONLINE_HOURS = np.array(
    [
        0.6,
        0.3,
        0.2,
        0.15,
        0.15,
        0.25,
        0.6,
        1.2,
        1.8,
        2.0,
        2.1,
        2.3,
        2.6,
        2.5,
        2.3,
        2.3,
        2.5,
        2.8,
        3.2,
        3.8,
        4.3,
        4.2,
        3.2,
        1.6,
    ]
)
STORE_HOURS = np.array([0.5, 0.8, 1.1, 1.5, 1.7, 1.5, 1.4, 1.4, 1.5, 1.3, 0.9])


def black_friday(year: int) -> date:
    """The day after the fourth Thursday of November (US Thanksgiving)."""
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 22)


@dataclass(frozen=True)
class Calendar:
    """The demo period, ``start`` to ``end`` inclusive, in whole UTC days.

    Attributes:
        start: First day.
        end: Last day.
    """

    start: date
    end: date

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    @property
    def start_ts(self) -> int:
        """Epoch seconds of the first midnight."""
        return int(
            datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC).timestamp()
        )

    def dates(self) -> list[date]:
        """Every day of the period."""
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def weekday(self) -> np.ndarray:
        """Weekday (0 = Monday) of every day."""
        return (np.arange(self.days) + self.start.weekday()) % 7

    def seasonality(self) -> np.ndarray:
        """Relative shopping intensity of every day, mean 1 over the period.

        Weekday pattern, a winter high and a late-summer low, a January lull, then peaks:
        Black Friday x3, the weekend after and Cyber Monday x2, the run-up to Christmas up to
        x1.9, Christmas Day near zero and the Boxing Day sale x2.2.
        """
        days = self.dates()
        doy = np.array([d.timetuple().tm_yday for d in days], dtype=float)
        level = WEEKDAY[self.weekday()] * (1 + 0.12 * np.cos(2 * np.pi * (doy - 350) / 365.25))
        for i, day in enumerate(days):
            level[i] *= _peak(day)
        return level / level.mean()

    def week_starts(self) -> list[date]:
        """Mondays of every week that overlaps the period."""
        first = self.start - timedelta(days=self.start.weekday())
        weeks = (self.end - first).days // 7 + 1
        return [first + timedelta(weeks=i) for i in range(weeks)]

    def week_index(self, ts: np.ndarray) -> np.ndarray:
        """Index into :meth:`week_starts` of each epoch-second time."""
        offset = self.start.weekday() * DAY
        return ((ts - self.start_ts + offset) // (7 * DAY)).astype(np.int64)


def _peak(day: date) -> float:
    bf = black_friday(day.year)
    delta = (day - bf).days
    if delta == 0:
        return 3.0
    if 1 <= delta <= 3:
        return 2.0
    if day.month == 12 and day.day == 25:
        return 0.05
    if day.month == 12 and day.day == 26:
        return 2.2
    if day.month == 12 and 10 <= day.day <= 23:
        return 1.3 + 0.6 * (day.day - 10) / 13
    if day.month == 1 and day.day >= 3:
        return 0.8
    if day.month in (8, 9):
        return 0.92
    return 1.0


def hours_profile(weights: np.ndarray) -> np.ndarray:
    """Hour-of-day weights normalised to probabilities."""
    return weights / weights.sum()


def iso(ts: np.ndarray) -> list[str]:
    """Epoch seconds -> ISO-8601 UTC text with milliseconds, e.g. ``2024-05-01T12:30:00.000Z``."""
    text = np.datetime_as_string(ts.astype("datetime64[s]").astype("datetime64[ms]"), unit="ms")
    return [t + "Z" for t in text.tolist()]
