"""Enrichment of whole profiles, configured in ``vantage.toml`` (``[profiles.enrichment]``).

A profile's inputs are its merged traits (e-mail, phone, country, postcode or address) and the
context of its latest event that has one (user agent, time zone, locale). The configured steps
turn them into fields with their source, shown on the profile and written, for every customer,
to the warehouse table ``profile_enrichment`` (``vantage profile enrich``), where segments and
models can use them.

Example ``vantage.toml``::

    [profiles.enrichment]
    steps = ["email_domain", "phone", "user_agent", "timezone_locale"]
    default_region = "GB"
    reference_table = "areas.csv"     # optional: CSV or Parquet keyed by postcode or area
    reference_key = "postcode"
    reference_prefix = "area_"
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vantage.core.errors import ConfigError
from vantage.profiles.enrich_base import Enrichment, StepRegistry
from vantage.profiles.enrich_reference import ReferenceTableStep
from vantage.profiles.enrichment import default_registry

BUILT_IN_STEPS = ("email_domain", "phone", "user_agent", "timezone_locale")


class EnrichmentConfig(BaseModel):
    """Which enrichment steps run on profiles.

    Attributes:
        steps: Built-in steps to run, in order.
        default_region: Region assumed for phone numbers without a country code.
        reference_table: CSV or Parquet file joined on ``reference_key`` (optional).
        reference_key: The reference table's key column.
        reference_match: ``postcode`` (most specific UK postcode level) or ``exact``.
        reference_prefix: Put before every column added from the reference table.
    """

    model_config = ConfigDict(extra="forbid")

    steps: list[str] = Field(default_factory=lambda: list(BUILT_IN_STEPS))
    default_region: str = "GB"
    reference_table: Path | None = None
    reference_key: str = "postcode"
    reference_match: Literal["postcode", "exact"] = "postcode"
    reference_prefix: str = "area_"

    def registry(self) -> StepRegistry:
        """The steps of this configuration.

        Raises:
            ConfigError: An unknown step name, or a reference table that cannot be read.
        """
        unknown = sorted(set(self.steps) - set(BUILT_IN_STEPS))
        if unknown:
            raise ConfigError(
                f"[profiles.enrichment] steps: unknown step(s) {unknown}.",
                f"Use any of {list(BUILT_IN_STEPS)}.",
            )
        built_in = default_registry(self.default_region)
        registry = StepRegistry(built_in.get(name) for name in self.steps)
        if self.reference_table is not None:
            registry.register(
                ReferenceTableStep.from_file(
                    self.reference_table,
                    self.reference_key,
                    match=self.reference_match,
                    prefix=self.reference_prefix,
                )
            )
        return registry


def load_enrichment_config(path: Path | None = None) -> EnrichmentConfig:
    """The ``[profiles.enrichment]`` table of ``vantage.toml`` (defaults when absent).

    Args:
        path: The TOML file; default ``VANTAGE_CONFIG`` or ``./vantage.toml``.

    Raises:
        ConfigError: The table is invalid; the message names the key.
    """
    config = path or Path(os.environ.get("VANTAGE_CONFIG", "vantage.toml"))
    if not config.is_file():
        return EnrichmentConfig()
    table = tomllib.loads(config.read_text()).get("profiles", {}).get("enrichment", {})
    try:
        return EnrichmentConfig.model_validate(table)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(part) for part in err["loc"]) or "(table)"
        raise ConfigError(
            f"{config}: [profiles.enrichment] {where}: {err['msg']}.",
            "Correct that key (see docs/enrichment.md for the keys and their meaning).",
        ) from exc


def _address_field(traits: Mapping[str, Any], *names: str) -> Any:
    address = traits.get("address")
    for name in names:
        if isinstance(address, Mapping) and address.get(name) not in (None, ""):
            return address[name]
        if traits.get(name) not in (None, ""):
            return traits[name]
    return None


def profile_inputs(traits: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
    """The enrichment inputs of a profile.

    Args:
        traits: Merged trait values (name -> value).
        context: The ``context`` of the customer's latest event that has a user agent, time
            zone or locale (empty when none).
    """
    return {
        "email": traits.get("email"),
        "phone": traits.get("phone"),
        "country": _address_field(traits, "country"),
        "postcode": _address_field(traits, "postalCode", "postal_code", "postcode"),
        "user_agent": context.get("userAgent"),
        "timezone": context.get("timezone"),
        "locale": context.get("locale"),
    }


def latest_context(messages_newest_first: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The ``context`` of the newest message with a user agent, time zone or locale."""
    for message in messages_newest_first:
        context = message.get("context")
        if isinstance(context, Mapping) and any(
            context.get(k) for k in ("userAgent", "timezone", "locale")
        ):
            return dict(context)
    return {}


def enrich_profile(
    registry: StepRegistry, traits: Mapping[str, Any], context: Mapping[str, Any]
) -> dict[str, Enrichment]:
    """Run the registry's steps on a profile's inputs (see :func:`profile_inputs`)."""
    return registry.enrich_record(profile_inputs(traits, context))
