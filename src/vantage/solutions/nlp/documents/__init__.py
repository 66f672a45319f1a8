"""Documents: named entities (spaCy + user patterns) and receipts (OCR + key fields)."""

from vantage.solutions.nlp.documents.entities import Entity, EntityExtractor, load_spacy, summarise
from vantage.solutions.nlp.documents.errors import (
    DocumentError,
    ImageError,
    ModelNotAvailableError,
    PatternConfigError,
)
from vantage.solutions.nlp.documents.items import LineItem
from vantage.solutions.nlp.documents.metrics import RECEIPT_FIELDS, field_accuracy, field_matches
from vantage.solutions.nlp.documents.ocr import (
    OcrEngine,
    OcrLine,
    RapidOcrEngine,
    TesseractEngine,
    load_image,
    make_engine,
)
from vantage.solutions.nlp.documents.patterns import (
    DEFAULT_LABEL_MAP,
    ENTITY_TYPES,
    EntityConfig,
    PatternSpec,
    load_entity_config,
)
from vantage.solutions.nlp.documents.receipts import (
    Receipt,
    ReceiptExtractor,
    RegexReceiptExtractor,
)

__all__ = [
    "DEFAULT_LABEL_MAP",
    "ENTITY_TYPES",
    "RECEIPT_FIELDS",
    "DocumentError",
    "Entity",
    "EntityConfig",
    "EntityExtractor",
    "ImageError",
    "LineItem",
    "ModelNotAvailableError",
    "OcrEngine",
    "OcrLine",
    "PatternConfigError",
    "PatternSpec",
    "RapidOcrEngine",
    "Receipt",
    "ReceiptExtractor",
    "RegexReceiptExtractor",
    "TesseractEngine",
    "field_accuracy",
    "field_matches",
    "load_entity_config",
    "load_image",
    "load_spacy",
    "make_engine",
    "summarise",
]
