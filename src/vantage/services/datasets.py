"""Public data set use cases: list the registry, fetch into the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vantage.services.context import ServiceContext


def listing(ctx: ServiceContext) -> list[dict[str, Any]]:
    """Every registered data set with whether it is available locally."""
    from vantage.datasets import list_datasets

    return [
        spec.describe(mirror=ctx.settings.data_mirror, cache=_cache(ctx))
        for spec in list_datasets()
    ]


def fetch(ctx: ServiceContext, name: str) -> Path:
    """Fetch a data set (from the mirror or its upstream URL), verify it, return its folder."""
    from vantage.datasets import fetch as fetch_dataset

    return fetch_dataset(name, mirror=ctx.settings.data_mirror, cache=_cache(ctx))


def _cache(ctx: ServiceContext) -> Path:
    return Path(ctx.settings.home) / "datasets"
