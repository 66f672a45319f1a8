"""Settings: defaults, vantage.toml, VANTAGE_* environment (which wins), validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.core.errors import ConfigError
from vantage.core.settings import Settings, load_settings


def test_defaults_work_without_a_file(home: Path) -> None:
    settings = Settings()
    assert settings.home == home
    assert settings.host == "127.0.0.1" and settings.port == 8000
    assert settings.environment == "development" and settings.admin_token is None
    assert settings.store_url == f"duckdb:///{(home / 'warehouse.duckdb').resolve()}"
    limits = settings.collect
    assert (limits.max_event_bytes, limits.max_batch_bytes, limits.max_batch_events) == (
        32 * 1024,
        500 * 1024,
        2500,
    )


def test_toml_file_is_read(home: Path, tmp_path: Path) -> None:
    (tmp_path / "vantage.toml").write_text(
        'port = 8001\nstore = "postgresql://u:p@db/vantage"\n[collect]\nmax_batch_events = 100\n'
    )
    settings = Settings()
    assert settings.port == 8001
    assert settings.store_url == "postgresql://u:p@db/vantage"
    assert settings.collect.max_batch_events == 100
    assert settings.collect.max_event_bytes == 32 * 1024


def test_environment_overrides_the_file(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "vantage.toml").write_text(
        "port = 8001\nhost = '0.0.0.0'\n[collect]\nrate_per_source = 5\n"
    )
    monkeypatch.setenv("VANTAGE_PORT", "9000")
    monkeypatch.setenv("VANTAGE_COLLECT__RATE_PER_SOURCE", "7.5")
    settings = Settings()
    assert settings.port == 9000
    assert settings.host == "0.0.0.0"
    assert settings.collect.rate_per_source == 7.5
    assert Settings(port=9100).port == 9100


def test_vantage_config_points_at_another_file(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "conf" / "prod.toml"
    other.parent.mkdir()
    other.write_text("environment = 'production'\n")
    monkeypatch.setenv("VANTAGE_CONFIG", str(other))
    assert Settings().environment == "production"


def test_missing_config_file_is_an_error(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANTAGE_CONFIG", "/nonexistent/vantage.toml")
    with pytest.raises(ConfigError, match=r"VANTAGE_CONFIG points at /nonexistent/vantage\.toml"):
        Settings()


def test_invalid_values_name_the_setting(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANTAGE_PORT", "70000")
    with pytest.raises(ConfigError, match=r"Invalid settings: VANTAGE_PORT: ") as info:
        load_settings()
    assert "Correct the environment variable or the value in vantage.toml" in str(info.value)
    monkeypatch.delenv("VANTAGE_PORT")
    monkeypatch.setenv("VANTAGE_COLLECT__MAX_EVENT_BYTES", "0")
    with pytest.raises(ConfigError, match=r"VANTAGE_COLLECT__MAX_EVENT_BYTES: "):
        load_settings()


def test_unknown_store_scheme(home: Path) -> None:
    with pytest.raises(ConfigError, match=r"unsupported warehouse URL scheme 'mysql'"):
        load_settings(store="mysql://x/y")
    assert load_settings(store="duckdb:///tmp/w.duckdb").store_url == "duckdb:///tmp/w.duckdb"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.1.2.3", True),
        ("0.0.0.0", False),
        ("10.0.0.5", False),
        ("example.com", False),
    ],
)
def test_is_loopback(home: Path, host: str, loopback: bool) -> None:
    assert Settings(host=host).is_loopback is loopback
