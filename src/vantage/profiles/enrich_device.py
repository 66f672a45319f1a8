"""Device, operating system and browser from the user-agent string (ua-parser 1.x).

ua-parser is part of the ``identity`` extra; it is imported when the step is first used. Results
are cached per distinct user agent (visitors send the same few strings over and over).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from vantage.core.errors import ConfigError
from vantage.profiles.enrich_base import Enrichment, EnrichmentStep

MOBILE_OS = frozenset({"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "HarmonyOS"})
DESKTOP_OS = frozenset(
    {"Windows", "Mac OS X", "macOS", "Linux", "Ubuntu", "Chrome OS", "Fedora", "FreeBSD"}
)
TABLET_WORDS = ("ipad", "tablet", "kindle", "nexus 7", "nexus 9", "sm-t", "galaxy tab")
BOT_WORDS = ("bot", "crawler", "spider", "slurp", "headless")


def _parse(agent: str) -> Any:
    try:
        import ua_parser
    except ImportError as exc:
        raise ConfigError(
            "The user-agent enrichment needs the ua-parser package, which is not installed.",
            "pip install 'vantage[identity]' (or ua-parser>=1.0).",
        ) from exc
    return ua_parser.parse(agent).with_defaults()


def _version(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    return ".".join(kept) if kept else None


def device_type(agent: str, os_family: str, device_family: str) -> str:
    """Classify a parsed agent as ``bot``, ``tablet``, ``mobile``, ``desktop`` or ``other``."""
    lowered = agent.lower()
    if device_family == "Spider" or any(word in lowered for word in BOT_WORDS):
        return "bot"
    family = device_family.lower()
    if any(word in family for word in TABLET_WORDS) or (
        os_family == "Android" and "mobile" not in lowered
    ):
        return "tablet"
    if os_family in MOBILE_OS or "mobile" in lowered:
        return "mobile"
    if os_family in DESKTOP_OS:
        return "desktop"
    return "other"


@lru_cache(maxsize=65536)
def parse_user_agent(agent: str) -> dict[str, str | None]:
    """The parsed fields of a user-agent string (cached).

    Returns:
        ``browser``, ``browser_version``, ``os``, ``os_version``, ``device_brand``,
        ``device_model`` and ``device_type``; unknown parts are None.
    """
    result = _parse(agent)
    browser, system, device = result.user_agent, result.os, result.device
    return {
        "browser": None if browser.family == "Other" else browser.family,
        "browser_version": _version(browser.major, browser.minor),
        "os": None if system.family == "Other" else system.family,
        "os_version": _version(system.major, system.minor),
        "device_brand": device.brand,
        "device_model": device.model,
        "device_type": device_type(agent, system.family, device.family),
    }


class UserAgentStep(EnrichmentStep):
    """Browser, OS and device from ``user_agent`` (Segment's ``context.userAgent``).

    Args:
        input: The record field holding the user-agent string.
    """

    name = "user_agent"
    outputs = (
        "browser",
        "browser_version",
        "os",
        "os_version",
        "device_brand",
        "device_model",
        "device_type",
    )

    def __init__(self, input: str = "user_agent") -> None:
        self.inputs = (input,)

    def enrich(self, record: Mapping[str, Any]) -> dict[str, Enrichment]:
        """Add the parsed fields that are known for a non-empty user agent."""
        agent = record.get(self.inputs[0])
        if not isinstance(agent, str) or not agent.strip():
            return {}
        parsed = parse_user_agent(agent.strip())
        return {k: Enrichment(v, self.name) for k, v in parsed.items() if v is not None}
