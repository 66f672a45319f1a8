"""Text insights and the Overview's aggregates are computed once per data version, then kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_workspace import WebWorkspace

from vantage.services import dashboard_insights
from vantage.services.nlp_text_batch import SCORES_TABLE
from vantage.services.warehouse import open_warehouse


@pytest.fixture
def saved_scores(workspace: WebWorkspace) -> Iterator[pa.Table]:
    with open_warehouse(workspace.settings) as store:
        original = store.to_arrow(store.table(SCORES_TABLE))
    yield original
    with open_warehouse(workspace.settings) as store:
        store.create_table(SCORES_TABLE, original, overwrite=True)


def test_text_insights_are_cached_until_the_scores_change(
    viewer: TestClient,
    web_app: FastAPI,
    workspace: WebWorkspace,
    saved_scores: pa.Table,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    compute = dashboard_insights.text_insights

    def counted(store: Any, examples: int = 6) -> dict[str, Any]:
        calls.append(1)
        return compute(store, examples)

    monkeypatch.setattr(dashboard_insights, "text_insights", counted)
    web_app.state.web.cache.clear()
    first = viewer.get("/ui/text").text
    assert "40 reviews and chats scored." in first and len(calls) == 1
    assert viewer.get("/ui/text").text == first and len(calls) == 1
    row = saved_scores.slice(0, 1).to_pylist()[0]
    row.update(message_id="review-new", text="A brand new review about returns.")
    with open_warehouse(workspace.settings) as store:
        store.append(SCORES_TABLE, pa.Table.from_pylist([row], schema=saved_scores.schema))
    changed = viewer.get("/ui/text").text
    assert "41 reviews and chats scored." in changed and len(calls) == 2
    assert [k for k in web_app.state.web.cache if k[0] == "text"] != []
    assert len([k for k in web_app.state.web.cache if k[0] == "text"]) == 1


def test_text_version_changes_with_the_scores(workspace: WebWorkspace) -> None:
    with open_warehouse(workspace.settings) as store:
        before = dashboard_insights.text_version(store)
        assert before[0] == store.scalar(store.table(SCORES_TABLE).count())
        assert dashboard_insights.text_version(store) == before


def test_overview_aggregates_are_cached_per_range_and_event_version(
    workspace: WebWorkspace,
) -> None:
    from vantage.services import dashboard

    cache: dict[tuple[object, ...], object] = {}
    with open_warehouse(workspace.settings) as store:
        first = dashboard.overview(store, cache=cache)
        [key] = cache
        seq = store.scalar(store.table("events").seq.max())
        assert key[0] == "overview" and key[-1] == seq
        assert dashboard.overview(store, cache=cache) == first and list(cache) == [key]
        cache[key] = ([], [])  # a planted value: the next call must read it from the cache
        assert dashboard.overview(store, cache=cache)["events_per_day"] == []
        start = date.fromisoformat(first["start"]) + timedelta(days=1)
        moved = dashboard.overview(store, start, cache=cache)
        assert moved["events_per_day"] and [k[1] for k in cache] == [start]
