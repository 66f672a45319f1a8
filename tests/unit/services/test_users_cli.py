"""``vantage users``: add, list, set-role, token (through the real CLI app)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from vantage.cli.main import app
from vantage.services.users import UserStore

runner = CliRunner()


def test_add_list_set_role_and_token(home: Path) -> None:
    added = runner.invoke(
        app, ["users", "add", "ann", "--role", "analyst", "--json"], input="long password\n" * 2
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout[added.stdout.index("{") :]) == {
        "username": "ann",
        "role": "analyst",
        "see_pii": True,
    }
    listed = runner.invoke(app, ["users", "list", "--json"])
    assert json.loads(listed.stdout) == [{"username": "ann", "role": "analyst", "see_pii": True}]
    changed = runner.invoke(app, ["users", "set-role", "ann", "viewer", "--json"])
    assert json.loads(changed.stdout)["see_pii"] is False
    made = runner.invoke(app, ["users", "token", "ann", "--name", "ci", "--json"])
    token = json.loads(made.stdout)["token"]
    principal = UserStore(home).token_principal(token)
    assert principal is not None and principal.role == "viewer"
    revoked = runner.invoke(app, ["users", "token", "ann", "--name", "ci", "--revoke", "--json"])
    assert json.loads(revoked.stdout) == {"revoked": True}
    assert UserStore(home).token_principal(token) is None


def test_errors_name_the_field_and_the_fix(home: Path) -> None:
    short = runner.invoke(
        app, ["users", "add", "bob", "--password", "short"], catch_exceptions=False
    )
    assert short.exit_code == 1
    assert "Invalid password: String should have at least 10 characters" in short.output
    assert "Use at least 10 characters." in short.output
    role = runner.invoke(app, ["users", "set-role", "nobody", "admin"])
    assert role.exit_code == 1 and "Unknown user 'nobody'" in role.output
