"""Privacy API (admin token): GDPR export and erase, and the audit log of both.

The person is named in the request body, never in the URL, so identifiers stay out of request
logs and proxies' access logs.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from vantage.api.deps import AdminDep, RuntimeDep
from vantage.api.errors import ApiError, from_vantage_error
from vantage.api.schemas import ErrorBody
from vantage.services import privacy

router = APIRouter(
    prefix="/v1/privacy",
    tags=["privacy"],
    dependencies=[AdminDep],
    responses={
        400: {"model": ErrorBody, "description": "The person is not named exactly once, or badly."},
        401: {"model": ErrorBody, "description": "Missing or wrong admin token."},
        404: {"model": ErrorBody, "description": "No such customer."},
    },
)
ACTOR = "api:admin"


class PersonRequest(BaseModel):
    """Names one person: ``person`` (``cus_...`` or ``type:value``) or one identifier field."""

    model_config = ConfigDict(extra="forbid")

    person: str | None = Field(None, description="Customer id or type:value (email:ann@x.com).")
    email: str | None = None
    phone: str | None = None
    user_id: str | None = None
    anonymous_id: str | None = None

    def target(self) -> str:
        """The subject as ``privacy`` services take it."""
        fields = {
            "email": self.email,
            "phone": self.phone,
            "user_id": self.user_id,
            "anonymous_id": self.anonymous_id,
        }
        given = [f"{k}:{v}" for k, v in fields.items() if v is not None]
        if self.person is not None:
            given.append(self.person)
        if len(given) != 1:
            raise ApiError(
                400,
                "invalid_person",
                f"Name the person exactly once; got {len(given)} ways.",
                "Send one of person, email, phone, user_id or anonymous_id.",
            )
        return given[0]


def _run(work: Any) -> Any:
    try:
        return work()
    except privacy.PersonNotFoundError as exc:
        raise from_vantage_error(exc, 404, "person_not_found") from exc
    except privacy.PrivacyError as exc:
        raise from_vantage_error(exc, 400, "invalid_person") from exc


@router.post("/export", summary="Everything about a person, as JSON")
def export(body: PersonRequest, runtime: RuntimeDep) -> dict[str, Any]:
    """Identifiers, profile, consent history, every event and failed event of the person."""
    target = body.target()
    return dict(_run(lambda: privacy.export_person(runtime.settings, target, actor=ACTOR)))


@router.post("/erase", summary="Erase a person for good and suppress their identifiers")
def erase(body: PersonRequest, runtime: RuntimeDep) -> dict[str, Any]:
    """Counts per place and any file still mentioning the person (hashed identifiers only)."""
    target = body.target()
    result = _run(lambda: privacy.erase_person(runtime.settings, target, actor=ACTOR))
    return dict(result.as_dict())


@router.get("/audit", summary="Privacy operations, newest first")
def audit(
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Entries to return.")] = 50,
) -> list[dict[str, Any]]:
    """Who ran which operation when, with counts and hashed identifiers."""
    return [e.as_dict() for e in privacy.audit_entries(runtime.settings, limit)]
