"""Journeys cut from touchpoints and conversions."""

from __future__ import annotations

import pandas as pd
import pytest

from vantage.solutions.attribution import (
    AttributionError,
    aggregate_paths,
    build_journeys,
    journeys_from_paths,
)

DAY = 86_400


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    touches = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b"],
            "ts": [0, DAY, 40 * DAY, 50 * DAY, 5],
            "channel": ["email", "search", "social", "display", "search"],
        }
    )
    conversions = pd.DataFrame({"customer_id": ["a"], "ts": [2 * DAY], "value": [50.0]})
    return touches, conversions


def test_a_conversion_closes_the_journey_and_later_touches_start_a_new_one() -> None:
    touches, conversions = frames()
    journeys = build_journeys(touches, conversions).set_index("customer_id")
    a = journeys.loc["a"]
    assert a.iloc[0]["path"] == ("email", "search")
    assert a.iloc[0]["ages"] == pytest.approx((2.0, 1.0))
    assert (a.iloc[0]["conversions"], a.iloc[0]["value"]) == (1.0, 50.0)
    assert a.iloc[1]["path"] == ("social", "display")
    assert a.iloc[1]["nulls"] == 1.0
    assert journeys.loc["b", "path"] == ("search",)


def test_the_lookback_window_drops_old_touches() -> None:
    touches, conversions = frames()
    journeys = build_journeys(touches, conversions, lookback_days=1.5)
    assert journeys.iloc[0]["path"] == ("search",)


def test_datetime_timestamps_work_like_seconds() -> None:
    touches, conversions = frames()
    touches["ts"] = pd.to_datetime(touches["ts"], unit="s", utc=True)
    conversions["ts"] = pd.to_datetime(conversions["ts"], unit="s", utc=True)
    assert build_journeys(touches, conversions).iloc[0]["path"] == ("email", "search")


def test_missing_columns_are_named() -> None:
    touches, conversions = frames()
    with pytest.raises(AttributionError, match=r"touches frame lacks column\(s\) \['channel'\]"):
        build_journeys(touches.drop(columns="channel"), conversions)


def test_a_non_positive_lookback_is_refused() -> None:
    touches, conversions = frames()
    with pytest.raises(AttributionError, match="lookback_days=0 must be positive"):
        build_journeys(touches, conversions, lookback_days=0)


def test_paths_round_trip_through_the_aggregated_format() -> None:
    touches, conversions = frames()
    paths = aggregate_paths(build_journeys(touches, conversions))
    assert set(paths["path"]) == {"email > search", "social > display", "search"}
    back = journeys_from_paths(paths)
    assert back["conversions"].sum() == 1.0
    assert back["nulls"].sum() == 2.0
    assert ("email", "search") in set(back["path"])
