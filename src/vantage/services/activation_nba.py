"""Next best action for one customer, decision and outcome logging, and the lift report.

:func:`next_best_action` reads the customer's profile (traits, computed traits, consent and
model scores from the ``predictions`` table; live when the server passes its live view), ranks
the catalogue's eligible actions by expected value (:mod:`vantage.activate.nba`), puts the
customer in the treatment or the random control group, and logs the decision. Outcomes are
recorded when the action's goal event arrives (the server does it from the real-time bus) or
with :func:`record_outcome`; decisions whose window ends without one count as not converted.
An action with ``message`` (kind ``message``) carries the customer's personalised message for
its channel (:func:`vantage.services.genai_content.message_for`, with its factuality checks);
customers without consent for the channel are never given it.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vantage.activate.lift import LiftRow, lift_report
from vantage.activate.nba import (
    Catalogue,
    CustomerView,
    Ranked,
    best,
    in_control,
    load_catalogue,
    rank,
)
from vantage.activate.specs import MessageSpec
from vantage.activate.state import ActivationError, ActivationState, NotFoundError
from vantage.core.settings import Settings
from vantage.services.context import ServiceContext
from vantage.services.genai_content import channel_consent
from vantage.services.warehouse import open_warehouse

if TYPE_CHECKING:
    from vantage.services.live import LiveProfiles


def catalogue_path(settings: Settings) -> Path:
    """Where the action catalogue is read from (``[activate] catalogue``)."""
    return settings.activate.catalogue or Path(settings.home) / "activate" / "actions.yml"


def load_catalogue_of(settings: Settings) -> Catalogue:
    """The configured action catalogue, with the configured control share applied.

    Raises:
        ActivationError: No catalogue file.
        ConfigError: The catalogue is invalid.
    """
    path = catalogue_path(settings)
    if not path.is_file():
        raise ActivationError(
            f"No action catalogue at {path}.",
            "Write one (see docs/activation.md) there or set [activate] catalogue in "
            "vantage.toml (VANTAGE_ACTIVATE__CATALOGUE).",
        )
    catalogue = load_catalogue(path)
    share = settings.activate.control_share
    return catalogue if share is None else catalogue.model_copy(update={"control_share": share})


def _profile(ctx: ServiceContext, customer_id: str, live: LiveProfiles | None) -> dict[str, Any]:
    from vantage.services.profiles import profile

    if live is not None:
        return live.profile(customer_id)
    with open_warehouse(ctx.settings) as store:
        return profile(store, customer_id)


def _view(
    found: dict[str, Any], decisions: list[dict[str, Any]], catalogue: Catalogue
) -> CustomerView:
    traits = {name: t.get("value") for name, t in (found.get("traits") or {}).items()}
    traits.update(found.get("computed_traits") or {})
    scores = {str(p["model"]): float(p["score"]) for p in found.get("predictions") or []}
    now = time.time()
    windows = {a.name: a.caps.per for a in catalogue.actions}
    given: dict[str, int] = {}
    for row in decisions:
        action = row["action"]
        recent = action in windows and row["decided_at"] >= now - windows[action]
        if row["grp"] == "treatment" and recent:
            given[action] = given.get(action, 0) + 1
    consent = dict(found.get("consent") or {})
    return CustomerView(
        traits=traits,
        scores=scores,
        segments=frozenset(found.get("segments") or []),
        consent=consent,
        given=given,
        channels=channel_consent(consent),
    )


def next_best_action(
    ctx: ServiceContext,
    customer_id: str,
    *,
    live: LiveProfiles | None = None,
    catalogue: Catalogue | None = None,
    log: bool = True,
) -> dict[str, Any]:
    """Decide the customer's next best action and log the decision.

    Args:
        ctx: The service context.
        customer_id: The customer.
        live: The server's live view (profile current to the last event), if any.
        catalogue: The actions (default: the configured catalogue).
        log: Record the decision (turn off for previews).

    Returns:
        ``customer_id, decision_id, group (treatment | control), action`` (None for the
        control group or when nothing is worth giving; a message action has ``message``: the
        text, subject, goal, method and its checks), ``would_have_been`` (the action a
        control customer would have had, without a message), ``ranked`` (eligible actions,
        best first) and ``ineligible`` (action -> why).

    Raises:
        ProfileNotFoundError: Unknown customer.
        ActivationError: No catalogue.
    """
    chosen_catalogue = catalogue or load_catalogue_of(ctx.settings)
    state = ActivationState(ctx.settings.home)
    found = _profile(ctx, customer_id, live)
    if any(a.segments for a in chosen_catalogue.actions):
        from vantage.services.segments import segments_of

        found["segments"] = segments_of(ctx, customer_id)
    view = _view(found, state.decisions(customer_id), chosen_catalogue)
    stats = state.action_stats()
    popularity = {name: (known, conv) for name, (known, conv, _) in stats.items()}
    totals = {name: total for name, (_, _, total) in stats.items()}
    ranked, skipped = rank(chosen_catalogue, view, popularity, totals)
    top = best(ranked)
    control = in_control(customer_id, chosen_catalogue.control_share, chosen_catalogue.salt)
    group = "control" if control else "treatment"
    decision_id = uuid.uuid4().hex
    now = time.time()
    if log:
        state.record_decision(
            {
                "id": decision_id,
                "customer_id": customer_id,
                "action": top.action.name if top else None,
                "grp": group,
                "expected_value": top.expected_value if top else None,
                "probability": top.probability if top else None,
                "basis": top.basis if top else None,
                "goal_event": top.action.goal_event if top else None,
                "decided_at": now,
                "expires_at": now + chosen_catalogue.outcome_window,
            }
        )
    chosen = None if top is None else _with_item(ctx, customer_id, top)
    spec = top.action.message if top is not None else None
    if chosen is not None and spec is not None and not control:
        chosen["message"] = _message(ctx, customer_id, found, spec)
    return {
        "customer_id": customer_id,
        "decision_id": decision_id if log else None,
        "group": group,
        "action": None if control else chosen,
        "would_have_been": chosen if control else None,
        "ranked": [r.public() for r in ranked],
        "ineligible": skipped,
        "control_share": chosen_catalogue.control_share,
    }


def _with_item(ctx: ServiceContext, customer_id: str, top: Ranked) -> dict[str, Any]:
    """The chosen action as plain data, with the top recommended product for content actions."""
    chosen = top.public()
    if top.action.recommend:
        from vantage.services.recommend import RecommendError, recommend_for

        try:
            items = recommend_for(ctx, customer_id, 1)["items"]
        except RecommendError:
            items = []
        chosen["item"] = items[0] if items else None
    return chosen


def _message(
    ctx: ServiceContext, customer_id: str, found: dict[str, Any], spec: MessageSpec
) -> dict[str, Any] | None:
    """The chosen message action's text for the customer (None without channel consent)."""
    from vantage.services.genai_content import message_for, profile_from_view

    person = profile_from_view(customer_id, found, ctx)
    return message_for(ctx.settings, person, spec.channel, goal=spec.goal, method=spec.method)


def record_outcome(
    ctx: ServiceContext, decision_id: str, *, converted: bool, value: float | None = None
) -> None:
    """Record a decision's outcome by hand (e.g. from an offline conversion).

    Raises:
        ActivationError: Unknown decision, or its outcome is already recorded.
    """
    state = ActivationState(ctx.settings.home)
    if not state.record_outcome(decision_id, converted=converted, value=value, at=time.time()):
        raise NotFoundError(
            f"Decision {decision_id!r} is unknown or already has an outcome.",
            "Use a decision_id returned by `vantage nba decide` or the API, once.",
        )


def report(ctx: ServiceContext, alpha: float = 0.05) -> list[LiftRow]:
    """Lift of treatment over control, overall and per action, with confidence intervals.

    Decisions whose outcome window ended without the goal event are closed as not converted
    first.
    """
    state = ActivationState(ctx.settings.home)
    state.close_expired(time.time())
    return lift_report(state.decisions(), alpha=alpha)
