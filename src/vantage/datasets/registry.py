"""The public face of the registry: list, fetch and load data sets by name."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from vantage.core.errors import DatasetError
from vantage.datasets.catalog import catalogue
from vantage.datasets.fetch import default_locations, fetch_spec
from vantage.datasets.specs import DatasetSpec


def list_datasets() -> list[DatasetSpec]:
    """Every registered data set, sorted by name."""
    return sorted(catalogue().values(), key=lambda spec: spec.name)


def get_dataset(name: str) -> DatasetSpec:
    """The data set registered under ``name`` (or one of its aliases, e.g. its folder).

    Raises:
        DatasetError: No data set has that name.
    """
    specs = catalogue()
    if name in specs:
        return specs[name]
    for spec in specs.values():
        if name in spec.aliases:
            return spec
    raise DatasetError(
        f"Unknown data set {name!r}.",
        f"Use one of {', '.join(sorted(specs))} (`vantage datasets list`).",
    )


def fetch(
    name: str | DatasetSpec,
    *,
    mirror: Path | None = None,
    cache: Path | None = None,
    download: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Make a data set available and verified; return its folder.

    Files come from the mirror when it holds the data set (checked against their sha256),
    otherwise from the cache, downloading missing files from their upstream URL.

    Args:
        name: Registered name, or a spec (tests register their own).
        mirror: Read-only mirror folder; default ``settings.data_mirror``
            (``VANTAGE_DATA_MIRROR``).
        cache: Download cache; default ``<VANTAGE_HOME>/datasets``.
        download: False to never use the network (``load`` does this).
        timeout: Seconds to wait for an upstream server.

    Returns:
        The folder holding the data set's files.

    Raises:
        DatasetError: Unknown name, missing or corrupt file, or failed download; the message
            says what to do.
    """
    spec = name if isinstance(name, DatasetSpec) else get_dataset(name)
    mirror, cache = default_locations(mirror, cache)
    return fetch_spec(spec, mirror=mirror, cache=cache, download=download, timeout=timeout)


def load(
    name: str | DatasetSpec,
    table: str | None = None,
    *,
    mirror: Path | None = None,
    cache: Path | None = None,
) -> pd.DataFrame:
    """Load one table of a data set as a DataFrame, from verified local files.

    ``load`` never downloads: run ``vantage datasets fetch NAME`` (or :func:`fetch`) first when
    there is no mirror.

    Args:
        name: Registered name, or a spec.
        table: Table name (see ``DatasetSpec.tables``); default the data set's main table.
        mirror: Read-only mirror folder; default ``settings.data_mirror``.
        cache: Download cache; default ``<VANTAGE_HOME>/datasets``.

    Returns:
        The table. Image, video and skeleton data sets return one row per item with the path
        of its file (see the table's description).

    Raises:
        DatasetError: Unknown data set or table, or files missing or corrupt.
    """
    spec = name if isinstance(name, DatasetSpec) else get_dataset(name)
    chosen = table or spec.default_table
    if chosen not in spec.tables:
        raise DatasetError(
            f"Data set {spec.name} has no table {chosen!r}.",
            f"Use one of {', '.join(spec.tables)}.",
        )
    folder = fetch(spec, mirror=mirror, cache=cache, download=False)
    return spec.tables[chosen].loader(folder)
