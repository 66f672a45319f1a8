"""A few dozen labelled sentences, enough for the text models to learn something."""

from __future__ import annotations

import pytest

POSITIVE = [
    "I love this airline, the crew were wonderful",
    "Great flight, friendly staff and on time",
    "Thank you for the excellent service today",
    "Brilliant experience, comfortable seats",
    "The upgrade was amazing, thanks so much",
    "Fantastic crew, really happy with the trip",
    "Best flight I have had in years, great job",
    "Lovely staff and a smooth landing, thank you",
    "Awesome service, the agent was so helpful",
    "Happy with the quick boarding, great work",
    "Wonderful food and kind attendants",
    "Superb customer care, thanks a lot",
]
NEGATIVE = [
    "Terrible service, my flight was cancelled again",
    "Worst airline ever, lost my bag",
    "Awful delay and nobody told us anything",
    "Rude staff at the gate, never flying again",
    "My luggage is lost and customer service is useless",
    "Horrible experience, four hours late",
    "Disgusting food and broken seats",
    "I hate waiting on hold for two hours",
    "Cancelled flight and no refund, terrible",
    "Awful crew, very rude and unhelpful",
    "The worst delay, I missed my connection",
    "Bad service and a dirty plane",
]
NEUTRAL = [
    "What time does the flight to Boston leave",
    "Is there a direct route from Denver to Austin",
    "I am flying to Chicago on Tuesday",
    "Can I change my seat online",
    "Does the fare include a checked bag",
    "The flight number is 1234",
    "Where do I find the baggage policy",
    "I need to update my booking reference",
    "Which terminal does the flight depart from",
    "How many bags can I bring on board",
    "My flight is at nine in the morning",
    "Please send me the schedule for next week",
]


@pytest.fixture
def sentiment_data() -> tuple[list[str], list[str]]:
    """36 short texts labelled negative / neutral / positive."""
    texts = POSITIVE + NEGATIVE + NEUTRAL
    labels = ["positive"] * 12 + ["negative"] * 12 + ["neutral"] * 12
    return texts, labels
