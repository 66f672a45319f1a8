"""The catalogue: every public data set Vantage knows, with checksums of the exact files.

The sha256 digests are those of the reference mirror (``../shared/data``); see
``docs/datasets.md`` for how each file relates to its upstream source.
"""

from __future__ import annotations

from functools import cache

from vantage.datasets import catalog_media, catalog_tabular, catalog_text
from vantage.datasets.catalog_media import manifest_files
from vantage.datasets.specs import DatasetSpec

__all__ = ["catalogue", "manifest_files"]


@cache
def catalogue() -> dict[str, DatasetSpec]:
    """Every registered data set by name (built on first use, then kept)."""
    specs = [*catalog_tabular.specs(), *catalog_text.specs(), *catalog_media.specs()]
    return {spec.name: spec for spec in specs}
