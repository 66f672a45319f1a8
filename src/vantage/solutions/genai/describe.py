"""Product descriptions from attributes, in a chosen tone and length, checked for facts.

:func:`template_description` is the deterministic baseline (every attribute stated, nothing
invented). :func:`llm_description` writes copy with a language model through the few-shot
``describe`` prompt. :func:`describe` picks one, then measures the result: share of attributes
mentioned, invented facts (numbers or attribute words not in the input) and readability.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from vantage.solutions.genai import metrics
from vantage.solutions.genai.guardrails import check_output

Tone = Literal["neutral", "friendly", "premium", "playful"]
Length = Literal["short", "medium", "long"]
TONES: tuple[str, ...] = ("neutral", "friendly", "premium", "playful")
WORDS = {"short": 20, "medium": 40, "long": 70}
_OPENERS = {
    "neutral": "The {name}",
    "friendly": "Say hello to the {name}",
    "premium": "Discover the {name}",
    "playful": "Ready for some fun? Meet the {name}",
}
_CLOSERS = {
    "neutral": "A practical choice from our {category} range.",
    "friendly": "A lovely everyday pick from our {category} range.",
    "premium": "A considered piece from our {category} collection.",
    "playful": "Our {category} range just got more exciting!",
}
_EXTRA = {
    "neutral": "It is easy to pair with the rest of your collection.",
    "friendly": "We think it will quickly become a favourite.",
    "premium": "Designed to be enjoyed for years to come.",
    "playful": "Go on, treat yourself.",
}


class ProductInput(BaseModel):
    """A product to describe."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    category: str = Field(default="", max_length=100)
    attributes: dict[str, str | int | float] = Field(
        default_factory=dict, description="Attribute name to value (colour, material, price)."
    )
    product_id: str | None = Field(default=None, max_length=100)

    def facts(self) -> list[str]:
        """What a description must mention: the name and every attribute value."""
        return [self.name, *(str(v) for v in self.attributes.values())]

    def source_text(self) -> str:
        """Everything given, as text (what invented facts are checked against)."""
        attrs = "; ".join(f"{k}: {v}" for k, v in self.attributes.items())
        return f"{self.name} {self.category} {attrs}"

    def attribute_text(self) -> str:
        """Attributes as ``key: value; ...`` for prompts."""
        return "; ".join(f"{k}: {_value(v)}" for k, v in self.attributes.items()) or "none"


def _value(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Description:
    """A description and its measured quality."""

    text: str
    method: str
    coverage: float
    invented: list[str] = field(default_factory=list)
    invented_share: float = 0.0
    readability: float = 0.0
    problems: list[str] = field(default_factory=list)
    product_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "product_id": self.product_id,
            "text": self.text,
            "method": self.method,
            "coverage": round(self.coverage, 4),
            "invented": self.invented,
            "invented_share": round(self.invented_share, 4),
            "readability": round(self.readability, 2),
            "problems": self.problems,
        }


def _price_phrase(key: str, value: Any, tone: str) -> str:
    amount = _value(value)
    if tone == "premium":
        return f"Priced at {amount}."
    if tone == "playful":
        return f"All yours for {amount}!"
    return f"Yours for {amount}." if tone == "friendly" else f"Price: {amount}."


def template_description(
    product: ProductInput, tone: str = "neutral", length: str = "medium"
) -> str:
    """The deterministic baseline: every attribute stated once, nothing else claimed."""
    attrs = dict(product.attributes)
    colour = next((attrs.pop(k) for k in ("colour", "color") if k in attrs), None)
    price_key = next((k for k in attrs if k.lower() in ("price", "cost")), None)
    price = attrs.pop(price_key) if price_key else None
    opener = _OPENERS.get(tone, _OPENERS["neutral"]).format(name=product.name)
    first = f"{opener} in {colour}." if colour is not None else f"{opener}."
    parts = [first]
    if attrs:
        listed = ", ".join(f"{k.replace('_', ' ')} {_value(v)}" for k, v in attrs.items())
        parts.append(f"It comes with {listed}.")
    if product.category and length != "short":
        parts.append(_CLOSERS.get(tone, _CLOSERS["neutral"]).format(category=product.category))
    if length == "long":
        parts.append(_EXTRA.get(tone, _EXTRA["neutral"]))
    if price is not None:
        parts.append(_price_phrase(price_key or "price", price, tone))
    return " ".join(parts)


def llm_description(
    backend: Any,
    product: ProductInput,
    tone: str = "neutral",
    length: str = "medium",
    prompt: Any = None,
) -> str:
    """Copy written by a language model with the few-shot ``describe`` prompt."""
    from vantage.solutions.genai.prompts import load_prompt

    template = prompt or load_prompt("describe")
    completion = backend.complete(
        template.messages(
            name=product.name,
            category=product.category or "general",
            attributes=product.attribute_text(),
            tone=tone,
            words=WORDS.get(length, 40),
        ),
        **template.options,
    )
    return re.sub(r"\s+", " ", completion.text).strip()


def measure(
    text: str,
    product: ProductInput,
    method: str,
    *,
    banned_terms: tuple[str, ...] | list[str] | None = None,
    max_chars: int | None = None,
) -> Description:
    """Coverage, invented facts, readability and guardrail problems of a description."""
    invented = metrics.invented_facts(text, product.source_text())
    limits: dict[str, Any] = {"max_chars": max_chars}
    if banned_terms is not None:
        limits["banned_terms"] = banned_terms
    return Description(
        text=text,
        method=method,
        coverage=metrics.attribute_coverage(text, product.facts()),
        invented=invented.invented,
        invented_share=invented.share,
        readability=metrics.readability(text),
        problems=check_output(text, **limits),
        product_id=product.product_id,
    )


def split_demo_name(name: str) -> tuple[str, str | None]:
    """``"Yoga Mat (purple)"`` -> ``("Yoga Mat", "purple")``."""
    match = re.fullmatch(r"(.+?) \(([^)]+)\)", name.strip())
    return (match.group(1), match.group(2)) if match else (name, None)
