"""Generated content: product descriptions (one, or a whole catalogue) and personalised messages.

Without a configured backend the deterministic templates write the copy; with one, the model
does (few-shot prompts) and every text is measured: attribute coverage, invented facts,
readability and guardrails (banned terms, length).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from vantage.core.errors import VantageError
from vantage.core.settings import Settings
from vantage.services.context import ServiceContext
from vantage.services.genai import get_backend, has_backend
from vantage.solutions.genai.describe import (
    ProductInput,
    llm_description,
    measure,
    split_demo_name,
    template_description,
)
from vantage.solutions.genai.errors import GenAIError
from vantage.solutions.genai.guardrails import DEFAULT_BANNED
from vantage.solutions.genai.messages import CHANNELS, CustomerProfile, compose_message

ContentMethod = Literal["auto", "template", "llm"]


def banned_terms(settings: Settings) -> list[str]:
    """The guardrail defaults plus ``[genai] banned_terms``."""
    return [*DEFAULT_BANNED, *settings.genai.banned_terms]


def _use_llm(settings: Settings, method: ContentMethod) -> bool:
    return method == "llm" or (method == "auto" and has_backend(settings))


def describe(
    settings: Settings,
    products: list[ProductInput],
    *,
    tone: str = "neutral",
    length: str = "medium",
    method: ContentMethod = "auto",
) -> list[dict[str, Any]]:
    """A description per product, with its quality measures.

    Raises:
        NoBackendError: ``llm`` without a configured backend.
    """
    backend = get_backend(settings) if _use_llm(settings, method) else None
    out = []
    for product in products:
        if backend is not None:
            text = llm_description(backend, product, tone, length)
            name = f"llm ({backend.model})"
        else:
            text, name = template_description(product, tone, length), "template"
        out.append(measure(text, product, name, banned_terms=banned_terms(settings)).as_dict())
    return out


def demo_catalogue() -> list[ProductInput]:
    """The demo workspace's products as description inputs (name, colour, category, price)."""
    from vantage.datasets.demo.world import products

    out = []
    for p in products():
        name, colour = split_demo_name(p.name)
        attributes: dict[str, str | int | float] = {"colour": colour} if colour else {}
        attributes["price"] = float(p.price)
        out.append(
            ProductInput(
                name=name, category=p.category, attributes=attributes, product_id=p.product_id
            )
        )
    return out


def read_catalogue(path: Path) -> list[ProductInput]:
    """Products from a CSV.

    Columns: ``name`` (required), ``category``, ``product_id``; the others are attributes.

    Raises:
        GenAIError: Missing file or ``name`` column.
    """
    if not path.is_file():
        raise GenAIError(f"Catalogue file {path} does not exist.", "Check the path.")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "name" not in rows[0]:
        raise GenAIError(
            f"{path.name} has no 'name' column.",
            "Give the CSV a header with name (and optionally category, product_id, attributes).",
        )
    out = []
    for row in rows:
        attributes: dict[str, str | int | float] = {
            k: v for k, v in row.items() if k not in ("name", "category", "product_id") and v
        }
        out.append(
            ProductInput(
                name=row["name"],
                category=row.get("category") or "",
                attributes=attributes,
                product_id=row.get("product_id") or None,
            )
        )
    return out


def describe_catalogue(
    settings: Settings,
    source: str = "demo",
    *,
    limit: int | None = None,
    tone: str = "neutral",
    length: str = "medium",
    method: ContentMethod = "auto",
) -> Iterator[dict[str, Any]]:
    """Describe a whole catalogue (``demo`` or a CSV path), one result per product, lazily."""
    products = demo_catalogue() if source == "demo" else read_catalogue(Path(source))
    for product in products[:limit]:
        yield describe(settings, [product], tone=tone, length=length, method=method)[0]


def profile_from_store(ctx: ServiceContext, customer_id: str) -> CustomerProfile:
    """A customer's message inputs from the warehouse.

    Traits, predictions, consent, and recommendations when a recommender can be used.

    Raises:
        VantageError: No such customer, or no workspace.
    """
    from vantage.services import profiles as profile_service
    from vantage.services.warehouse import open_warehouse

    with open_warehouse(ctx.settings) as store:
        found = profile_service.profile(store, customer_id)
    if not found["identifiers"]:
        raise profile_service.ProfileNotFoundError(
            f"No customer {customer_id!r}.",
            "Use a customer_id from `vantage profile show` or GET /v1/profiles?email=...",
        )
    return profile_from_view(customer_id, found, ctx)


def profile_from_view(
    customer_id: str, found: dict[str, Any], ctx: ServiceContext | None = None
) -> CustomerProfile:
    """Message inputs from a profile as ``services.profiles.profile`` (or the live view) returns.

    Args:
        customer_id: The customer.
        found: The profile (``traits``, ``computed_traits``, ``predictions``, ``consent``).
        ctx: When given, the customer's top recommendations are added (when a recommender
            can be used); without it, none (the fast path for triggers).
    """
    traits = {k: t["value"] for k, t in (found.get("traits") or {}).items()}
    traits.update(found.get("computed_traits") or {})
    names: list[str] = []
    if ctx is not None:
        try:
            from vantage.services.recommend import recommend_for

            items = recommend_for(ctx, customer_id, n=3)["items"]
            names = [str(i["name"]).split(" (")[0] for i in items if i.get("name")]
        except VantageError:
            names = []
    return CustomerProfile(
        customer_id=customer_id,
        first_name=_text(traits.pop("first_name", None) or traits.pop("firstName", None)),
        last_name=_text(traits.pop("last_name", None) or traits.pop("lastName", None)),
        traits={k: v for k, v in traits.items() if k not in ("email", "phone", "name")},
        predictions={p["model"]: float(p["score"]) for p in found.get("predictions") or []},
        recommendations=names,
        consent=dict(found.get("consent") or {}),
    )


def channel_consent(consent: dict[str, bool]) -> dict[str, bool]:
    """Channel -> whether a customer with these consent decisions may be messaged on it."""
    return {channel: consent.get(purpose) is True for channel, (purpose, _) in CHANNELS.items()}


def message_for(
    settings: Settings,
    profile: CustomerProfile,
    channel: str,
    *,
    goal: str | None = None,
    method: ContentMethod = "auto",
) -> dict[str, Any] | None:
    """The customer's message on one channel with its checks, or None without consent.

    The result is :func:`message`'s entry plus ``purpose`` (the consent purpose the channel
    needs, which the dispatcher checks again right before a send); ``invented`` (facts not in
    the profile), ``problems`` (guardrails broken) and ``warnings`` are the factuality checks.

    Raises:
        NoBackendError: ``llm`` without a configured backend.
        GenAIError: An unknown channel.
    """
    written = message(settings, profile, [channel], goal=goal, method=method)["messages"]
    if not written:
        return None
    return {**written[0], "purpose": CHANNELS[channel][0]}


def _text(value: Any) -> str | None:
    return str(value) if value else None


def message(
    settings: Settings,
    profile: CustomerProfile,
    channels: list[str],
    *,
    goal: str | None = None,
    method: ContentMethod = "auto",
) -> dict[str, Any]:
    """One message per channel the customer consented to; the others are listed as skipped.

    Raises:
        NoBackendError: ``llm`` without a configured backend.
        GenAIError: An unknown channel.
    """
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise GenAIError(f"Unknown channel {unknown[0]!r}.", f"Use any of: {', '.join(CHANNELS)}.")
    backend = None
    if _use_llm(settings, method):
        names = [n for n in (profile.first_name, profile.last_name) if n]
        backend = get_backend(settings, names=names)
    from vantage.solutions.genai.messages import can_message

    messages, skipped = [], []
    for channel in channels:
        if not can_message(profile, channel):
            skipped.append({"channel": channel, "reason": f"no {CHANNELS[channel][0]} consent"})
            continue
        written = compose_message(
            profile, channel, goal=goal, backend=backend, banned_terms=banned_terms(settings)
        )
        messages.append(written.as_dict())
    return {"customer_id": profile.customer_id, "messages": messages, "skipped": skipped}
