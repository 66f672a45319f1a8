"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against a real server.

Screenshots are saved under ``VANTAGE_TEST_ARTEFACTS`` (default: ``<pytest tmp>/artefacts``).
Skipped when Chromium is not installed, except in CI (``VANTAGE_CI=1``), where that fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from web_workspace import WebWorkspace

from conftest import artefacts_dir

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
pytestmark = pytest.mark.slow


def _need_browser() -> None:
    reason = ""
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed: pip install -e '.[dev]'"
    if reason:
        if os.environ.get("VANTAGE_CI") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(workspace: WebWorkspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    env.update(
        VANTAGE_HOME=str(workspace.home), VANTAGE_REALTIME="false", VANTAGE_COMPACT_EVERY_S="3600"
    )
    log = tmp_path_factory.mktemp("server") / "server.log"
    command = [sys.executable, "-m", "uvicorn", "--factory", "vantage.api.app:app_from_env"]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + log.read_text(errors="replace"))
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return artefacts_dir(tmp_path_factory)


class Visit:
    """A browser context logged in as one user, recording every request's host."""

    def __init__(self, browser: Any, server: str) -> None:
        self.server = server
        self.context = browser.new_context(viewport={"width": 1300, "height": 900})
        self.page = self.context.new_page()
        self.hosts: set[str] = set()
        self.page.on("request", lambda request: self.hosts.add(urlsplit(request.url).netloc))

    def log_in(self, username: str, password: str) -> Any:
        page = self.page
        page.goto(f"{self.server}/ui/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.server}/ui/")
        return page


def test_log_in_search_a_customer_and_open_the_360_view(
    browser: Any, server: str, workspace: WebWorkspace, shots: Path
) -> None:
    visit = Visit(browser, server)
    page = visit.log_in("analyst", workspace.password)
    page.wait_for_selector("#chart-events .main-svg")
    page.screenshot(path=str(shots / "overview.png"), full_page=True)
    page.click("text=Customers")
    page.fill("input[name=q]", workspace.email)
    page.press("input[name=q]", "Enter")
    page.click("#results a")
    page.wait_for_url(f"{server}/ui/customers/{workspace.customer}")
    identifiers = page.inner_text("#identifiers")
    assert workspace.email in identifiers and "identify call in event seq 3" in identifiers
    page.wait_for_selector("text=Older events")
    rows = page.locator("#timeline tbody tr").count()
    page.click("text=Older events")
    page.wait_for_function(f"document.querySelectorAll('#timeline tbody tr').length > {rows}")
    page.screenshot(path=str(shots / "customer-360.png"), full_page=True)
    assert visit.hosts == {urlsplit(server).netloc}
    visit.context.close()


def test_open_a_forecast_and_see_the_chart_drawn(
    browser: Any, server: str, workspace: WebWorkspace, shots: Path
) -> None:
    visit = Visit(browser, server)
    page = visit.log_in("viewer", workspace.password)
    page.goto(f"{server}/ui/forecasts?series=store+S02")
    assert page.input_value("#series") == "store S02"
    page.wait_for_selector("#forecast-chart .main-svg", timeout=120_000)
    assert "store S02: weekly units" in page.inner_text("#forecast-chart")
    assert page.locator("#forecast-chart .scatterlayer .trace").count() >= 4
    page.screenshot(path=str(shots / "forecast.png"), full_page=True)
    assert visit.hosts == {urlsplit(server).netloc}
    visit.context.close()


def test_a_viewer_cannot_open_admin_pages(
    browser: Any, server: str, workspace: WebWorkspace, shots: Path
) -> None:
    visit = Visit(browser, server)
    page = visit.log_in("viewer", workspace.password)
    assert page.locator("nav a", has_text="Settings").count() == 0
    response = page.goto(f"{server}/ui/settings")
    assert response is not None and response.status == 403
    assert "needs the admin role" in page.inner_text("main")
    page.screenshot(path=str(shots / "viewer-refused.png"), full_page=True)
    visit.context.close()


def test_build_a_segment_and_see_its_size(
    browser: Any, server: str, workspace: WebWorkspace, shots: Path
) -> None:
    visit = Visit(browser, server)
    page = visit.log_in("analyst", workspace.password)
    page.click("nav >> text=Segments")
    page.fill("#segment-name", "browser_buyers")
    page.select_option("select[name=kind_0]", "event")
    page.fill("input[name=name_0]", "Order Completed")
    page.fill("input[name=value_0]", "3")
    page.fill("input[name=within_0]", "3650d")
    page.wait_for_timeout(500)  # the builder waits 400 ms after the last keystroke
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "/^[0-9,]+$/.test((document.querySelector('strong#preview-size') || {}).textContent || '')"
    )
    size = int(page.inner_text("strong#preview-size").replace(",", ""))
    assert 0 < size <= 72
    page.screenshot(path=str(shots / "segment-builder.png"), full_page=True)
    page.click("text=Save segment")
    page.wait_for_url(f"{server}/ui/segments/browser_buyers")
    assert int(page.inner_text("#segment-size").replace(",", "")) == size
    visit.context.close()


def test_chat_with_the_assistant_from_the_widget_and_ask_the_data(
    browser: Any, server: str, workspace: WebWorkspace, shots: Path
) -> None:
    visit = Visit(browser, server)
    page = visit.log_in("analyst", workspace.password)
    page.click("#chat-widget summary")
    page.fill("#widget-chat-text", "where is my order")
    page.press("#widget-chat-text", "Enter")
    reply = page.wait_for_selector("#widget-chat-log .turn.bot .reply")
    assert reply is not None and "e-mail address" in reply.inner_text()
    assert page.input_value("#widget-chat-text") == ""
    page.screenshot(path=str(shots / "chat-widget.png"), full_page=True)
    page.click("nav >> text=Assistant")
    page.fill("#ask-question", "total revenue by month")
    page.click("#ask button[type=submit]")
    page.wait_for_selector("#ask-shown")
    assert '"measure": "revenue"' in page.inner_text("#ask-shown")
    assert page.locator("#answer-table").count() == 0
    page.click("#ask-run")
    page.wait_for_selector("#answer-table tbody tr")
    assert page.locator("#answer-table tbody tr").count() > 2
    page.screenshot(path=str(shots / "ask.png"), full_page=True)
    assert visit.hosts == {urlsplit(server).netloc}
    visit.context.close()


def test_summarise_a_pasted_text_on_the_generative_ai_page(
    browser: Any, server: str, workspace: WebWorkspace, shots: Path
) -> None:
    visit = Visit(browser, server)
    page = visit.log_in("analyst", workspace.password)
    page.click("nav >> text=Generative AI")
    text = (
        "The council approved the new budget on Monday. It includes funding for schools. "
        "Critics said the plan was rushed. The mayor defended the timetable."
    )
    page.fill("#summary-text", text)
    page.fill("input[name=sentences]", "1")
    page.click("#summary-form button[type=submit]")
    page.wait_for_selector("#summary-output .summary")
    assert page.inner_text("#summary-output .summary") in text
    assert "extractive" in page.inner_text("#summary-output")
    page.screenshot(path=str(shots / "genai.png"), full_page=True)
    assert visit.hosts == {urlsplit(server).netloc}
    visit.context.close()
