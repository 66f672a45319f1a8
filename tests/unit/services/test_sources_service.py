"""Source use cases: tracking plan files, keys, enabling and disabling."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.collect.sources import SourceError
from vantage.collect.tracking_plan import TrackingPlanError
from vantage.core.settings import Settings
from vantage.services import sources as source_service
from vantage.services.context import ServiceContext

PLAN_YAML = (
    "events:\n  Order Completed:\n    type: object\n"
    "    properties: {revenue: {type: number}}\n"
    "policy: {unplanned: allow, violations: drop_properties}\n"
)


@pytest.fixture
def ctx(home: Path) -> ServiceContext:
    return ServiceContext(Settings(home=home))


def test_read_plan_file_reads_yaml_and_json(tmp_path: Path) -> None:
    yaml_file = tmp_path / "plan.yml"
    yaml_file.write_text(PLAN_YAML)
    json_file = tmp_path / "plan.json"
    json_file.write_text('{"events": {"Signed Up": {"type": "object"}}}')
    assert source_service.read_plan_file(yaml_file)["policy"]["unplanned"] == "allow"
    assert source_service.read_plan_file(json_file) == {"events": {"Signed Up": {"type": "object"}}}


def test_read_plan_file_missing(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yml"
    with pytest.raises(SourceError, match=r"nope\.yml does not exist") as caught:
        source_service.read_plan_file(missing)
    assert caught.value.fix == "Check the path."


def test_read_plan_file_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        source_service.read_plan_file(tmp_path)


def test_read_plan_file_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("events: [unclosed\n")
    with pytest.raises(SourceError, match=r"plan\.yaml is not valid YAML") as caught:
        source_service.read_plan_file(path)
    assert "position" in (caught.value.fix or "")


def test_read_plan_file_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"events": ')
    with pytest.raises(SourceError, match=r"plan\.json is not valid JSON"):
        source_service.read_plan_file(path)


@pytest.mark.parametrize(
    ("name", "text"),
    [("list.yml", "- a\n- b\n"), ("scalar.json", "42"), ("empty.yml", "")],
)
def test_read_plan_file_must_hold_an_object(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(SourceError, match="must hold an object with 'events' and 'policy'") as c:
        source_service.read_plan_file(path)
    assert "docs/tracking-plans.md" in (c.value.fix or "")


def test_set_plan_attaches_checks_and_removes(ctx: ServiceContext, tmp_path: Path) -> None:
    source_service.add(ctx, "web")
    plan = tmp_path / "plan.yml"
    plan.write_text(PLAN_YAML)
    source = source_service.set_plan(ctx, "web", plan)
    assert source.tracking_plan is not None
    assert "Order Completed" in source.tracking_plan["events"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"events": {"X": {"type": "no-such-type"}}}')
    with pytest.raises(TrackingPlanError, match="no-such-type"):
        source_service.set_plan(ctx, "web", broken)
    assert source_service.keys(ctx, "web")[0].tracking_plan == source.tracking_plan
    assert source_service.set_plan(ctx, "web", None).tracking_plan is None


def test_keys_listing_and_enabling(ctx: ServiceContext) -> None:
    web = source_service.add(ctx, "web")
    crm = source_service.add(ctx, "crm")
    assert [s.name for s in source_service.listing(ctx)] == ["crm", "web"]
    assert source_service.keys(ctx, "web") == [web]
    assert {s.write_key for s in source_service.keys(ctx)} == {web.write_key, crm.write_key}
    assert source_service.set_enabled(ctx, "web", False).enabled is False
    assert [s.enabled for s in source_service.listing(ctx)] == [True, False]
    assert source_service.set_enabled(ctx, "web", True).enabled is True


def test_unknown_source_is_a_clear_error(ctx: ServiceContext) -> None:
    with pytest.raises(SourceError, match="nope"):
        source_service.keys(ctx, "nope")
    with pytest.raises(SourceError, match="nope"):
        source_service.set_enabled(ctx, "nope", False)
