"""Device, OS and browser from real user-agent strings (ua-parser)."""

from __future__ import annotations

import pandas as pd
import pytest

from vantage.profiles.enrich_device import UserAgentStep

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.mark.parametrize(
    ("agent", "browser", "os", "device_type"),
    [
        (IPHONE, "Mobile Safari", "iOS", "mobile"),
        (ANDROID, "Chrome Mobile", "Android", "mobile"),
        (EDGE, "Edge", "Windows", "desktop"),
        (IPAD, "Mobile Safari", "iOS", "tablet"),
        (GOOGLEBOT, "Googlebot", None, "bot"),
    ],
)
def test_user_agents(agent: str, browser: str, os: str | None, device_type: str) -> None:
    added = UserAgentStep().enrich({"user_agent": agent})
    assert added["browser"].value == browser
    assert (added["os"].value if "os" in added else None) == os
    assert added["device_type"].value == device_type
    assert {e.source for e in added.values()} == {"user_agent"}


def test_versions_and_device() -> None:
    added = UserAgentStep().enrich({"user_agent": IPHONE})
    assert added["browser_version"].value == "17.4"
    assert added["os_version"].value == "17.4"
    assert added["device_brand"].value == "Apple"
    assert added["device_model"].value == "iPhone"
    android = UserAgentStep().enrich({"user_agent": ANDROID})
    assert android["device_model"].value == "Pixel 8"


@pytest.mark.parametrize("agent", [None, "", "   ", 5])
def test_missing_agent_adds_nothing(agent: object) -> None:
    assert UserAgentStep().enrich({"user_agent": agent}) == {}


def test_frame_path() -> None:
    frame = pd.DataFrame({"user_agent": [IPHONE, EDGE, None, IPHONE]})
    out = UserAgentStep().enrich_frame(frame)
    assert out["device_type"].tolist() == ["mobile", "desktop", None, "mobile"]
    assert out["os_source"].tolist() == ["user_agent", "user_agent", None, "user_agent"]
