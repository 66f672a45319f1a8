from __future__ import annotations

from pathlib import Path

import pytest

from vantage.core.errors import ConfigError
from vantage.core.identifiers import Identifier
from vantage.identity.rules import IdentifierLimit, IdentityRules, config_path, load_rules


def test_defaults_follow_segment_unify() -> None:
    rules = IdentityRules()
    assert rules.limits["user_id"] == IdentifierLimit(max=1)
    assert rules.limits["email"].max == 5
    assert rules.limits["email"].window_days == 7
    order = ["user_id", "email", "phone", "loyalty_card", "crm_id", "device_id", "anonymous_id"]
    assert [rules.rank(t) for t in order] == sorted(rules.rank(t) for t in order)
    assert rules.rank("payment_card") == rules.rank("crm_id")


def test_blocked_values_and_patterns() -> None:
    rules = IdentityRules(
        blocked_values=frozenset({"Info@Shop.example"}), blocked_patterns=("^test\\+",)
    )
    assert rules.is_blocked(Identifier("email", "info@shop.example"))
    assert rules.is_blocked(Identifier("email", "test+1@x.com"))
    assert not rules.is_blocked(Identifier("email", "jane@x.com"))


def test_limit_describe() -> None:
    assert IdentifierLimit(max=5, window_days=7).describe() == "5/7d"
    assert IdentifierLimit(max=1).describe() == "1"


def test_load_rules_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "vantage.toml"
    path.write_text(
        "home = 'x'\n[identity]\nmax_cluster_size = 50\nblocked_values = ['shop@x.com']\n"
        "[identity.limits.email]\nmax = 2\nwindow_days = 1\n"
    )
    rules = load_rules(path)
    assert rules.max_cluster_size == 50
    assert rules.limits["email"] == IdentifierLimit(max=2, window_days=1)
    assert "shop@x.com" in rules.blocked_values


def test_load_rules_defaults_without_file(tmp_path: Path) -> None:
    assert load_rules(tmp_path / "missing.toml") == IdentityRules()


def test_config_path_follows_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VANTAGE_CONFIG", str(tmp_path / "c.toml"))
    assert config_path() == tmp_path / "c.toml"
    monkeypatch.delenv("VANTAGE_CONFIG")
    assert config_path() == Path("vantage.toml")


def test_invalid_rules_name_the_key(tmp_path: Path) -> None:
    path = tmp_path / "vantage.toml"
    path.write_text("[identity]\nmax_cluster_size = 1\n")
    with pytest.raises(ConfigError, match=r"identity\.max_cluster_size"):
        load_rules(path)
    path.write_text("[identity.limits.email]\nmax = 0\n")
    with pytest.raises(ConfigError, match=r"identity\.limits\.email\.max"):
        load_rules(path)
    path.write_text("[identity]\nblocked_patterns = ['(']\n")
    with pytest.raises(ConfigError, match="blocked pattern"):
        load_rules(path)
    path.write_text("[identity]\npriority = ['email', 'email']\n")
    with pytest.raises(ConfigError, match="priority lists a type twice"):
        load_rules(path)


def test_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "vantage.toml"
    path.write_text("[identity\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_rules(path)
