"""Dashboard page load times on the demo workspace: server time and browser load, every page.

Builds the demo workspace (``vantage demo``'s pipeline, 20,000 customers by default; set
``VANTAGE_BENCH_DASHBOARD_HOME`` to reuse one that ``vantage demo`` already built), starts the
real server (uvicorn), logs in and measures for each page:

* the server time of the first request and the median of the next five (HTML ready);
* the browser's load time in headless Chromium (navigation start to the load event, assets
  cached, charts drawn for pages with charts), median of three.

Panels that htmx loads after the page (the forecast backtest; a customer's profile, next best
action and timeline; the propensity factors on request) are timed separately, first and repeated
request.
"""

from __future__ import annotations

import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.report import write_section

CUSTOMERS = int(os.environ.get("VANTAGE_BENCH_DASHBOARD_CUSTOMERS", "20000"))
TARGET_S = 1.0
ELAPSED_JS = "performance.now() - performance.getEntriesByType('navigation')[0].startTime"
PASSWORD = "bench-dashboard-password"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _workspace(tmp: Path) -> Path:
    given = os.environ.get("VANTAGE_BENCH_DASHBOARD_HOME")
    if given:
        return Path(given)
    from vantage.core.settings import load_settings
    from vantage.services.context import ServiceContext
    from vantage.services.demo import run_demo

    home = tmp / "home"
    run_demo(ServiceContext(load_settings(home=home)), customers=CUSTOMERS, seed=42)
    return home


def _customer(home: Path) -> str:
    from vantage.core.settings import load_settings
    from vantage.services.warehouse import open_warehouse

    with open_warehouse(load_settings(home=home)) as store:
        ids = store.table("identity_map")
        row = store.execute(ids.filter(ids.id_type == "email").order_by("id_value").limit(1))
    return str(row["customer_id"].iloc[0])


def _serve(home: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    env["VANTAGE_HOME"] = str(home)
    command = [sys.executable, "-m", "uvicorn", "--factory", "vantage.api.app:app_from_env"]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server did not start: " + log.read_text(errors="replace")[-2000:])


def _login(client: httpx.Client) -> None:
    import re

    form = client.get("/ui/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    done = client.post(
        "/ui/login",
        data={"username": "bench-admin", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert done.status_code in (200, 303), done.text


def _server_times(client: httpx.Client, path: str, repeats: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        response = client.get(path, timeout=600)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
    return times[0], statistics.median(times[1:])


def _browser_times(url: str, pages: dict[str, str], repeats: int = 3) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    out: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_context().new_page()
        page.goto(f"{url}/ui/login")
        page.fill("input[name=username]", "bench-admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/ui/")
        for name, path in pages.items():
            samples = []
            for _ in range(repeats):
                page.goto(url + path, wait_until="load")
                page.wait_for_function(
                    "[...document.querySelectorAll('.chart[data-figure]')]"
                    ".every(el => el.dataset.drawn)"
                )
                samples.append(page.evaluate(ELAPSED_JS) / 1000)
                # Let the page's own htmx panels finish before the next navigation.
                page.wait_for_load_state("networkidle")
            out[name] = statistics.median(samples)
        browser.close()
    return out


def main() -> dict[str, Any]:
    """Measure every page and write the ``dashboard`` section of benchmarks/README.md."""
    from vantage.services.users import UserStore

    with tempfile.TemporaryDirectory() as tmp:
        home = _workspace(Path(tmp))
        users = UserStore(home)
        if users.find("bench-admin") is None:
            users.add("bench-admin", PASSWORD, "admin")
        else:
            users.set_password("bench-admin", PASSWORD)
        customer = _customer(home)
        pages = {
            "Overview": "/ui/",
            "Customers (search by e-mail prefix)": "/ui/customers?q=a",
            "Customer 360": f"/ui/customers/{customer}",
            "Segments": "/ui/segments",
            "Models": "/ui/models",
            "Forecasts": "/ui/forecasts",
            "Text insights": "/ui/text",
            "Vision": "/ui/vision",
            "Assistant": "/ui/assistant",
            "Generative AI": "/ui/genai",
            "Data": "/ui/data",
            "Settings": "/ui/settings",
        }
        panels = {
            "forecast backtest (Total)": "/ui/forecasts/run?series=Total",
            "customer profile (traits, consent, predictions)": f"/ui/customers/{customer}/profile",
            "customer propensity factors (on click)": f"/ui/customers/{customer}/factors",
            "customer next best action": f"/ui/customers/{customer}/nba",
            "customer timeline, next page": (
                f"/ui/customers/{customer}/timeline?before_seq=999999999"
            ),
        }
        proc, url = _serve(home, Path(tmp) / "server.log")
        try:
            with httpx.Client(base_url=url, follow_redirects=True) as client:
                _login(client)
                server = {name: _server_times(client, path) for name, path in pages.items()}
                panel = {name: _server_times(client, path, 2) for name, path in panels.items()}
            browser = _browser_times(url, pages)
        finally:
            proc.terminate()
            proc.wait(timeout=120)
        from vantage.core.settings import load_settings
        from vantage.services.dashboard import customer_counts
        from vantage.services.warehouse import open_warehouse

        with open_warehouse(load_settings(home=home)) as store:
            counts = customer_counts(store)
            events = int(store.scalar(store.table("events").count()))
    rows = [
        f"| {name} | {first * 1000:.0f} | {warm * 1000:.0f} | {browser[name] * 1000:.0f} | "
        f"{'yes' if max(warm, browser[name]) < TARGET_S else 'no'} |"
        for name, (first, warm) in server.items()
    ]
    panel_rows = [
        f"| {name} | {first * 1000:.0f} | {warm * 1000:.0f} |"
        for name, (first, warm) in panel.items()
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    write_section(
        "dashboard",
        f"Measured {datetime.now(UTC).isoformat(timespec='seconds')} on {machine} (shared with "
        f"other jobs): demo workspace of {counts['customers']:,} resolved customers, "
        f"{events:,} events; real server (uvicorn, one process), logged in as an admin. Server: "
        "first request and median of the next five, until the HTML is complete. Browser: "
        "headless Chromium, navigation start to the load event with every chart drawn, median "
        "of three (assets cached after the first page). Target: under 1 s.\n\n"
        "| page | server, first (ms) | server, median (ms) | browser load (ms) | < 1 s |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "Panels loaded by htmx after their page (first request, then the median of two):\n\n"
        "| panel | first (ms) | median (ms) |\n|---|---|---|\n" + "\n".join(panel_rows),
    )
    return {"server": server, "panels": panel, "browser": browser}


if __name__ == "__main__":
    main()
