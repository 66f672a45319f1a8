"""The data directory: init, secrets, admin token, refusal to serve off loopback."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from vantage.core.errors import ConfigError, NotInitialisedError
from vantage.core.settings import Settings
from vantage.core.workspace import DEFAULT_ADMIN_TOKEN, Workspace, check_safe_to_serve


def test_init_creates_private_secrets_once(home: Path) -> None:
    workspace = Workspace(home)
    assert not workspace.is_initialised()
    secrets, created = workspace.init()
    assert created and workspace.is_initialised()
    assert len(secrets.admin_token) >= 40 and secrets.admin_token != DEFAULT_ADMIN_TOKEN
    assert stat.S_IMODE(workspace.secrets_path.stat().st_mode) == 0o600
    again, created_again = workspace.init()
    assert not created_again and again == secrets
    assert secrets.admin_token not in repr(secrets)
    assert workspace.server_file == home / "server.json"


def test_secrets_before_init(home: Path) -> None:
    with pytest.raises(NotInitialisedError, match=r"No Vantage workspace at .*Run `vantage init`"):
        Workspace(home).secrets()


def test_admin_token_precedence(home: Path) -> None:
    workspace = Workspace.from_settings(Settings())
    assert workspace.home == home
    assert workspace.admin_token(Settings()) == DEFAULT_ADMIN_TOKEN
    secrets, _ = workspace.init()
    assert workspace.admin_token(Settings()) == secrets.admin_token
    assert workspace.admin_token(Settings(admin_token="from-settings")) == "from-settings"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_is_always_allowed(home: Path, host: str) -> None:
    check_safe_to_serve(Settings(), host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])
def test_off_loopback_with_default_secrets_is_refused(home: Path, host: str) -> None:
    with pytest.raises(
        ConfigError, match=rf"Refusing to listen on {host} with the default admin token"
    ) as info:
        check_safe_to_serve(Settings(), host)
    assert "Run `vantage init` to generate secrets, or set VANTAGE_ADMIN_TOKEN" in str(info.value)


def test_off_loopback_with_real_secrets_is_allowed(home: Path) -> None:
    check_safe_to_serve(Settings(admin_token="a-real-token"), "0.0.0.0")
    Workspace(home).init()
    check_safe_to_serve(Settings(), "0.0.0.0")
