"""Natural-language understanding: the intent classifier and the slot filler together."""

from __future__ import annotations

from dataclasses import dataclass

from vantage.solutions.assistant.intents import IntentClassifier
from vantage.solutions.assistant.slots import SlotFiller
from vantage.solutions.assistant.state import Understanding


@dataclass
class AssistantNLU:
    """Reads one message into an intent, a confidence and slot values.

    Attributes:
        classifier: A fitted :class:`IntentClassifier` (its threshold applies).
        filler: The slot filler.
    """

    classifier: IntentClassifier
    filler: SlotFiller

    def __call__(self, text: str) -> Understanding:
        """Intent (``out_of_scope`` when unsure), confidence and slots of ``text``."""
        intents, confidence = self.classifier.decide(self.classifier.predict_proba([text]))
        return Understanding(
            intent=str(intents[0]),
            confidence=round(float(confidence[0]), 4),
            slots=self.filler.first(text),
        )
