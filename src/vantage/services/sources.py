"""Source use cases: add, list, show keys, enable or disable, tracking plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import yaml

from vantage.collect.sources import Source, SourceError
from vantage.services.context import ServiceContext


def add(ctx: ServiceContext, name: str) -> Source:
    """Create a source with a fresh write key."""
    return ctx.sources.add(name)


def listing(ctx: ServiceContext) -> list[Source]:
    """All sources."""
    return ctx.sources.list()


def keys(ctx: ServiceContext, name: str | None = None) -> list[Source]:
    """Sources with their write keys (one source when ``name`` is given)."""
    return [ctx.sources.get(name)] if name else ctx.sources.list()


def set_enabled(ctx: ServiceContext, name: str, enabled: bool) -> Source:
    """Enable or disable a source (disabled sources get HTTP 403)."""
    return ctx.sources.set_enabled(name, enabled)


def read_plan_file(path: Path) -> dict[str, Any]:
    """Read a tracking plan from a JSON or YAML file.

    Raises:
        SourceError: The file is missing or is not a JSON/YAML object.
    """
    if not path.is_file():
        raise SourceError(f"Tracking plan file {path} does not exist.", "Check the path.")
    text = path.read_text()
    try:
        data = orjson.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (orjson.JSONDecodeError, yaml.YAMLError) as exc:
        kind = "JSON" if path.suffix == ".json" else "YAML"
        raise SourceError(
            f"Tracking plan file {path} is not valid {kind}: {exc}",
            "Fix the syntax error at the position given.",
        ) from exc
    if not isinstance(data, dict):
        raise SourceError(
            f"Tracking plan file {path} must hold an object with 'events' and 'policy'.",
            "See docs/tracking-plans.md for the format.",
        )
    return data


def set_plan(ctx: ServiceContext, name: str, plan_file: Path | None) -> Source:
    """Attach the tracking plan in ``plan_file`` to a source (None removes it)."""
    plan = None
    if plan_file is not None:
        from vantage.collect.tracking_plan import TrackingPlan

        plan = read_plan_file(plan_file)
        TrackingPlan.from_dict(plan)
    return ctx.sources.set_tracking_plan(name, plan)
