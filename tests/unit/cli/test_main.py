"""The ``vantage`` command line: init, sources, events, errors."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vantage.cli.main import app
from vantage.collect.ingest import Ingestor
from vantage.store.lake import EventLog

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_every_command() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    for command in ("init", "serve", "ingest", "events", "sources", "datasets", "demo"):
        assert command in out


def test_init_creates_private_secrets_and_never_prints_them(home: Path) -> None:
    code, out, _ = invoke("init")
    assert code == 0
    secrets = home / "secrets.json"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    token = json.loads(secrets.read_text())["admin_token"]
    assert token not in out
    code, out, _ = invoke("init", "--json")
    assert json.loads(out) == {"home": str(home.resolve()), "created": False}


def test_sources_add_json_prints_write_key_and_list_hides_it(home: Path) -> None:
    code, out, _ = invoke("sources", "add", "web", "--json")
    assert code == 0
    added = json.loads(out)
    assert added["name"] == "web" and len(added["write_key"]) >= 24
    code, out, _ = invoke("sources", "list", "--json")
    assert added["write_key"] not in out
    assert [s["name"] for s in json.loads(out)] == ["web"]
    code, out, _ = invoke("sources", "keys", "web", "--json")
    assert json.loads(out) == [{"name": "web", "write_key": added["write_key"]}]


def test_duplicate_source_is_a_clear_error(home: Path) -> None:
    invoke("sources", "add", "web")
    code, _, err = invoke("sources", "add", "web")
    assert code == 1
    assert "already exists" in err and "vantage sources keys" in err


def test_bad_source_name_names_the_rule(home: Path) -> None:
    code, _, err = invoke("sources", "add", "Web Site")
    assert code == 1
    assert "Invalid source name 'Web Site'" in err and "lower-case" in err


def test_events_count_and_failed_read_the_lake(home: Path) -> None:
    log = EventLog(home)
    good = {"type": "track", "event": "Signed Up", "userId": "u1", "messageId": "m1"}
    bad = {"type": "track", "userId": "u2"}
    log.append([Ingestor().prepare("web", [good, good, bad])])
    code, out, _ = invoke("events", "count")
    assert (code, out.strip()) == (0, "1")
    code, out, _ = invoke("events", "count", "--json")
    assert json.loads(out) == {"stored": 1, "failed": 1}
    code, out, _ = invoke("events", "failed", "--json")
    [failed] = json.loads(out)
    assert failed["field"] == "event" and "event is required" in failed["reason"]
    code, out, _ = invoke("events", "tail", "--json")
    assert json.loads(out)[0]["message"]["event"] == "Signed Up"


def test_invalid_setting_is_reported_with_its_variable(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VANTAGE_STORE", "mysql://nope")
    code, _, err = invoke("events", "count")
    assert code == 1
    assert "VANTAGE_STORE" in err and "duckdb:///" in err


def test_tracking_plan_violations_are_recorded_and_listed(home: Path) -> None:
    from vantage.services.context import ServiceContext

    plan = home.parent / "plan.yml"
    plan.write_text(
        "events:\n  Order Completed:\n    type: object\n"
        "    properties: {revenue: {type: number}}\n"
        "policy: {unplanned: allow, violations: drop_properties}\n"
    )
    invoke("sources", "add", "web")
    code, out, _ = invoke("sources", "plan", "web", str(plan))
    assert code == 0 and "set" in out
    ctx = ServiceContext()
    bad = {
        "type": "track",
        "event": "Order Completed",
        "userId": "u1",
        "properties": {"revenue": "x"},
    }
    [result] = ctx.log.append([ctx.ingestor.prepare("web", [bad])])
    assert result.stored == 1
    code, out, _ = invoke("events", "violations", "--json")
    [violation] = json.loads(out)
    assert violation["source"] == "web" and "revenue" in violation["violation"]


def test_plan_command_refuses_a_broken_schema(home: Path) -> None:
    plan = home.parent / "plan.json"
    plan.write_text('{"events": {"X": {"type": "no-such-type"}}}')
    invoke("sources", "add", "web")
    code, _, err = invoke("sources", "plan", "web", str(plan))
    assert code == 1 and "no-such-type" in err


def test_profile_show_by_identifier_and_its_errors(home: Path) -> None:
    from profile_samples import load_sample
    from vantage.core.settings import load_settings
    from vantage.services.warehouse import open_warehouse

    with open_warehouse(load_settings()) as store:
        load_sample(store)
    code, out, err = invoke("profile", "show", "--anonymous-id", "dev-1", "--json")
    assert code == 0, err
    view = json.loads(out)
    assert view["customer_id"] == "c1"
    assert [e["seq"] for e in view["events"]][:2] == [7, 6]
    code, out, _ = invoke("profile", "show", "c1", "--events", "0")
    assert code == 0 and "Computed traits" in out and "dev-1" in out
    code, _, err = invoke("profile", "show", "--email", "nobody@example.com")
    assert code == 1 and "No customer has this email" in err
    code, _, err = invoke("profile", "show")
    assert code == 2 and "customer id or exactly one" in err
