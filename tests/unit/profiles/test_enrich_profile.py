"""Profile enrichment configuration and inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.core.errors import ConfigError
from vantage.profiles.enrich_profile import (
    EnrichmentConfig,
    enrich_profile,
    load_enrichment_config,
    profile_inputs,
)

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    config = load_enrichment_config(tmp_path / "missing.toml")
    assert config.steps == ["email_domain", "phone", "user_agent", "timezone_locale"]


def test_profile_fields_come_from_traits_and_the_latest_context() -> None:
    traits = {"email": "ann@mailinator.com", "address": {"country": "GB", "postalCode": "SW1A 1AA"}}
    inputs = profile_inputs(traits, {"userAgent": IPHONE})
    assert (inputs["country"], inputs["postcode"]) == ("GB", "SW1A 1AA")
    added = enrich_profile(EnrichmentConfig().registry(), traits, {"userAgent": IPHONE})
    assert added["email_domain_type"].value == "disposable"
    assert added["device_type"].value == "mobile"
    assert added["timezone"].source == "derived:country"


def test_a_reference_table_joins_on_postcode(tmp_path: Path) -> None:
    table = tmp_path / "areas.csv"
    table.write_text("postcode,median_income\nSW1A,51000\n")
    config_file = tmp_path / "vantage.toml"
    config_file.write_text(
        f'[profiles.enrichment]\nsteps = ["email_domain"]\nreference_table = "{table}"\n'
    )
    config = load_enrichment_config(config_file)
    added = enrich_profile(config.registry(), {"postcode": "SW1A 1AA"}, {})
    assert added["area_median_income"].value == 51000


def test_unknown_steps_and_keys_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown step\(s\) \['horoscope'\]"):
        EnrichmentConfig(steps=["horoscope"]).registry()
    config_file = tmp_path / "vantage.toml"
    config_file.write_text("[profiles.enrichment]\nstep = []\n")
    with pytest.raises(ConfigError, match=r"\[profiles.enrichment\] step: Extra inputs"):
        load_enrichment_config(config_file)
