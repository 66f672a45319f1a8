"""What each dashboard page shows on the test workspace (server-side, no browser)."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient
from web_workspace import WebWorkspace

from conftest import csrf_of


def figures(html: str) -> list[dict[str, object]]:
    return [json.loads(f) for f in re.findall(r"data-figure='([^']*)'", html)]


def test_overview_counts_customers_and_charts_events_and_revenue(analyst: TestClient) -> None:
    page = analyst.get("/ui/", params={"start": "2025-01-01", "end": "2025-06-30"}).text
    assert '<div class="value" id="customers">72</div>' in page
    assert 'value="2025-01-01"' in page and 'value="2025-06-30"' in page
    events, revenue = figures(page)
    assert {t["name"] for t in events["data"]} >= {"web", "pos"}  # type: ignore[index, union-attr]
    assert revenue["data"][0]["type"] == "bar"  # type: ignore[index]
    assert all("2025-01-01" <= x <= "2025-06-30" for x in revenue["data"][0]["x"])  # type: ignore[index]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "yesterday"}, "Invalid start: 'yesterday' is not a date."),
        ({"end": "2025-13-01"}, "Invalid end: '2025-13-01' is not a date."),
        (
            {"start": "2025-02-01", "end": "2025-01-01"},
            "The start date 2025-02-01 is after the end",
        ),
    ],
)
def test_overview_names_a_bad_date_and_the_fix(
    viewer: TestClient, query: dict[str, str], message: str
) -> None:
    response = viewer.get("/ui/", params=query)
    assert response.status_code == 422
    assert message in html.unescape(response.text)


def test_search_finds_customers_by_any_identifier(
    viewer: TestClient, workspace: WebWorkspace
) -> None:
    for query in (workspace.email.upper(), "ann.l", "07911 123456", "u1", "c1"):
        page = viewer.get("/ui/customers", params={"q": query}).text
        assert 'href="/ui/customers/c1"' in page, query
    empty = viewer.get("/ui/customers", params={"q": "nobody@nowhere.example"}).text
    assert "No customer has an identifier matching" in empty


def test_customer_360_shows_identifiers_reasons_traits_and_timeline(
    admin: TestClient, workspace: WebWorkspace
) -> None:
    page = admin.get(f"/ui/customers/{workspace.customer}").text
    assert "identify call in event seq 3" in page
    assert "Unmerge" in page and f'value="email:{workspace.email}"' in page
    assert 'id="timeline"' in page and 'hx-get="/ui/customers/c1/profile"' in page
    profile = admin.get("/ui/customers/c1/profile").text
    assert 'id="traits"' in profile and "favourite_category" in profile
    assert 'hx-get="/ui/customers/c1/recommendations"' in page
    assert 'hx-get="/ui/customers/c1/timeline"' in page
    first = admin.get("/ui/customers/c1/timeline").text
    assert "Older events" in first
    older = re.search(r"before_seq=(\d+)", first)
    assert older is not None
    page2 = admin.get(f"/ui/customers/c1/timeline?before_seq={older.group(1)}").text
    seqs = [int(s) for s in re.findall(r'<td class="num">(\d+)</td>', page2)]
    assert seqs and max(seqs) < int(older.group(1))


def test_unknown_customer_is_a_404_with_the_fix(viewer: TestClient) -> None:
    response = viewer.get("/ui/customers/nobody")
    assert response.status_code == 404
    assert "No customer 'nobody'." in html.unescape(response.text)


def test_models_page_shows_leaderboard_and_history(viewer: TestClient) -> None:
    page = viewer.get("/ui/models").text
    assert "propensity_30d" in page and "version 20250601T000000000000Z" in page
    assert '<td>lightgbm</td><td class="num">0.74</td>' in page
    traces = [[t["name"] for t in f["data"]] for f in figures(page)]  # type: ignore[union-attr]
    assert ["lightgbm", "logistic"] in traces


def test_forecasts_pick_a_series_and_backtest_it(viewer: TestClient) -> None:
    page = viewer.get("/ui/forecasts").text
    assert '<option value="Total" selected>' in page and "store S01" in page
    run = viewer.get("/ui/forecasts/run", params={"series": "store S01"}).text
    (figure,) = figures(run)
    names = [t.get("name") for t in figure["data"]]  # type: ignore[union-attr]
    assert names[0] == "history" and "80% interval" in names and "95% interval" in names
    assert "Leaderboard per horizon" in run and "4w" in run and "12w" in run
    missing = viewer.get("/ui/forecasts/run", params={"series": "store S99"})
    assert missing.status_code == 404


def test_text_page_shows_sentiment_topics_and_examples(viewer: TestClient) -> None:
    page = viewer.get("/ui/text").text
    assert "40 reviews and chats scored." in page
    assert "<td>delivery</td>" in page and "The size guide is wrong." in page
    assert len(figures(page)) == 3


def test_vision_page_explains_how_to_get_camera_counts(viewer: TestClient) -> None:
    page = viewer.get("/ui/vision").text
    assert "vantage vision analyze CLIP --zones zones.yml --ingest" in page


def test_data_page_shows_write_keys_to_admins_only(
    admin: TestClient, analyst: TestClient, workspace: WebWorkspace
) -> None:
    from vantage.collect.sources import SourceRegistry
    from vantage.collect.tracking_plan import ViolationLog

    key = SourceRegistry(workspace.home).ensure("shop").write_key
    ViolationLog(workspace.home).record("shop", "msg-42", ["properties.price: not a number"])
    assert key in admin.get("/ui/data").text
    page = analyst.get("/ui/data").text
    assert key not in page and "admins only" in page
    assert "events timestamped in the future" in page
    assert "msg-42" in page and "properties.price: not a number" in page


def builder_form(csrf: str, name: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "name": name,
        "combine": "all",
        "kind_0": "event",
        "name_0": "Order Completed",
        "op_0": ">=",
        "value_0": "3",
        "within_0": "3650d",
    }


def test_segment_builder_previews_the_size_live(viewer: TestClient) -> None:
    csrf = csrf_of(viewer.get("/ui/segments").text)
    preview = viewer.post("/ui/segments/preview", data=builder_form(csrf, "big_buyers"))
    size = re.search(r'id="preview-size">(\d+)<', preview.text)
    assert size is not None and 0 < int(size.group(1)) <= 72
    empty = viewer.post("/ui/segments/preview", data={"csrf_token": csrf})
    assert "Add a condition to see the size." in empty.text
    bad = {**builder_form(csrf, "x"), "kind_0": "trait", "name_0": "no_such_trait"}
    assert "no_such_trait" in html.unescape(viewer.post("/ui/segments/preview", data=bad).text)


def test_analysts_save_segments_viewers_cannot(analyst: TestClient, viewer: TestClient) -> None:
    csrf = csrf_of(viewer.get("/ui/segments").text)
    assert viewer.post("/ui/segments", data=builder_form(csrf, "vbuyers")).status_code == 403
    csrf = csrf_of(analyst.get("/ui/segments").text)
    saved = analyst.post("/ui/segments", data=builder_form(csrf, "abuyers"), follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/ui/segments/abuyers"
    page = analyst.get("/ui/segments/abuyers").text
    size = re.search(r'id="segment-size">(\d+)<', page)
    assert size is not None and int(size.group(1)) > 0
    assert '"event": "Order Completed"' in page
    export = analyst.get("/ui/segments/abuyers/export.csv")
    lines = export.text.splitlines()
    assert lines[0] == "customer_id,since" and len(lines) == int(size.group(1)) + 1
    assert viewer.get("/ui/segments/abuyers/export.csv").status_code == 403
    assert 'href="/ui/segments/abuyers"' in viewer.get("/ui/segments").text
