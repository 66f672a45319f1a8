"""Fixtures of the segment tests: a synthetic shop in an in-memory warehouse."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from segment_helpers import make_shop

from vantage.store.warehouse import IbisStore


@pytest.fixture(scope="module")
def shop() -> Iterator[IbisStore]:
    store = make_shop()
    yield store
    store.close()
