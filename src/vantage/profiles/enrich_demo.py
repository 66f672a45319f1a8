"""A synthetic socio-demographic reference table for the demo workspace.

The demo's CRM export (``workspace/crm/customers.csv``) has ``town`` and ``postcode`` columns;
its stores table has ``city``. :func:`demo_reference_table` turns either into a plausible area
table. Every figure in it is SYNTHETIC: drawn from a generator seeded by the area's key, so it is
stable across runs, but it describes no real place.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from vantage.core.errors import ConfigError
from vantage.profiles.enrich_reference import normalise_key, postcode_keys

POSTCODE_COLUMNS = ("postcode", "postal_code", "post_code", "zip")
CITY_COLUMNS = ("town", "city")
URBAN_CLASSES = ("urban", "suburban", "rural")


def _first(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    return next((c for c in names if c in frame.columns), None)


def _district(value: object) -> str | None:
    keys = postcode_keys(value)
    full = len(keys) == 4
    return keys[2] if full else (keys[0] if len(keys) == 2 else None)


def _figures(key: str) -> dict[str, object]:
    rng = np.random.default_rng(zlib.crc32(key.encode("utf-8")))
    urban = URBAN_CLASSES[int(rng.choice(3, p=[0.6, 0.3, 0.1]))]
    income = float(rng.lognormal(np.log(34_000), 0.25))
    return {
        "population": int(rng.integers(8_000, 60_000)),
        "median_age": round(float(rng.normal(40, 5)), 1),
        "median_household_income_gbp": int(round(income, -2)),
        "deprivation_decile": int(rng.integers(1, 11)),
        "urban_class": urban,
        "share_households_with_children": round(float(rng.uniform(0.15, 0.4)), 2),
        "synthetic": True,
    }


def demo_reference_table(stores_or_addresses_df: pd.DataFrame) -> pd.DataFrame:
    """Build a plausible (synthetic) area table from the demo's addresses or stores.

    Args:
        stores_or_addresses_df: Rows with a postcode column (``postcode``, ``postal_code``,
            ...), e.g. the demo CRM export, or with a ``town`` / ``city`` column, e.g. the
            demo stores table.

    Returns:
        With postcodes: one row per postcode district, key column ``postcode_district``, plus
        ``area`` and the most common ``city``. Without: one row per city, key column ``city``.
        Both carry ``population``, ``median_age``, ``median_household_income_gbp``,
        ``deprivation_decile`` (1 = most deprived), ``urban_class``,
        ``share_households_with_children`` and ``synthetic`` (always True).

    Raises:
        ConfigError: The frame has neither a postcode nor a town/city column.
    """
    frame = stores_or_addresses_df
    postcode, city = _first(frame, POSTCODE_COLUMNS), _first(frame, CITY_COLUMNS)
    if postcode is None and city is None:
        raise ConfigError(
            "demo_reference_table needs a postcode or town/city column "
            f"(the frame's columns: {', '.join(map(str, frame.columns))}).",
            f"Pass rows with one of {', '.join(POSTCODE_COLUMNS + CITY_COLUMNS)}.",
        )
    if postcode is None:
        assert city is not None
        names = sorted({n for n in frame[city].map(normalise_key).dropna()})
        rows = [{"city": n.title(), **_figures(n)} for n in names]
        return pd.DataFrame(rows, columns=["city", *_figures("").keys()])
    districts = frame[postcode].map(_district)
    towns = frame[city].map(normalise_key) if city else pd.Series(None, index=frame.index)
    pairs = pd.DataFrame({"district": districts, "town": towns}).dropna(subset=["district"])
    rows = []
    for district, group in pairs.groupby("district", sort=True):
        modes = group["town"].dropna().mode()
        rows.append(
            {
                "postcode_district": district,
                "area": postcode_keys(district)[-1],
                "city": str(modes.iloc[0]).title() if len(modes) else None,
                **_figures(str(district)),
            }
        )
    return pd.DataFrame(rows, columns=["postcode_district", "area", "city", *_figures("").keys()])
