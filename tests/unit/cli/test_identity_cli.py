"""``vantage identity`` and ``vantage profile explain|split`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from vantage.cli.main import app
from vantage.services.context import ServiceContext

runner = CliRunner()


def test_rebuild_explain_split_and_review(home: Path) -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    messages = [
        {
            "type": "identify",
            "userId": "u1",
            "anonymousId": "dev-1",
            "messageId": "m1",
            "traits": {"email": "ann@example.com"},
        },
        {
            "type": "track",
            "event": "Order Completed",
            "anonymousId": "dev-2",
            "messageId": "m2",
            "context": {"externalIds": [{"id": "ann@example.com", "type": "email"}]},
        },
    ]
    ctx.log.append([ctx.ingestor.prepare("web", messages)])
    done = runner.invoke(app, ["identity", "rebuild", "--json"])
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["customers"] == 1
    done = runner.invoke(app, ["profile", "explain", "anonymous_id:dev-2", "--json"])
    assert done.exit_code == 0, done.stderr
    explained = json.loads(done.stdout)
    assert {e["message_id"] for e in explained["edges"]} == {"m1", "m2"}
    done = runner.invoke(app, ["profile", "explain", "anonymous_id:dev-2"])
    assert done.exit_code == 0 and "Links" in done.stdout and "m2" in done.stdout
    customer = explained["customer_id"]
    done = runner.invoke(app, ["profile", "split", customer, "anonymous_id:dev-2", "--json"])
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["customer_of_identifier"] != customer
    done = runner.invoke(app, ["identity", "review", "list", "--json"])
    assert (done.exit_code, json.loads(done.stdout)) == (0, [])


def test_explaining_an_unknown_identifier_is_a_clear_error(home: Path) -> None:
    ServiceContext().workspace.init()
    runner.invoke(app, ["identity", "rebuild"])
    done = runner.invoke(app, ["profile", "explain", "email:nobody@example.com"])
    assert done.exit_code == 1
    assert "Fix:" in done.stderr
