"""Settings from defaults, a ``vantage.toml`` file and ``VANTAGE_*`` environment variables.

Precedence, highest first: arguments passed to :class:`Settings`, environment variables,
the TOML file (``VANTAGE_CONFIG`` or ``./vantage.toml``), defaults. Nothing is read at import time.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from vantage.core.errors import ConfigError

DEFAULT_CONFIG_FILE = "vantage.toml"


class CollectLimits(BaseModel):
    """Limits of the collection API (Segment's defaults)."""

    max_event_bytes: int = Field(32 * 1024, gt=0, description="Largest single event, in bytes.")
    max_batch_bytes: int = Field(500 * 1024, gt=0, description="Largest batch body, in bytes.")
    max_batch_events: int = Field(2500, gt=0, description="Most events in one batch.")
    rate_per_source: float = Field(
        5000.0, gt=0, description="Sustained requests per second allowed for one source."
    )
    burst_per_source: int = Field(
        10000, gt=0, description="Requests a source may burst above the rate."
    )


class GenAISettings(BaseModel):
    """The ``[genai]`` section: which language model generative features use.

    ``backend = "none"`` (default) keeps every feature on its offline method (extractive
    summaries, rule-based minutes, template copy); ``gguf`` runs Gemma 3 270M locally.
    """

    backend: Literal["none", "openai", "transformers", "gguf"] = Field(
        "none", description="none, openai (any OpenAI-compatible URL), transformers or gguf."
    )
    base_url: str | None = Field(None, description="API root of an OpenAI-compatible server.")
    model: str | None = Field(
        None, description="Model name, folder or .gguf path (gguf default: gemma3-270m)."
    )
    api_key: SecretStr | None = Field(None, description="Bearer token of the HTTP backend.")
    allow_pii_external: bool = Field(
        False, description="Send e-mails, phones and names to an external backend unredacted."
    )
    timeout_s: float = Field(60.0, gt=0, description="Timeout of one HTTP request.")
    retries: int = Field(3, ge=1, le=10, description="Tries per call on transient failures.")
    backoff_s: float = Field(0.5, ge=0, description="First wait between tries (doubles).")
    cache: bool = Field(True, description="Answer repeated identical calls from a cache.")
    cache_ttl_s: float | None = Field(None, gt=0, description="Cache entry lifetime.")
    price_prompt_per_1k: float = Field(0.0, ge=0, description="Cost of 1,000 prompt tokens.")
    price_completion_per_1k: float = Field(
        0.0, ge=0, description="Cost of 1,000 completion tokens."
    )
    device: str = Field("cpu", description="Device of local models: cpu or cuda.")
    banned_terms: list[str] = Field(
        default_factory=list, description="Words generated text must never contain."
    )


class ActivateSettings(BaseModel):
    """The ``[activate]`` section: destinations, triggers and next best action."""

    enabled: bool = Field(True, description="Run triggers in the server (needs realtime).")
    catalogue: Path | None = Field(
        None, description="Next-best-action catalogue (YAML); default <home>/activate/actions.yml."
    )
    control_share: float | None = Field(
        None, ge=0, lt=1, description="Control-group share; overrides the catalogue's."
    )
    max_attempts: int = Field(6, ge=1, le=20, description="Send attempts before a dead letter.")
    backoff_base_s: float = Field(0.5, gt=0, description="Longest first retry wait (doubles).")
    backoff_max_s: float = Field(60.0, gt=0, description="Longest retry wait.")
    consent_refresh_s: float = Field(
        10.0, gt=0, description="How often the server re-reads the consent ledger."
    )


class AssistantSettings(BaseModel):
    """The ``[assistant]`` section: the customer-service assistant."""

    threshold: float | None = Field(
        None, ge=0, le=1, description="Intent confidence threshold; default: tuned at training."
    )
    faq_dir: Path | None = Field(
        None, description="Folder of FAQ / policy markdown; default: the shipped demo FAQ."
    )
    min_answer_score: float = Field(
        0.35, ge=0, le=1, description="Retrieval score under which no FAQ passage is used."
    )
    stores: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Store directory ([[assistant.stores]]: id, name, aliases, address, "
        "hours); default: the demo stores.",
    )


class Settings(BaseSettings):
    """Vantage settings.

    Attributes:
        home: Data directory holding the lake, the warehouse and secrets.
        store: Warehouse URL (``duckdb:///path``, ``postgresql://...``); default is a DuckDB file
            inside ``home``.
        host: Address ``vantage serve`` binds to.
        port: Port ``vantage serve`` binds to.
        environment: ``development`` allows the generated defaults on loopback only.
        admin_token: Token for admin endpoints; generated by ``vantage init`` when unset.
        data_mirror: Folder holding copies of public data sets (read instead of the network).
        collect: Collection API limits.
        compact_every_s: How often the server compacts the event log into Parquet.
        realtime: Whether the server keeps identities and counters current per event (a tail
            of the event log, well under a second behind); off, profiles follow the
            background sync every ``compact_every_s``.
        score_text_on_ingest: Whether text events (reviews, support chats) get ``sentiment``
            and ``topics`` properties as they are collected or imported.
        genai: Generative-AI backend (``[genai]`` in vantage.toml, ``VANTAGE_GENAI__*``).
        activate: Destinations, triggers, next best action (``[activate]``,
            ``VANTAGE_ACTIVATE__*``).
        assistant: Customer-service assistant (``[assistant]``, ``VANTAGE_ASSISTANT__*``).
    """

    model_config = SettingsConfigDict(
        env_prefix="VANTAGE_", env_nested_delimiter="__", extra="ignore", validate_default=True
    )

    home: Path = Path(".vantage")
    store: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    environment: Literal["development", "production"] = "development"
    admin_token: SecretStr | None = None
    data_mirror: Path | None = None
    collect: CollectLimits = CollectLimits()
    compact_every_s: float = Field(30.0, gt=0)
    realtime: bool = True
    score_text_on_ingest: bool = True
    genai: GenAISettings = GenAISettings()
    activate: ActivateSettings = ActivateSettings()
    assistant: AssistantSettings = AssistantSettings()

    @field_validator("store")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value is None:
            return value
        scheme = value.split(":", 1)[0].split("+", 1)[0]
        if scheme not in {"duckdb", "postgresql", "postgres", "pyspark"}:
            raise ValueError(
                f"unsupported warehouse URL scheme {scheme!r}; use duckdb:///path/to/file.duckdb "
                "or postgresql://user:password@host/db"
            )
        return value

    @property
    def store_url(self) -> str:
        """The warehouse URL, defaulting to ``duckdb:///<home>/warehouse.duckdb``."""
        return self.store or f"duckdb:///{(self.home / 'warehouse.duckdb').resolve()}"

    @property
    def is_loopback(self) -> bool:
        """Whether ``host`` only accepts connections from this machine."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Order the sources: arguments, environment, TOML file."""
        config = Path(os.environ.get("VANTAGE_CONFIG", DEFAULT_CONFIG_FILE))
        if "VANTAGE_CONFIG" in os.environ and not config.is_file():
            raise ConfigError(
                f"VANTAGE_CONFIG points at {config}, which does not exist.",
                "Create the file or unset VANTAGE_CONFIG.",
            )
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if config.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config))
        return tuple(sources)


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning validation problems into a :class:`ConfigError`.

    Args:
        **overrides: Values that win over environment and file.

    Returns:
        The validated settings.

    Raises:
        ConfigError: A value is invalid; the message names the setting.
    """
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"VANTAGE_{'__'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(
            f"Invalid settings: {problems}.",
            "Correct the environment variable or the value in vantage.toml.",
        ) from exc
