r"""User-defined entity patterns and custom entity types, from a dict or a YAML file.

A configuration looks like this::

    model: en_core_web_sm          # any spaCy pipeline name or path, or blank:en
    types: [loyalty_id]            # custom entity types, besides the built-in ones
    labels: {NORP: group}          # extra or changed mappings of the model's labels
    patterns:
      - {label: product, pattern: "Vantage Pro"}
      - {label: loyalty_id, pattern: [{TEXT: {REGEX: "^LC-\\d{6}$"}}]}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vantage.solutions.nlp.documents.errors import PatternConfigError

ENTITY_TYPES = ("person", "organisation", "place", "product", "event", "date", "money")
DEFAULT_LABEL_MAP: dict[str, str] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "PRODUCT": "product",
    "EVENT": "event",
    "DATE": "date",
    "TIME": "date",
    "MONEY": "money",
}


class PatternSpec(BaseModel):
    """One EntityRuler pattern: a phrase (string) or a list of token patterns."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, description="Entity type the match gets.")
    pattern: str | list[dict[str, Any]] = Field(description="Phrase or spaCy token patterns.")
    id: str | None = Field(default=None, description="Optional id (e.g. a product SKU).")


class EntityConfig(BaseModel):
    """Which model to run, how its labels map to types, and extra patterns."""

    model_config = ConfigDict(extra="forbid")

    model: str = "en_core_web_sm"
    types: list[str] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    patterns: list[PatternSpec] = Field(default_factory=list)
    keep_unmapped: bool = False

    @field_validator("types")
    @classmethod
    def _clean_types(cls, value: list[str]) -> list[str]:
        return [t.strip() for t in value if t.strip()]

    def known_types(self) -> set[str]:
        """Built-in types, declared custom types and the targets of ``labels``."""
        return {*ENTITY_TYPES, *self.types, *self.labels.values()}

    def check(self, origin: str = "entity configuration") -> None:
        """Refuse patterns whose label is no known type (usually a typo).

        Raises:
            PatternConfigError: Naming the pattern and the known types.
        """
        known = self.known_types()
        for number, spec in enumerate(self.patterns, start=1):
            if spec.label not in known:
                raise PatternConfigError(
                    f"{origin}: patterns[{number}] has label {spec.label!r}, which is not a "
                    f"known entity type ({', '.join(sorted(known))}).",
                    f"Fix the label, or declare the custom type under 'types:' "
                    f"(types: [{spec.label}]).",
                )


def load_entity_config(source: Path | str | dict[str, Any]) -> EntityConfig:
    """Read and check an entity configuration from a YAML file or a dict.

    Raises:
        PatternConfigError: The file is missing, is not YAML, or a field is invalid.
    """
    origin = "entity configuration"
    if isinstance(source, dict):
        data: Any = source
    else:
        path = Path(source)
        origin = str(path)
        if not path.is_file():
            raise PatternConfigError(
                f"Entity configuration {path} does not exist.",
                "Pass the path of a YAML file with 'patterns:' (see docs/nlp-documents.md).",
            )
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise PatternConfigError(
                f"{path} is not valid YAML ({exc}).", "Fix the YAML syntax."
            ) from exc
    if not isinstance(data, dict):
        raise PatternConfigError(
            f"{origin} must be a mapping with keys model, types, labels, patterns.",
            "Write the file as 'patterns: [...]' at the top level.",
        )
    try:
        config = EntityConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PatternConfigError(
            f"{origin}: {where}: {first['msg']}.",
            "Each pattern needs 'label' and 'pattern'; allowed top-level keys are model, "
            "types, labels, patterns, keep_unmapped.",
        ) from exc
    config.check(origin)
    return config
