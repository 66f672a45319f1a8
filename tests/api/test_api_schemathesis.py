"""Property-based test of every documented operation (schemathesis, in-process ASGI): no 5xx.

schemathesis' lazy pytest loader does not work with this pytest, so each operation's Hypothesis
strategy is driven directly, one parametrized test per operation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_helpers import make_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from vantage.api.app import create_app
from vantage.collect.sources import SourceRegistry
from vantage.core.workspace import Workspace

pytestmark = pytest.mark.slow

OPERATIONS = [
    *(("POST", f"/v1/{kind}") for kind in ("track", "identify", "page", "screen", "group")),
    ("POST", "/v1/alias"),
    ("POST", "/v1/event"),
    ("POST", "/v1/batch"),
    ("POST", "/v1/import"),
    ("GET", "/v1/admin/sources"),
    ("POST", "/v1/admin/sources"),
    ("GET", "/v1/admin/sources/{name}"),
    ("PATCH", "/v1/admin/sources/{name}"),
    ("GET", "/v1/admin/sources/{name}/tracking-plan"),
    ("PUT", "/v1/admin/sources/{name}/tracking-plan"),
    ("DELETE", "/v1/admin/sources/{name}/tracking-plan"),
    ("GET", "/v1/admin/failed-events"),
    ("GET", "/v1/admin/violations"),
    ("GET", "/v1/admin/events/count"),
    ("GET", "/v1/profiles"),
    ("GET", "/v1/profiles/{customer_id}"),
    ("GET", "/v1/profiles/{customer_id}/events"),
    ("POST", "/v1/privacy/export"),
    ("POST", "/v1/privacy/erase"),
    ("GET", "/v1/privacy/audit"),
    ("GET", "/health"),
    ("GET", "/v1/models"),
    ("GET", "/v1/models/{name}"),
    ("GET", "/v1/models/predictions/{customer_id}"),
    ("GET", "/v1/models/propensity_30d/factors/{customer_id}"),
    ("GET", "/v1/profiles/{customer_id}/recommendations"),
    ("GET", "/v1/products/{product_id}/also-bought"),
    ("GET", "/v1/marketing/attribution"),
    ("GET", "/v1/marketing/mmm"),
    ("POST", "/v1/marketing/optimise"),
    ("POST", "/v1/vision/analyze"),
    ("POST", "/v1/forecast"),
    ("POST", "/v1/nlp/sentiment"),
    ("POST", "/v1/nlp/classify"),
    ("POST", "/v1/nlp/entities"),
    ("POST", "/v1/nlp/receipt"),
    ("POST", "/v1/nlp/transcribe"),
    ("POST", "/v1/segments"),
    ("GET", "/v1/segments"),
    ("POST", "/v1/segments/preview"),
    ("GET", "/v1/segments/{name}"),
    ("GET", "/v1/segments/{name}/members"),
    ("GET", "/v1/segments/{name}/export"),
    ("GET", "/v1/segments/{name}/history"),
    ("GET", "/v1/profiles/{customer_id}/segments"),
    ("GET", "/v1/destinations"),
    ("POST", "/v1/destinations"),
    ("GET", "/v1/destinations/{name}"),
    ("DELETE", "/v1/destinations/{name}"),
    ("POST", "/v1/destinations/{name}/test"),
    ("GET", "/v1/destinations/{name}/deliveries"),
    ("POST", "/v1/destinations/{name}/retry"),
    ("GET", "/v1/triggers"),
    ("POST", "/v1/triggers"),
    ("DELETE", "/v1/triggers/{name}"),
    ("GET", "/v1/profiles/{customer_id}/next-best-action"),
    ("POST", "/v1/nba/outcomes"),
    ("GET", "/v1/nba/report"),
    ("POST", "/v1/genai/summaries"),
    ("POST", "/v1/genai/minutes"),
    ("POST", "/v1/genai/descriptions"),
    ("POST", "/v1/genai/messages"),
    ("POST", "/v1/assistant/messages"),
    ("GET", "/v1/assistant/handoffs"),
    ("POST", "/v1/analyst/questions"),
]


def load(home: Path) -> tuple[Any, dict[str, str]]:
    """The app's schema (schemathesis runs the app's lifespan) and headers that authenticate."""
    app_settings = make_settings(home)
    source = SourceRegistry(home).add("web")
    token = Workspace(home).secrets().admin_token
    headers = {"X-Write-Key": source.write_key, "Authorization": f"Bearer {token}"}
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(app_settings)), headers


def test_every_operation_is_covered(tmp_path: Path) -> None:
    schema, _ = load(tmp_path / "home")
    found = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_server_errors(tmp_path: Path, method: str, path: str) -> None:
    schema, headers = load(tmp_path / "home")
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def run(case: Any) -> None:
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )

    run()
