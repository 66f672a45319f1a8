"""Personalised marketing messages from a customer profile, one per channel, consent first.

A message is written only when the customer granted the channel's consent purpose
(:data:`CHANNELS`); otherwise :class:`~vantage.solutions.genai.errors.ConsentError`. The goal
follows the predictions (high churn risk: win back; high purchase propensity: nudge; else
recommend). The template method is deterministic; with a language model the ``message``
prompt writes it, and an answer that invents facts or breaks a guardrail falls back to the
template (with a warning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from vantage.solutions.genai import metrics
from vantage.solutions.genai.errors import ConsentError
from vantage.solutions.genai.guardrails import check_output

Channel = Literal["email", "sms", "push", "web"]
CHANNELS: dict[str, tuple[str, int]] = {
    "email": ("email_marketing", 600),
    "sms": ("sms_marketing", 160),
    "push": ("personalisation", 120),
    "web": ("personalisation", 300),
}
GOALS = ("recommend", "win back", "nudge to buy", "thank")


class CustomerProfile(BaseModel):
    """What a message may use about a customer."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str = Field(min_length=1, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    traits: dict[str, Any] = Field(default_factory=dict)
    predictions: dict[str, float] = Field(
        default_factory=dict, description="Model name to score (churn, propensity, clv...)."
    )
    recommendations: list[str] = Field(default_factory=list, description="Product names.")
    consent: dict[str, bool] = Field(default_factory=dict, description="Purpose to decision.")

    def facts(self) -> str:
        """Traits and order counts worth saying, as text for prompts."""
        shown = []
        for key, value in self.traits.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                shown.append(f"{key.replace('_', ' ')}: {value}")
        return "; ".join(shown[:8]) or "none"

    def source_text(self) -> str:
        """Everything given, as text (what invented facts are checked against)."""
        return " ".join(
            [
                self.first_name or "",
                self.facts(),
                " ".join(self.recommendations),
                " ".join(f"{k} {v}" for k, v in self.predictions.items()),
            ]
        )


@dataclass(frozen=True)
class PersonalMessage:
    """A message for one customer on one channel, with its checks."""

    customer_id: str
    channel: str
    text: str
    subject: str | None
    goal: str
    method: str
    invented: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "customer_id": self.customer_id,
            "channel": self.channel,
            "subject": self.subject,
            "text": self.text,
            "goal": self.goal,
            "method": self.method,
            "invented": self.invented,
            "problems": self.problems,
            "warnings": self.warnings,
        }


def can_message(profile: CustomerProfile, channel: str) -> bool:
    """Whether the customer granted the consent purpose of ``channel``."""
    purpose = CHANNELS[channel][0]
    return profile.consent.get(purpose) is True


def require_consent(profile: CustomerProfile, channel: str) -> None:
    """Refuse a channel the customer did not consent to.

    Raises:
        ConsentError: Unknown channel, or no granted consent for its purpose.
    """
    if channel not in CHANNELS:
        raise ConsentError(f"Unknown channel {channel!r}.", f"Use one of: {', '.join(CHANNELS)}.")
    if not can_message(profile, channel):
        purpose = CHANNELS[channel][0]
        raise ConsentError(
            f"Customer {profile.customer_id} has not consented to {purpose}, so no {channel} "
            "message is written.",
            f"Record the customer's {purpose} consent first, or pick a channel they allowed.",
        )


def choose_goal(profile: CustomerProfile) -> str:
    """Win back at churn risk >= 0.5, nudge at purchase propensity >= 0.5, else recommend."""
    for model, score in profile.predictions.items():
        if "churn" in model and score >= 0.5:
            return "win back"
    for model, score in profile.predictions.items():
        if "propensity" in model and score >= 0.5:
            return "nudge to buy"
    return "recommend" if profile.recommendations else "thank"


def template_message(profile: CustomerProfile, channel: str, goal: str) -> tuple[str, str | None]:
    """The deterministic message and (for e-mail) its subject."""
    name = profile.first_name or "there"
    products = profile.recommendations[:2]
    pick = " and the ".join(products)
    lines = {
        "win back": (f"We miss you, {name}!", "It has been a while since your last visit."),
        "nudge to buy": (f"Still thinking it over, {name}?", "Your favourites are waiting."),
        "recommend": (f"Picked for you, {name}", "We chose something we think you will like."),
        "thank": (f"Thank you, {name}", "Thanks for shopping with us."),
    }
    headline, body = lines.get(goal, lines["recommend"])
    offer = f" Take a look at the {pick}." if pick else ""
    if channel == "email":
        text = f"Hi {name}, {body[0].lower()}{body[1:]}{offer} See you soon!"
        return text, headline
    if channel == "sms":
        short = f" See the {products[0]}." if products else ""
        return f"Hi {name}! {body}{short}"[: CHANNELS["sms"][1]], None
    return f"{headline}.{offer}", None


def llm_message(
    backend: Any, profile: CustomerProfile, channel: str, goal: str, prompt: Any = None
) -> str:
    """A message written by a language model with the ``message`` prompt."""
    from vantage.solutions.genai.prompts import load_prompt

    template = prompt or load_prompt("message")
    completion = backend.complete(
        template.messages(
            channel=channel,
            max_chars=CHANNELS[channel][1],
            first_name=profile.first_name or "customer",
            facts=profile.facts(),
            products=", ".join(profile.recommendations[:3]) or "none",
            goal=goal,
        ),
        **template.options,
    )
    return " ".join(completion.text.split())


def compose_message(
    profile: CustomerProfile,
    channel: str,
    *,
    goal: str | None = None,
    backend: Any = None,
    banned_terms: list[str] | tuple[str, ...] | None = None,
) -> PersonalMessage:
    """Write a message for ``profile`` on ``channel``.

    Args:
        profile: The customer.
        channel: ``email``, ``sms``, ``push`` or ``web``.
        goal: What the message is for (default: chosen from the predictions).
        backend: A language model; ``None`` uses the template.
        banned_terms: Terms the message must not contain (default: the guardrail defaults).

    Raises:
        ConsentError: The customer did not consent to the channel's purpose.
    """
    require_consent(profile, channel)
    goal = goal or choose_goal(profile)
    max_chars = CHANNELS[channel][1]
    limits: dict[str, Any] = {"max_chars": max_chars}
    if banned_terms is not None:
        limits["banned_terms"] = banned_terms
    warnings: list[str] = []
    if backend is not None:
        text = llm_message(backend, profile, channel, goal)
        invented = metrics.invented_facts(text, profile.source_text()).invented
        problems = check_output(text, **limits)
        if not invented and not problems:
            return PersonalMessage(
                profile.customer_id, channel, text, None, goal, f"llm ({backend.model})"
            )
        reasons = problems + [f"invented {', '.join(invented)}"] * bool(invented)
        warnings.append(f"model answer rejected ({'; '.join(reasons)}); template used")
    text, subject = template_message(profile, channel, goal)
    return PersonalMessage(
        profile.customer_id,
        channel,
        text,
        subject,
        goal,
        "template",
        metrics.invented_facts(text, profile.source_text()).invented,
        check_output(text, **limits),
        warnings,
    )
