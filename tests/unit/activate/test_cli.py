"""``vantage destinations``, ``vantage triggers`` and ``vantage nba`` from the shell."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from vantage.activate.receiver import WebhookReceiver
from vantage.cli.main import app

runner = CliRunner()


def test_destinations_and_triggers(home: Path, tmp_path: Path) -> None:
    with WebhookReceiver() as receiver:
        added = runner.invoke(
            app,
            [
                "destinations",
                "add",
                "--name",
                "crm",
                "--purpose",
                "email_marketing",
                "--url",
                receiver.url,
                "--json",
            ],
        )
        assert added.exit_code == 0, added.output
        secret = json.loads(added.output)["secret"]
        receiver.secret = secret
        tested = runner.invoke(app, ["destinations", "test", "crm"])
        assert tested.exit_code == 0, tested.output
        assert "crm: delivered" in tested.output
    assert receiver.received[0].verified is True
    spec = tmp_path / "files.yml"
    spec.write_text(f"name: files\nkind: file\npurpose: analytics\nfolder: {tmp_path / 'out'}\n")
    assert runner.invoke(app, ["destinations", "add", str(spec)]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["destinations", "list", "--json"]).output)
    assert [(d["name"], d["deliveries"]) for d in listed] == [("crm", {"sent": 1}), ("files", {})]
    made = runner.invoke(
        app,
        [
            "triggers",
            "add",
            "--name",
            "vip",
            "--segment",
            "vip",
            "--destination",
            "crm",
            "--delay",
            "5m",
        ],
    )
    assert made.exit_code == 0, made.output
    triggers = json.loads(runner.invoke(app, ["triggers", "list", "--json"]).output)
    assert triggers[0]["when"] == {"segment": "vip", "change": "entered"}
    assert triggers[0]["delay"] == 300
    audit = json.loads(runner.invoke(app, ["destinations", "deliveries", "--json"]).output)
    assert [a["status"] for a in audit] == ["sent"]


def test_errors_name_the_problem_and_the_fix(home: Path) -> None:
    missing = runner.invoke(app, ["destinations", "add"])
    assert missing.exit_code == 1
    assert "Give a destination file or at least --name" in missing.output
    bad = runner.invoke(
        app,
        [
            "destinations",
            "add",
            "--name",
            "x",
            "--purpose",
            "email_marketing",
            "--url",
            "not-a-url",
        ],
    )
    assert bad.exit_code == 1 and "url: String should match pattern" in bad.output
    unknown = runner.invoke(app, ["destinations", "test", "nope"])
    assert unknown.exit_code == 1 and "Unknown destination 'nope'" in unknown.output
    no_file = runner.invoke(app, ["triggers", "add", "missing.yml"])
    assert no_file.exit_code == 1 and "No trigger file missing.yml" in no_file.output
    nba = runner.invoke(app, ["nba", "decide", "c1"])
    assert nba.exit_code == 1 and "No action catalogue" in nba.output


def test_nba_report_without_decisions(home: Path) -> None:
    result = runner.invoke(app, ["nba", "report"])
    assert result.exit_code == 0
    assert "No decision has a known outcome yet." in result.output
