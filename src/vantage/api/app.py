"""The collection API's app factory.

``create_app(settings)`` builds a fresh app (nothing happens at import time); its lifespan starts
the group-commit writer and the background worker (log compaction every
``settings.compact_every_s``) and stops both cleanly. ``app_from_env`` is the factory for
``uvicorn --factory vantage.api.app:app_from_env`` (settings from ``VANTAGE_*`` and vantage.toml).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from vantage.api.deps import Runtime
from vantage.api.errors import install_error_handlers
from vantage.api.logs import RequestLogMiddleware, configure_logging
from vantage.api.routers import (
    activation,
    analytics,
    assistant,
    forecast,
    genai,
    health,
    marketing,
    nlp_documents,
    nlp_text,
    privacy,
    profiles,
    recommend,
    segments,
    sources,
    tracking,
    vision,
)
from vantage.api.worker import BackgroundWorker, Job, job_process_init
from vantage.core.settings import Settings, load_settings
from vantage.services.events import maintain
from vantage.web.app import install_web

DESCRIPTION = """\
Segment-compatible collection API. Clients written for Segment or RudderStack work unchanged:
point their host / data-plane URL here and use a source's write key.

* Write key: HTTP Basic user with an empty password, or `X-Write-Key`, or `writeKey` in the body.
* Bodies may be gzip-compressed (`Content-Encoding: gzip`).
* Every 2xx is sent only after the events are durable on disk; retries are safe (deduplicated
  by `messageId`).
* Errors are `{"code", "message", "fix"}`; the message names the field or the limit.
"""


def _version() -> str:
    try:
        return version("vantage")
    except PackageNotFoundError:
        return "0+unknown"


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes["writeKey"] = {
            "type": "http",
            "scheme": "basic",
            "description": "The source's write key as the user name, empty password.",
        }
        schemes["writeKeyHeader"] = {"type": "apiKey", "in": "header", "name": "X-Write-Key"}
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(settings: Settings) -> FastAPI:
    """Build the collection API for one data directory.

    Args:
        settings: Settings; ``settings.home`` is the data directory (created when missing).

    Returns:
        The app. Serve it with an ASGI server that runs its lifespan (uvicorn does; so does
        ``starlette.testclient.TestClient`` used as a context manager).
    """
    runtime = Runtime(settings)
    # Compaction runs in its own, lower-priority process: its Python-heavy row conversion would
    # otherwise hold the GIL (and the CPU) in slices long enough to show in the API's tail latency.
    compactor = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=job_process_init,
        initargs=(os.getpid(),),
    )
    home, store_url = str(settings.home), settings.store
    worker = BackgroundWorker(
        [Job("compact-and-sync", lambda: compactor.submit(maintain, home, store_url).result())],
        settings.compact_every_s,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runtime.start()
        worker.start()
        # Objects alive after start-up (modules, the app) never become garbage: keeping them
        # out of the collector's scans removes the long full collections behind latency spikes.
        gc.freeze()
        try:
            yield
        finally:
            await worker.stop()
            compactor.shutdown(wait=True, cancel_futures=True)
            runtime.stop()

    app = FastAPI(
        title="Vantage collection API",
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "tracking", "description": "Segment HTTP Tracking API (write key)."},
            {"name": "admin", "description": "Sources, tracking plans, failed events (admin)."},
            {"name": "profiles", "description": "The single customer view (admin)."},
            {"name": "segments", "description": "Audiences and their members (admin)."},
            {"name": "health", "description": "Liveness."},
        ],
    )
    app.state.runtime = runtime
    app.state.worker = worker
    install_error_handlers(app)
    app.include_router(tracking.router)
    app.include_router(sources.router)
    app.include_router(profiles.router)
    app.include_router(privacy.router)
    for module in (forecast, nlp_text, nlp_documents, vision, marketing, analytics, recommend):
        app.include_router(module.router)
    app.include_router(segments.router)
    app.include_router(genai.router)
    app.include_router(activation.router)
    app.include_router(assistant.router)
    app.include_router(health.router)
    install_web(app, settings)
    app.add_middleware(RequestLogMiddleware)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory vantage.api.app:app_from_env``.

    Settings come from ``VANTAGE_*`` variables and vantage.toml; logs are JSON lines on stdout.
    """
    configure_logging()
    return create_app(load_settings())
