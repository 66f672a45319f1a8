"""Next best action: an action catalogue, eligibility, ranking by expected value, control group.

A catalogue (YAML) lists offers, messages and content::

    control_share: 0.1            # share of customers held out (they get no action)
    outcome_window: 14d           # a goal event this long after a decision is a conversion
    actions:
      - name: free-shipping
        kind: offer
        value: 12.0               # business value of one conversion
        cost: 0.5                 # cost of making the offer
        goal_event: Order Completed
        score: {model: propensity_30d}     # or {uplift: uplift_x} ; else popularity
        base_rate: 0.05           # conversion probability before any evidence
        eligibility:              # every rule must hold on the profile's traits
          - {trait: orders_30d, op: ">=", value: 1}
        segments: [vip]           # optional: member of every one (real-time segments)
        consent: email_marketing  # optional: the customer must have consented
        caps: {per_customer: 1, per: 7d, total: 1000}
      - name: come-back
        kind: message
        value: 5.0
        message: {channel: email, goal: win back}   # the decision carries the written message

Each eligible action's expected value is ``p * value - cost``. ``p`` is, in order, the uplift
score (the incremental probability, when ``score.uplift`` names a model with a score for the
customer), the model's score (``score.model``), or the action's observed conversion rate among
treated customers smoothed towards ``base_rate`` (popularity); the basis is reported with each
decision. Customers in the control group (a stable hash of their id) are assigned no action, but
the action they would have had is logged so ``vantage nba report`` compares like with like.

An action with ``message`` is only eligible for customers who may be messaged on its channel
(:attr:`CustomerView.channels`); the service then writes the message (``vantage.services``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vantage.activate.conditions import MISSING, compare, lookup
from vantage.activate.specs import (
    NAME_PATTERN,
    MessageSpec,
    Op,
    parse_duration,
    validation_problem,
)
from vantage.core.errors import ConfigError

_PRIOR_WEIGHT = 20.0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TraitRule(_Model):
    """A test on one profile trait (dotted path into the traits)."""

    trait: str = Field(min_length=1)
    op: Op = "="
    value: Any = None


class ScoreSource(_Model):
    """Which model's score gives the probability of a conversion."""

    model: str | None = None
    uplift: str | None = None


class Caps(_Model):
    """How often an action may be given."""

    per_customer: int | None = Field(None, ge=1)
    per: float = Field(7 * 86400.0, gt=0)
    total: int | None = Field(None, ge=1)

    @field_validator("per", mode="before")
    @classmethod
    def _per(cls, value: Any) -> float:
        return parse_duration(value)


class Action(_Model):
    """One entry of the catalogue."""

    name: str = Field(pattern=NAME_PATTERN)
    kind: Literal["offer", "message", "content"] = "offer"
    description: str = ""
    value: float = Field(ge=0, description="Business value of one conversion.")
    cost: float = Field(0.0, ge=0)
    goal_event: str = "Order Completed"
    score: ScoreSource = ScoreSource()
    base_rate: float = Field(0.05, ge=0, le=1)
    eligibility: list[TraitRule] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list)
    consent: str | None = None
    recommend: bool = Field(False, description="Attach the customer's top recommended product.")
    message: MessageSpec | None = Field(
        None, description="Write the customer's personalised message (kind message only)."
    )
    caps: Caps = Caps()

    @model_validator(mode="after")
    def _message_kind(self) -> Action:
        if self.message is not None and self.kind != "message":
            raise ValueError(
                f"message is set on action {self.name!r} of kind {self.kind}; "
                "only actions of kind message carry a message (set kind: message)"
            )
        return self


class Catalogue(_Model):
    """The action catalogue."""

    control_share: float = Field(0.1, ge=0, lt=1)
    outcome_window: float = Field(14 * 86400.0, gt=0)
    salt: str = "vantage-nba"
    actions: list[Action] = Field(min_length=1)

    @field_validator("outcome_window", mode="before")
    @classmethod
    def _window(cls, value: Any) -> float:
        return parse_duration(value)

    @field_validator("actions")
    @classmethod
    def _unique(cls, actions: list[Action]) -> list[Action]:
        names = [a.name for a in actions]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"action names must be unique; repeated: {', '.join(twice)}")
        return actions


def load_catalogue(source: str | Path | Mapping[str, Any]) -> Catalogue:
    """The catalogue from a mapping, YAML text or a YAML file (a :class:`~pathlib.Path`).

    Raises:
        ConfigError: The catalogue is invalid; the message names each offending field.
    """
    if isinstance(source, Mapping):
        data: Any = dict(source)
    else:
        text = source.read_text() if isinstance(source, Path) else source
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"The action catalogue is not valid YAML: {exc}.", None) from exc
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            validation_problem(exc, "action catalogue"),
            "Each action needs name and value; see docs/activation.md for the format.",
        ) from exc


def in_control(customer_id: str, share: float, salt: str = "vantage-nba") -> bool:
    """Whether a customer belongs to the random control group (stable for a given salt)."""
    digest = hashlib.sha256(f"{salt}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


@dataclass(frozen=True)
class CustomerView:
    """What ranking knows about one customer.

    Attributes:
        traits: Profile traits (imported and computed), merged.
        scores: Model name -> the customer's latest score.
        segments: Segments the customer belongs to.
        consent: Purpose -> granted.
        given: Action name -> times given to the customer within its cap window.
        channels: Message channel -> whether the customer consented to its purpose.
    """

    traits: Mapping[str, Any]
    scores: Mapping[str, float]
    segments: frozenset[str] = frozenset()
    consent: Mapping[str, bool] = field(default_factory=dict)
    given: Mapping[str, int] = field(default_factory=dict)
    channels: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Ranked:
    """One eligible action with its expected value and how it was estimated."""

    action: Action
    probability: float
    expected_value: float
    basis: str

    def public(self) -> dict[str, Any]:
        """Plain data for the API and the CLI."""
        return {
            "action": self.action.name,
            "kind": self.action.kind,
            "description": self.action.description,
            "probability": round(self.probability, 6),
            "expected_value": round(self.expected_value, 6),
            "basis": self.basis,
        }


def ineligible_reason(action: Action, view: CustomerView) -> str | None:
    """Why the customer cannot have the action, or None when they can."""
    for rule in action.eligibility:
        actual = lookup(view.traits, rule.trait)
        if not compare(actual, rule.op, rule.value):
            shown = "missing" if actual is MISSING else repr(actual)
            return f"trait {rule.trait} {rule.op} {rule.value!r} fails ({shown})"
    missing = [s for s in action.segments if s not in view.segments]
    if missing:
        return f"not in segment(s) {', '.join(missing)}"
    if action.consent is not None and not view.consent.get(action.consent, False):
        return f"no consent for {action.consent}"
    if action.message is not None and not view.channels.get(action.message.channel, False):
        return f"no consent for {action.message.channel} messages"
    cap = action.caps.per_customer
    if cap is not None and view.given.get(action.name, 0) >= cap:
        return "per-customer cap reached"
    return None


def probability(
    action: Action, view: CustomerView, popularity: Mapping[str, tuple[int, int]]
) -> tuple[float, str, bool]:
    """The conversion probability used for ``action``, its basis, and whether it is uplift."""
    source = action.score
    if source.uplift is not None and source.uplift in view.scores:
        return view.scores[source.uplift], f"uplift:{source.uplift}", True
    if source.model is not None and source.model in view.scores:
        return min(max(view.scores[source.model], 0.0), 1.0), f"model:{source.model}", False
    treated, converted = popularity.get(action.name, (0, 0))
    smoothed = (converted + _PRIOR_WEIGHT * action.base_rate) / (treated + _PRIOR_WEIGHT)
    return smoothed, "popularity" if treated else "rule", False


def rank(
    catalogue: Catalogue,
    view: CustomerView,
    popularity: Mapping[str, tuple[int, int]] | None = None,
    totals: Mapping[str, int] | None = None,
) -> tuple[list[Ranked], dict[str, str]]:
    """Eligible actions, best expected value first, and why the others were left out.

    Args:
        catalogue: The actions.
        view: The customer.
        popularity: Action -> (treated, converted) so far, for the popularity fallback.
        totals: Action -> times given overall, for total caps.
    """
    ranked: list[Ranked] = []
    skipped: dict[str, str] = {}
    for action in catalogue.actions:
        reason = ineligible_reason(action, view)
        total = action.caps.total
        if reason is None and total is not None and (totals or {}).get(action.name, 0) >= total:
            reason = "total cap reached"
        if reason is not None:
            skipped[action.name] = reason
            continue
        p, basis, _ = probability(action, view, popularity or {})
        ranked.append(Ranked(action, p, p * action.value - action.cost, basis))
    ranked.sort(key=lambda r: (-r.expected_value, r.action.name))
    return ranked, skipped


def best(ranked: Sequence[Ranked]) -> Ranked | None:
    """The first ranked action worth giving (positive expected value), if any."""
    return next((r for r in ranked if r.expected_value > 0), None)
