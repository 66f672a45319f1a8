"""Entities: spaCy labels mapped to business types, user patterns and custom types."""

from __future__ import annotations

from pathlib import Path

import pytest

from vantage.solutions.nlp.documents import (
    EntityExtractor,
    ModelNotAvailableError,
    PatternConfigError,
    load_entity_config,
    load_spacy,
    summarise,
)

TEXT = "Ann Smith from Acme Corp paid $20 for the Vantage Pro in Leeds on Monday."


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor(
        patterns=[
            {"label": "product", "pattern": "Vantage Pro"},
            {"label": "loyalty_id", "pattern": [{"TEXT": {"REGEX": r"^LC-\d{6}$"}}]},
        ],
        types=["loyalty_id"],
    ).fit()


@pytest.mark.slow
def test_model_entities_are_mapped_to_business_types(extractor: EntityExtractor) -> None:
    found = {(e.type, e.text, e.source) for e in extractor.extract(TEXT)}
    assert ("person", "Ann Smith", "model") in found
    assert ("organisation", "Acme Corp", "model") in found
    assert ("place", "Leeds", "model") in found
    assert ("date", "Monday", "model") in found
    assert any(kind == "money" and "20" in text for kind, text, _ in found)


def test_patterns_add_products_and_custom_types(extractor: EntityExtractor) -> None:
    found = extractor.transform([TEXT, "Card LC-123456 was used"])
    assert ("product", "Vantage Pro", "pattern") in {(e.type, e.text, e.source) for e in found[0]}
    [card] = [e for e in found[1] if e.type == "loyalty_id"]
    assert (card.text, card.start, card.end) == ("LC-123456", 5, 14)
    assert summarise(found[0])["product"] == ["Vantage Pro"]


@pytest.mark.slow
def test_unmapped_labels_are_dropped_unless_kept() -> None:
    text = "Two Germans bought 3 tickets."
    kept = EntityExtractor(keep_unmapped=True).fit().extract(text)
    dropped = EntityExtractor().fit().extract(text)
    assert "norp" in {e.type for e in kept}
    assert "norp" not in {e.type for e in dropped}


def test_blank_pipeline_runs_patterns_only() -> None:
    found = EntityExtractor("blank:en", patterns=[{"label": "product", "pattern": "Widget"}])
    assert [(e.type, e.text) for e in found.fit().extract("A Widget for Ann")] == [
        ("product", "Widget")
    ]


def test_config_file_builds_an_extractor(tmp_path: Path) -> None:
    path = tmp_path / "entities.yml"
    path.write_text(
        "model: blank:en\ntypes: [store]\npatterns:\n  - {label: store, pattern: Leeds Central}\n"
    )
    extractor = EntityExtractor.from_config(path).fit()
    assert [e.type for e in extractor.extract("Bought at Leeds Central")] == ["store"]


def test_config_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(PatternConfigError, match="patterns\\[1\\] has label 'prodcut'"):
        load_entity_config({"patterns": [{"label": "prodcut", "pattern": "x"}]})
    with pytest.raises(PatternConfigError, match="does not exist"):
        load_entity_config(tmp_path / "missing.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("patterns: [unclosed")
    with pytest.raises(PatternConfigError, match="is not valid YAML"):
        load_entity_config(bad)
    listing = tmp_path / "list.yml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(PatternConfigError, match="must be a mapping"):
        load_entity_config(listing)
    with pytest.raises(PatternConfigError, match=r"patterns\.0\.pattern: Field required"):
        load_entity_config({"patterns": [{"label": "product"}]})


def test_missing_model_says_how_to_install() -> None:
    with pytest.raises(ModelNotAvailableError, match="spaCy model 'xx_missing_model'"):
        load_spacy("xx_missing_model")
