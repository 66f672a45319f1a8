"""``GET /health``: liveness plus a real write probe of the lake directory."""

from __future__ import annotations

import tempfile

from fastapi import APIRouter
from starlette.responses import Response

from vantage.api.deps import RuntimeDep
from vantage.api.errors import json_response
from vantage.api.schemas import Health

router = APIRouter(tags=["health"])


def lake_probe(runtime: RuntimeDep) -> str | None:
    """Write and sync a temporary file in the lake; None when that worked, else the problem."""
    try:
        with tempfile.TemporaryFile(dir=runtime.log.root, prefix=".health-") as handle:
            handle.write(b"ok")
            handle.flush()
    except OSError as exc:
        return f"cannot write to {runtime.log.root}: {exc.strerror or exc}"
    return None


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The lake is not writable."}},
)
def health(runtime: RuntimeDep) -> Response:
    """Liveness, whether the lake directory accepts writes and the log writer runs (else 503)."""
    problem = lake_probe(runtime)
    writable = problem is None
    running = runtime.started and runtime.writer.alive
    if writable and not running:
        problem = "the event-log writer is not running; restart the server"
    body = Health(
        status="ok" if problem is None else "unavailable",
        lake_writable=writable,
        writer_running=running,
        detail=problem,
        live_seq=runtime.live.seq if runtime.live is not None else None,
    )
    return json_response(body.model_dump(), 200 if problem is None else 503)
