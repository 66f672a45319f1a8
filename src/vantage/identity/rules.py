"""Identity rules as data: limits per identifier type, priority, blocked values, merge guards.

Like Segment Unify, a profile may hold only so many identifiers of a type (one ``user_id``; at
most five e-mails added in any rolling week, ...). When a merge would break a limit, the edge to
the lower-priority identifier is refused and recorded with the rule that refused it. Defaults
suit a retailer; override them in the ``[identity]`` table of ``vantage.toml``:

.. code-block:: toml

    [identity]
    max_cluster_size = 200
    blocked_values = ["info@myshop.example"]
    blocked_patterns = ["^test[+].*@"]

    [identity.limits.email]
    max = 5
    window_days = 7
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vantage.core.errors import ConfigError
from vantage.core.identifiers import Identifier
from vantage.core.settings import DEFAULT_CONFIG_FILE

OTHER = "*"


class IdentifierLimit(BaseModel):
    """How many identifiers of one type a profile may hold.

    Attributes:
        max: Most identifiers of the type.
        window_days: Count only identifiers added to the profile in this many days before the
            merge (a rolling window); None counts every identifier ever added.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max: int = Field(ge=1)
    window_days: float | None = Field(None, gt=0)

    def describe(self) -> str:
        """Short text such as ``5/7d`` or ``1``, used in refusal reasons."""
        if self.window_days is None:
            return str(self.max)
        return f"{self.max}/{self.window_days:g}d"


def _default_limits() -> dict[str, IdentifierLimit]:
    week = 7.0
    return {
        "user_id": IdentifierLimit(max=1),
        "email": IdentifierLimit(max=5, window_days=week),
        "phone": IdentifierLimit(max=3),
        "loyalty_card": IdentifierLimit(max=3),
        "crm_id": IdentifierLimit(max=3),
        "payment_card": IdentifierLimit(max=10),
        "device_id": IdentifierLimit(max=20),
        "ad_id": IdentifierLimit(max=20),
        "anonymous_id": IdentifierLimit(max=10, window_days=week),
    }


DEFAULT_PRIORITY = (
    "user_id",
    "email",
    "phone",
    "loyalty_card",
    OTHER,
    "device_id",
    "ad_id",
    "anonymous_id",
)


class IdentityRules(BaseModel):
    """Rules of the deterministic identity graph.

    Attributes:
        limits: Identifier type -> limit; types without an entry are unlimited.
        priority: Identifier types, strongest first; ``*`` stands for every type not listed
            (CRM ids, payment cards, other ``context.externalIds``). When a merge would break a
            limit, the edge to the lower-priority identifier of the event is refused.
        blocked_values: Extra junk values (case-insensitive, any type) on top of
            :data:`vantage.core.identifiers.BLOCKED_VALUES`.
        blocked_patterns: Regular expressions; a value matching one (``re.search``,
            case-insensitive) is dropped.
        max_cluster_size: Over-merge guard: a merge that would give one profile more
            identifiers than this is refused.
        phone_region: Region assumed for phone numbers without a country code.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    limits: dict[str, IdentifierLimit] = Field(default_factory=_default_limits)
    priority: tuple[str, ...] = DEFAULT_PRIORITY
    blocked_values: frozenset[str] = frozenset()
    blocked_patterns: tuple[str, ...] = ()
    max_cluster_size: int = Field(200, ge=2)
    phone_region: str = "GB"

    @field_validator("priority")
    @classmethod
    def _unique_priority(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        lowered = tuple(v.strip().lower() for v in value)
        if len(set(lowered)) != len(lowered):
            raise ValueError("priority lists a type twice; name each type once")
        return lowered

    @field_validator("blocked_values")
    @classmethod
    def _lower_values(cls, value: frozenset[str]) -> frozenset[str]:
        return frozenset(v.strip().lower() for v in value)

    @field_validator("blocked_patterns")
    @classmethod
    def _valid_patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"blocked pattern {pattern!r} is not a regex: {exc}") from exc
        return value

    @field_validator("limits")
    @classmethod
    def _lower_types(cls, value: dict[str, IdentifierLimit]) -> dict[str, IdentifierLimit]:
        return {k.strip().lower(): v for k, v in value.items()}

    @cached_property
    def _patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in self.blocked_patterns)

    def rank(self, id_type: str) -> int:
        """Position of a type in :attr:`priority` (0 is strongest)."""
        try:
            return self.priority.index(id_type)
        except ValueError:
            if OTHER in self.priority:
                return self.priority.index(OTHER)
            return len(self.priority)

    def is_blocked(self, identifier: Identifier) -> bool:
        """Whether a normalised identifier is junk under these rules."""
        value = identifier.value.lower()
        if value in self.blocked_values:
            return True
        return any(p.search(identifier.value) for p in self._patterns)


def config_path() -> Path:
    """The TOML file that :class:`vantage.core.settings.Settings` reads.

    Returns:
        ``$VANTAGE_CONFIG`` when set, else ``./vantage.toml``.
    """
    return Path(os.environ.get("VANTAGE_CONFIG", DEFAULT_CONFIG_FILE))


def load_rules(path: Path | None = None) -> IdentityRules:
    """Read the ``[identity]`` table of ``vantage.toml``; defaults when file or table is absent.

    Args:
        path: The TOML file; default :func:`config_path`.

    Returns:
        The validated rules.

    Raises:
        ConfigError: The file is not valid TOML or a rule is invalid; the message names the key.
    """
    path = path or config_path()
    if not path.is_file():
        return IdentityRules()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML: {exc}.", "Fix the syntax of the file."
        ) from exc
    table = data.get("identity", {})
    try:
        return IdentityRules.model_validate(table)
    except ValidationError as exc:
        problems = "; ".join(
            f"identity.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(
            f"Invalid identity rules in {path}: {problems}.",
            "Correct the [identity] table of the file (see docs/identity.md).",
        ) from exc
