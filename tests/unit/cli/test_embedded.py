"""The embedded collection API: background maintenance on or off."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from vantage.cli.embedded import collection_api
from vantage.core.settings import load_settings
from vantage.services.context import ServiceContext
from vantage.services.warehouse import open_warehouse


def _synced_events(home: Path) -> int:
    with open_warehouse(load_settings(home=home)) as store:
        if not store.has_table("events"):
            return 0
        return int(store.scalar(store.table("events").count()))


@pytest.mark.parametrize("maintain", [True, False])
def test_maintenance_can_be_left_to_the_caller(home: Path, maintain: bool) -> None:
    ctx = ServiceContext()
    ctx.workspace.init()
    source = ctx.sources.ensure("web")
    settings = ctx.settings.model_copy(update={"compact_every_s": 0.2})
    with collection_api(settings, maintain=maintain) as url:
        track = {"type": "track", "userId": "u1", "event": "Signed Up"}
        response = httpx.post(f"{url}/v1/track", json=track, auth=(source.write_key, ""))
        assert response.is_success
        deadline = time.monotonic() + 30
        while maintain and _synced_events(home) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        if not maintain:
            time.sleep(1.5)
    assert _synced_events(home) == (1 if maintain else 0)
