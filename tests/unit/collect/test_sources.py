"""Sources and write keys in control.sqlite."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from vantage.collect.sources import SourceError, SourceRegistry


def test_add_find_list(home: Path) -> None:
    registry = SourceRegistry(home)
    web = registry.add("web")
    app = registry.add("app_1")
    assert web.enabled and web.tracking_plan is None and len(web.write_key) >= 32
    assert web.write_key != app.write_key
    assert [s.name for s in registry.list()] == ["app_1", "web"]
    assert registry.by_write_key(web.write_key) == web
    assert registry.by_write_key("nope") is None
    assert registry.find("missing") is None
    assert SourceRegistry(home).get("web") == web


def test_control_file_is_private(home: Path) -> None:
    SourceRegistry(home)
    assert stat.S_IMODE((home / "control.sqlite").stat().st_mode) == 0o600


def test_public_view_hides_the_key(home: Path) -> None:
    web = SourceRegistry(home).add("web")
    public = web.public()
    assert "write_key" not in public and web.write_key not in repr(public)
    assert public == {
        "name": "web",
        "enabled": True,
        "has_tracking_plan": False,
        "created_at_us": web.created_at_us,
    }


@pytest.mark.parametrize("name", ["", "Web", "-web", "a b", "x" * 64, "naïve"])
def test_invalid_names(home: Path, name: str) -> None:
    with pytest.raises(SourceError, match=r"Invalid source name") as info:
        SourceRegistry(home).add(name)
    assert "lower-case letters, digits" in str(info.value)


def test_duplicate_and_unknown(home: Path) -> None:
    registry = SourceRegistry(home)
    registry.add("web")
    with pytest.raises(SourceError, match=r"A source named 'web' already exists\."):
        registry.add("web")
    with pytest.raises(SourceError, match=r"Unknown source 'nope'\. Fix: Create it with"):
        registry.get("nope")
    with pytest.raises(SourceError, match="Unknown source"):
        registry.set_enabled("nope", False)
    assert registry.ensure("web").name == "web"
    assert registry.ensure("crm").name == "crm"


def test_enable_disable_and_plans(home: Path) -> None:
    registry = SourceRegistry(home)
    registry.add("web")
    assert registry.set_enabled("web", False).enabled is False
    assert registry.set_enabled("web", True).enabled is True
    plan = {"events": {"E": {"type": "object"}}, "policy": {"violations": "block"}}
    assert registry.set_tracking_plan("web", plan).tracking_plan == plan
    assert registry.get("web").public()["has_tracking_plan"] is True
    assert registry.set_tracking_plan("web", None).tracking_plan is None
