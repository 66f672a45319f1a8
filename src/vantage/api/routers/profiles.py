"""Profiles API: the single customer view.

Analysts and admins read profiles as they are; viewers get e-mails, phones and PII traits masked
(unless allowed to see PII) and no event timeline (raw payloads cannot be masked).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query

from vantage.api.deps import AnalystDep, MaskedReadDep, Runtime, RuntimeDep
from vantage.api.errors import ApiError, from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.services import profiles as profile_service
from vantage.services.dashboard import masked_profile
from vantage.services.users import Principal
from vantage.services.warehouse import open_warehouse
from vantage.store.warehouse import Store

router = APIRouter(
    prefix="/v1/profiles",
    tags=["profiles"],
    dependencies=[MaskedReadDep],
    responses={
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        404: {"model": ErrorBody, "description": "No such customer or identifier."},
    },
)
LOOKUP_TYPES = ("email", "phone", "user_id", "anonymous_id")
Reader = Annotated[Principal, MaskedReadDep]
Analyst = Annotated[Principal, AnalystDep]
T = TypeVar("T")


def _with_store(runtime: Runtime, work: Callable[[Store], T]) -> T:
    try:
        with open_warehouse(runtime.settings, timeout_s=30) as store:
            return work(store)
    except profile_service.ProfileNotFoundError as exc:
        raise from_vantage_error(exc, 404, "profile_not_found") from exc


def _live(work: Callable[[], T]) -> T:
    try:
        return work()
    except profile_service.ProfileNotFoundError as exc:
        raise from_vantage_error(exc, 404, "profile_not_found") from exc


@router.get("", summary="Find a profile by any identifier")
def lookup(
    runtime: RuntimeDep,
    reader: Reader,
    email: Annotated[str | None, Query(description="E-mail address (any case).")] = None,
    phone: Annotated[str | None, Query(description="Phone number (any notation).")] = None,
    user_id: Annotated[str | None, Query(description="Your user id.")] = None,
    anonymous_id: Annotated[str | None, Query(description="A device or cookie id.")] = None,
    id_type: Annotated[str | None, Query(description="Any other identifier type.")] = None,
    id_value: Annotated[str | None, Query(description="Value for id_type.")] = None,
) -> dict[str, Any]:
    """The profile of whoever holds the identifier (exactly one identifier per request)."""
    given = {
        k: v for k, v in zip(LOOKUP_TYPES, (email, phone, user_id, anonymous_id), strict=True) if v
    }
    if id_type or id_value:
        if not (id_type and id_value):
            raise ApiError(400, "invalid_lookup", "id_type and id_value go together.", "Give both.")
        given[id_type] = id_value
    if len(given) != 1:
        raise ApiError(
            400,
            "invalid_lookup",
            f"Give exactly one identifier; got {len(given)}.",
            "Use one of ?email=, ?phone=, ?user_id=, ?anonymous_id= or ?id_type=&id_value=.",
        )
    [(kind, value)] = given.items()
    live = runtime.live
    if live is not None:
        return masked_profile(reader, _live(lambda: live.lookup(kind, value)))

    def work(store: Store) -> dict[str, Any]:
        return profile_service.profile(store, profile_service.find_customer(store, kind, value))

    return masked_profile(reader, _with_store(runtime, work))


@router.get("/{customer_id}", summary="One customer's profile")
def get_profile(customer_id: str, runtime: RuntimeDep, reader: Reader) -> dict[str, Any]:
    """Identifiers (and why they belong together), traits with their sources, computed traits.

    With real time on (the default), identities and windowed counters include events received
    a moment ago, before the background sync has loaded them into the warehouse.
    """
    live = runtime.live
    if live is not None:
        return masked_profile(reader, _live(lambda: live.profile(customer_id)))
    found = _with_store(runtime, lambda store: profile_service.profile(store, customer_id))
    return masked_profile(reader, found)


@router.get("/{customer_id}/events", summary="One customer's event timeline, newest first")
def get_timeline(
    customer_id: str,
    runtime: RuntimeDep,
    _analyst: Analyst,
    limit: Annotated[int, Query(ge=1, le=500, description="Events per page.")] = 50,
    before_seq: Annotated[
        int | None, Query(ge=1, le=2**63 - 1, description="next_before_seq of the previous page.")
    ] = None,
) -> dict[str, Any]:
    """A page of events; pass ``next_before_seq`` back as ``before_seq`` for the next one."""
    return _with_store(
        runtime,
        lambda store: profile_service.timeline(
            store, customer_id, limit=limit, before_seq=before_seq
        ),
    )
