"""Destinations and triggers: add, list, test, remove; the delivery audit; audience exports.

Definitions are stored in the activation state (``<home>/activate/activation.sqlite``) and
picked up by a running server within a second (see
:mod:`vantage.services.activation_runtime`). Batch exports of an audience to a file or an ad
customer list read identifiers, names and consent from the warehouse and never include a
customer without consent for the destination's purpose; every customer exported or refused is
recorded in the audit.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from vantage.activate.exports import write_customer_list, write_file_export
from vantage.activate.specs import (
    AdsDestinationSpec,
    DestinationSpec,
    FileDestinationSpec,
    TriggerSpec,
    WebhookDestinationSpec,
    destination_json,
    load_destination,
    load_trigger,
)
from vantage.activate.state import ActivationError, ActivationState, Delivery, new_delivery
from vantage.activate.webhook import WebhookSender
from vantage.core.errors import ConfigError
from vantage.profiles.consent import ConsentConfig, can_contact
from vantage.services.context import ServiceContext
from vantage.services.warehouse import open_warehouse

Definition = str | Path | dict[str, Any]


def activation_state(ctx: ServiceContext) -> ActivationState:
    """The activation state of the context's data directory."""
    return ActivationState(ctx.settings.home)


def _check_purpose(purpose: str) -> None:
    config = ConsentConfig()
    if purpose not in config.purposes:
        raise ConfigError(
            f"Invalid destination: purpose: unknown consent purpose {purpose!r}.",
            f"Use one of {', '.join(config.purposes)} (or add it to the consent purposes).",
        )


def destination_public(state: ActivationState, spec: DestinationSpec) -> dict[str, Any]:
    """A destination as shown by the CLI and the API (no secret), with delivery counts."""
    return {**destination_json(spec), "deliveries": state.counts().get(spec.name, {})}


def add_destination(
    ctx: ServiceContext, definition: Definition, *, replace: bool = False
) -> dict[str, Any]:
    """Validate and store a destination.

    Returns:
        The destination, plus ``secret`` for webhooks (shown once; give it to the receiver).

    Raises:
        ConfigError: The definition is invalid (the message names the field).
        ActivationError: The name is taken and ``replace`` is False.
    """
    spec = load_destination(definition)
    _check_purpose(spec.purpose)
    state = activation_state(ctx)
    secret = state.add_destination(spec, replace=replace)
    public = destination_public(state, state.destination(spec.name))
    return {**public, "secret": secret} if secret else public


def list_destinations(ctx: ServiceContext) -> list[dict[str, Any]]:
    """Every destination with its delivery counts per status."""
    state = activation_state(ctx)
    return [destination_public(state, d) for d in state.destinations()]


def get_destination(ctx: ServiceContext, name: str) -> dict[str, Any]:
    """One destination.

    Raises:
        ActivationError: No such destination.
    """
    state = activation_state(ctx)
    return destination_public(state, state.destination(name))


def remove_destination(ctx: ServiceContext, name: str) -> None:
    """Delete a destination (after its triggers).

    Raises:
        ActivationError: Unknown, or still used by a trigger.
    """
    activation_state(ctx).remove_destination(name)


def test_destination(ctx: ServiceContext, name: str) -> dict[str, Any]:
    """Send one test record now (no customer data) and report the result and the latency.

    Webhooks get one signed POST (no retries); file and ad-list destinations get one file.
    The attempt is audited as ``sent`` or ``failed`` (never a dead letter).

    Raises:
        ActivationError: No such destination.
    """
    state = activation_state(ctx)
    spec = state.destination(name)
    payload = {"kind": "test", "destination": name, "customer_id": "test", "sent_at": time.time()}
    delivery = new_delivery(name, "test", spec.purpose, payload)
    started = time.perf_counter()
    status, error, where = "sent", None, None
    code: int | None = None
    try:
        if isinstance(spec, WebhookDestinationSpec):
            sender = WebhookSender(spec, state.secret(name) or "")
            try:
                attempt = sender.send(orjson.dumps(payload), delivery.id, 1)
            finally:
                sender.close()
            code, error = attempt.status, attempt.error
            status = "sent" if attempt.ok else "failed"
        elif isinstance(spec, FileDestinationSpec):
            where = str(write_file_export(spec, [payload]))
        else:
            sample = {"email": "test@example.com", "first_name": "Test", "country": "GB"}
            where = str(write_customer_list(spec, [sample]))
    except OSError as exc:
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    elapsed_ms = (time.perf_counter() - started) * 1000
    state.record(
        [
            Delivery(
                **{
                    **delivery.public(),
                    "status": status,
                    "attempts": 1,
                    "sent_at": time.time() if status == "sent" else None,
                    "response_status": code,
                    "last_error": error,
                }
            )
        ]
    )
    return {
        "destination": name,
        "ok": status == "sent",
        "status_code": code,
        "error": error,
        "file": where,
        "latency_ms": round(elapsed_ms, 1),
        "delivery_id": delivery.id,
    }


def add_trigger(
    ctx: ServiceContext, definition: Definition, *, replace: bool = False
) -> TriggerSpec:
    """Validate and store a trigger.

    Raises:
        ConfigError: The definition is invalid (the message names the field).
        ActivationError: Unknown destination, or the name is taken.
    """
    spec = load_trigger(definition)
    activation_state(ctx).add_trigger(spec, replace=replace)
    return spec


def list_triggers(ctx: ServiceContext) -> list[TriggerSpec]:
    """Every trigger."""
    return activation_state(ctx).triggers()


def remove_trigger(ctx: ServiceContext, name: str) -> None:
    """Delete a trigger.

    Raises:
        ActivationError: No such trigger.
    """
    activation_state(ctx).remove_trigger(name)


def deliveries(
    ctx: ServiceContext,
    *,
    destination: str | None = None,
    status: str | None = None,
    customer_id: str | None = None,
    limit: int = 100,
) -> list[Delivery]:
    """The audit: what was sent (or refused, or given up) where and when, newest first."""
    return activation_state(ctx).deliveries(
        destination=destination, status=status, customer_id=customer_id, limit=limit
    )


def retry_dead(ctx: ServiceContext, destination: str) -> int:
    """Re-queue a destination's dead letters (a running server sends them within a second).

    Raises:
        ActivationError: No such destination.
    """
    state = activation_state(ctx)
    state.destination(destination)
    return len(state.requeue_dead(destination))


def _customer_records(ctx: ServiceContext, customers: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Identifiers and names of customers from the warehouse, with their consent state."""
    from vantage.profiles.consent_ledger import ConsentLedger

    wanted = list(dict.fromkeys(customers))
    records: dict[str, dict[str, Any]] = {c: {"customer_id": c} for c in wanted}
    with open_warehouse(ctx.settings) as store:
        ids = store.table("identity_map")
        rows = store.execute(ids.filter(ids.customer_id.isin(wanted)))
        for customer, id_type, value in zip(
            rows["customer_id"], rows["id_type"], rows["id_value"], strict=True
        ):
            key = {"email": "emails", "phone": "phones"}.get(str(id_type))
            if key is not None:
                records[str(customer)].setdefault(key, []).append(str(value))
        states: dict[Any, dict[str, bool]] = {}
        if store.has_table("consent_ledger"):
            mine = ids.filter(ids.customer_id.isin(wanted))
            states = ConsentLedger(store).customer_states(mine)
    for customer, record in records.items():
        record["consent"] = states.get(customer, {})
    return records


def export_audience(
    ctx: ServiceContext, destination: str, customers: Sequence[str]
) -> dict[str, Any]:
    """Export customers to a file or ad-list destination, leaving out those without consent.

    Args:
        ctx: The service context.
        destination: A file or ads destination.
        customers: The customer ids (e.g. a segment's members).

    Returns:
        ``{"destination", "file", "exported", "blocked"}``.

    Raises:
        ActivationError: Unknown destination, or a webhook (send to it with a trigger).
    """
    state = activation_state(ctx)
    spec = state.destination(destination)
    if isinstance(spec, WebhookDestinationSpec):
        raise ActivationError(
            f"Destination {destination!r} is a webhook; exports write files.",
            "Export to a file or ads destination, or send to the webhook with a trigger.",
        )
    records = _customer_records(ctx, customers)
    config = ConsentConfig()
    allowed = [r for r in records.values() if can_contact(r["consent"], spec.purpose, config)]
    refused = [r for r in records.values() if not can_contact(r["consent"], spec.purpose, config)]
    rows = [{k: v for k, v in r.items() if k != "consent"} for r in allowed]
    if isinstance(spec, AdsDestinationSpec):
        path = write_customer_list(spec, rows)
    else:
        flat = [{**r, **{k: ";".join(r.get(k, [])) for k in ("emails", "phones")}} for r in rows]
        path = write_file_export(spec, flat)
    now = time.time()
    audit = [
        Delivery(
            **{
                **new_delivery(
                    spec.name, r["customer_id"], spec.purpose, {"file": str(path)}
                ).public(),
                "status": "sent",
                "attempts": 1,
                "sent_at": now,
            }
        )
        for r in allowed
    ]
    audit += [
        new_delivery(spec.name, r["customer_id"], spec.purpose, None, status="blocked")
        for r in refused
    ]
    state.record(audit)
    return {
        "destination": spec.name,
        "file": str(path),
        "exported": len(allowed),
        "blocked": len(refused),
    }
