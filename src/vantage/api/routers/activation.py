"""Admin API for activation: destinations, triggers, the delivery audit, next best action.

Changes made here reach the server's running triggers and workers at once. Every route needs
the admin token.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from vantage.activate.specs import DestinationSpec, TriggerSpec
from vantage.activate.state import ConflictError, NotFoundError
from vantage.api.deps import AdminDep, Runtime, RuntimeDep
from vantage.api.errors import ApiError, from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.core.errors import ConfigError, VantageError
from vantage.services.context import ServiceContext
from vantage.services.profiles import ProfileNotFoundError

router = APIRouter(
    tags=["activation"],
    dependencies=[AdminDep],
    responses={401: {"model": ErrorBody, "description": "Missing or wrong admin token."}},
)
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Invalid definition."},
    404: {"model": ErrorBody, "description": "Unknown destination, trigger or customer."},
    409: {"model": ErrorBody, "description": "Name taken, still in use, or no catalogue."},
}
NamePath = Annotated[str, Path(min_length=1, max_length=63)]
IdPath = Annotated[str, Path(min_length=1, max_length=200)]
ReplaceQuery = Annotated[bool, Query(description="Replace an existing definition of that name.")]


class DestinationPublic(BaseModel):
    """A destination (without its secret) and its deliveries per status."""

    model_config = {"extra": "allow"}

    name: str
    kind: str
    purpose: str
    deliveries: dict[str, int] = Field(default_factory=dict)


class DestinationCreated(DestinationPublic):
    """A new destination; ``secret`` is the webhook signing secret, shown only here."""

    secret: str | None = Field(None, description="Webhook signing secret (null for files).")


class TestResult(BaseModel):
    """The result of one test send."""

    destination: str
    ok: bool
    status_code: int | None
    error: str | None
    file: str | None
    latency_ms: float
    delivery_id: str


class DeliveryPublic(BaseModel):
    """One audit row: what was sent (or refused, or given up) where and when."""

    id: str
    destination: str
    trigger: str | None
    customer_id: str
    purpose: str
    payload: dict[str, Any] | None
    status: str
    attempts: int
    due_at: float
    created_at: float
    sent_at: float | None
    response_status: int | None
    last_error: str | None


class OutcomeCreate(BaseModel):
    """The outcome of a next-best-action decision."""

    decision_id: str = Field(min_length=1, max_length=64)
    converted: bool
    value: float | None = Field(None, description="E.g. the order's revenue.")


class LiftPublic(BaseModel):
    """Treatment against control for one action (or ``all``)."""

    action: str
    treated: int
    treated_conversions: int
    treated_rate: float | None
    control: int
    control_conversions: int
    control_rate: float | None
    lift: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    significant: bool
    value: float


def _ctx(runtime: Runtime) -> ServiceContext:
    return ServiceContext(runtime.settings)


def _api_error(exc: VantageError) -> ApiError:
    if isinstance(exc, NotFoundError):
        return from_vantage_error(exc, 404, "not_found")
    if isinstance(exc, ConflictError):
        return from_vantage_error(exc, 409, "conflict")
    if isinstance(exc, ConfigError):
        return from_vantage_error(exc, 400, "invalid_definition")
    return from_vantage_error(exc, 400, "activation_error")


def _changed(runtime: Runtime) -> None:
    if runtime.activation is not None:
        runtime.activation.reload()


@router.get("/v1/destinations", response_model=list[DestinationPublic], summary="Destinations")
def list_destinations(runtime: RuntimeDep) -> list[dict[str, Any]]:
    """Every destination with its deliveries per status (sent, pending, dead, blocked)."""
    from vantage.services import activation

    return activation.list_destinations(_ctx(runtime))


@router.post(
    "/v1/destinations",
    response_model=DestinationCreated,
    status_code=201,
    summary="Add a destination",
    responses=_ERRORS,
)
def add_destination(
    runtime: RuntimeDep,
    definition: Annotated[DestinationSpec, Body()],
    replace: ReplaceQuery = False,
) -> dict[str, Any]:
    """Add a webhook, file or ads destination; a webhook's signing secret is returned once."""
    from vantage.services import activation

    try:
        found = activation.add_destination(
            _ctx(runtime), definition.model_dump(mode="json"), replace=replace
        )
    except VantageError as exc:
        raise _api_error(exc) from exc
    _changed(runtime)
    return found


@router.get(
    "/v1/destinations/{name}",
    response_model=DestinationPublic,
    summary="One destination",
    responses=_ERRORS,
)
def get_destination(name: NamePath, runtime: RuntimeDep) -> dict[str, Any]:
    """One destination with its deliveries per status."""
    from vantage.services import activation

    try:
        return activation.get_destination(_ctx(runtime), name)
    except VantageError as exc:
        raise _api_error(exc) from exc


@router.delete(
    "/v1/destinations/{name}", status_code=204, summary="Remove a destination", responses=_ERRORS
)
def remove_destination(name: NamePath, runtime: RuntimeDep) -> Response:
    """Remove a destination (remove its triggers first)."""
    from vantage.services import activation

    try:
        activation.remove_destination(_ctx(runtime), name)
    except VantageError as exc:
        raise _api_error(exc) from exc
    _changed(runtime)
    return Response(status_code=204)


@router.post(
    "/v1/destinations/{name}/test",
    response_model=TestResult,
    summary="Send a test record",
    responses=_ERRORS,
)
def test_destination(name: NamePath, runtime: RuntimeDep) -> dict[str, Any]:
    """Send one test record (no customer data) now; reports the status and the latency."""
    from vantage.services import activation

    try:
        return activation.test_destination(_ctx(runtime), name)
    except VantageError as exc:
        raise _api_error(exc) from exc


@router.get(
    "/v1/destinations/{name}/deliveries",
    response_model=list[DeliveryPublic],
    summary="Delivery audit of a destination",
    responses=_ERRORS,
)
def destination_deliveries(
    name: NamePath,
    runtime: RuntimeDep,
    status: Annotated[
        Literal["pending", "sent", "dead", "blocked", "failed"] | None,
        Query(description="Only these."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """What was sent, refused for lack of consent, pending or dead, newest first."""
    from vantage.services import activation

    ctx = _ctx(runtime)
    try:
        activation.get_destination(ctx, name)
    except VantageError as exc:
        raise _api_error(exc) from exc
    rows = activation.deliveries(ctx, destination=name, status=status, limit=limit)
    return [r.public() for r in rows]


@router.post(
    "/v1/destinations/{name}/retry",
    summary="Re-queue a destination's dead letters",
    responses=_ERRORS,
)
def retry_dead(name: NamePath, runtime: RuntimeDep) -> dict[str, int]:
    """Make the destination's dead letters pending again; the server sends them at once."""
    from vantage.services import activation

    try:
        count = activation.retry_dead(_ctx(runtime), name)
    except VantageError as exc:
        raise _api_error(exc) from exc
    if runtime.activation is not None:
        runtime.activation.dispatcher.adopt_pending()
    return {"requeued": count}


@router.get("/v1/triggers", response_model=list[TriggerSpec], summary="Triggers")
def list_triggers(runtime: RuntimeDep) -> list[TriggerSpec]:
    """Every trigger."""
    from vantage.services import activation

    return activation.list_triggers(_ctx(runtime))


@router.post(
    "/v1/triggers",
    response_model=TriggerSpec,
    status_code=201,
    summary="Add a trigger",
    responses=_ERRORS,
)
def add_trigger(
    runtime: RuntimeDep, definition: Annotated[TriggerSpec, Body()], replace: ReplaceQuery = False
) -> TriggerSpec:
    """Send to a destination when a customer enters/exits a segment or an event matches."""
    from vantage.services import activation

    try:
        found = activation.add_trigger(
            _ctx(runtime), definition.model_dump(mode="json"), replace=replace
        )
    except VantageError as exc:
        raise _api_error(exc) from exc
    _changed(runtime)
    return found


@router.delete(
    "/v1/triggers/{name}", status_code=204, summary="Remove a trigger", responses=_ERRORS
)
def remove_trigger(name: NamePath, runtime: RuntimeDep) -> Response:
    """Remove a trigger."""
    from vantage.services import activation

    try:
        activation.remove_trigger(_ctx(runtime), name)
    except VantageError as exc:
        raise _api_error(exc) from exc
    _changed(runtime)
    return Response(status_code=204)


@router.get(
    "/v1/profiles/{customer_id}/next-best-action",
    summary="The customer's next best action",
    responses=_ERRORS,
)
def next_best_action(customer_id: IdPath, runtime: RuntimeDep) -> dict[str, Any]:
    """Rank the catalogue's eligible actions by expected value and log the decision.

    Customers in the random control group get ``action: null`` (and ``would_have_been``).
    """
    from vantage.services import activation_nba

    try:
        return activation_nba.next_best_action(_ctx(runtime), customer_id, live=runtime.live)
    except ProfileNotFoundError as exc:
        raise from_vantage_error(exc, 404, "not_found") from exc
    except VantageError as exc:
        raise from_vantage_error(exc, 409, "not_configured") from exc


@router.post(
    "/v1/nba/outcomes", status_code=204, summary="Record a decision's outcome", responses=_ERRORS
)
def record_outcome(outcome: OutcomeCreate, runtime: RuntimeDep) -> Response:
    """Record whether a decision converted (goal events arriving live are recorded anyway)."""
    from vantage.services import activation_nba

    try:
        activation_nba.record_outcome(
            _ctx(runtime), outcome.decision_id, converted=outcome.converted, value=outcome.value
        )
    except VantageError as exc:
        raise _api_error(exc) from exc
    return Response(status_code=204)


@router.get("/v1/nba/report", response_model=list[LiftPublic], summary="Lift against control")
def lift(runtime: RuntimeDep) -> list[dict[str, Any]]:
    """Conversion lift of treatment over control, overall and per action, with 95% CIs."""
    from vantage.services import activation_nba

    return [row.public() for row in activation_nba.report(_ctx(runtime))]
