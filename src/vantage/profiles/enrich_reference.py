"""Join a user-supplied reference table (socio-demographics by postcode or area).

The table is any CSV or Parquet file with a key column named in configuration; every other column
becomes a profile field. With ``match="postcode"``, UK-style postcodes are matched at the most
specific level the table has: full postcode (``SE12 3AB``), sector (``SE12 3``), district
(``SE12``), then area (``SE``). With ``match="exact"``, keys are compared after trimming and
upper-casing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from vantage.core.errors import ConfigError
from vantage.profiles.enrich_base import Enrichment, EnrichmentStep

Match = Literal["postcode", "exact"]
_INWARD = re.compile(r"^(?P<out>[A-Z]{1,2}[0-9][0-9A-Z]?)(?P<in>[0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^(?P<area>[A-Z]{1,2})[0-9][0-9A-Z]?$")


def normalise_key(value: Any) -> str | None:
    """Trim, upper-case and collapse inner whitespace; None for missing or empty values."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = " ".join(str(value).upper().split())
    return text or None


def postcode_keys(value: Any) -> list[str]:
    """Candidate keys of a UK-style postcode, most specific first.

    Example: ``"se12 3ab"`` gives ``["SE12 3AB", "SE12 3", "SE12", "SE"]``; an outward code
    alone (``"SE12"``) gives ``["SE12", "SE"]``; anything else gives its normalised text.
    """
    text = normalise_key(value)
    if text is None:
        return []
    compact = text.replace(" ", "")
    full = _INWARD.match(compact)
    if full:
        outward, inward = full["out"], full["in"]
        area = _OUTWARD.match(outward)
        keys = [f"{outward} {inward}", f"{outward} {inward[0]}", outward]
        return keys + ([area["area"]] if area else [])
    district = _OUTWARD.match(compact)
    if district:
        return [compact, district["area"]]
    return [text]


def load_reference_table(path: str | Path, key_column: str) -> pd.DataFrame:
    """Read a reference table from CSV or Parquet and check its key column.

    Args:
        path: A ``.csv``, ``.parquet`` or ``.pq`` file.
        key_column: The column holding the postcode or area key.

    Returns:
        The table as a DataFrame (the key column read as text).

    Raises:
        ConfigError: The file is missing, of another format, lacks ``key_column`` or has
            duplicate keys.
    """
    file = Path(path)
    if not file.is_file():
        raise ConfigError(
            f"Reference table {file} does not exist.",
            "Check the path in the enrichment configuration.",
        )
    suffix = file.suffix.lower()
    if suffix == ".csv":
        table = pd.read_csv(file, dtype={key_column: str})
    elif suffix in {".parquet", ".pq"}:
        table = pd.read_parquet(file)
    else:
        raise ConfigError(
            f"Reference table {file} has format {suffix or '(none)'}, not CSV or Parquet.",
            "Save it as .csv or .parquet.",
        )
    check_reference_table(table, key_column, str(file))
    return table


def check_reference_table(table: pd.DataFrame, key_column: str, where: str = "table") -> None:
    """Raise ConfigError when ``key_column`` is missing or holds duplicate keys."""
    if key_column not in table.columns:
        raise ConfigError(
            f"Reference table {where} has no key column {key_column!r} "
            f"(its columns: {', '.join(map(str, table.columns))}).",
            "Set key_column to the column that holds the postcode or area.",
        )
    keys = table[key_column].map(normalise_key)
    duplicated = sorted(set(keys[keys.duplicated() & keys.notna()]))
    if duplicated:
        raise ConfigError(
            f"Reference table {where} has duplicate keys in {key_column!r}: "
            f"{', '.join(duplicated[:5])}.",
            "Keep one row per key.",
        )


class ReferenceTableStep(EnrichmentStep):
    """Add the columns of a reference table for the row whose key matches the record.

    Args:
        table: The reference rows.
        key_column: Its key column (postcode, district, area, ...).
        input: The record field to match (default ``postcode``).
        match: ``postcode`` (most specific UK postcode level) or ``exact``.
        prefix: Put before every added column name (e.g. ``"area_"``).
        name: The step's name, also its source label.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        key_column: str,
        *,
        input: str = "postcode",
        match: Match = "postcode",
        prefix: str = "",
        name: str = "reference",
    ) -> None:
        check_reference_table(table, key_column)
        if match not in ("postcode", "exact"):
            raise ConfigError(f"Unknown reference match {match!r}.", "Use 'postcode' or 'exact'.")
        self.name = name
        self.inputs = (input,)
        self.match = match
        columns = [c for c in table.columns if c != key_column]
        self.columns = {str(c): f"{prefix}{c}" for c in columns}
        self.outputs = (f"{prefix}{name}_key", *self.columns.values())
        keys = table[key_column].map(normalise_key)
        rows = table[columns].astype(object).where(table[columns].notna(), None)
        self.rows: dict[str, dict[str, Any]] = {
            key: dict(zip(self.columns.values(), values, strict=True))
            for key, values in zip(keys, rows.itertuples(index=False, name=None), strict=True)
            if key is not None
        }
        self.key_output = self.outputs[0]

    @classmethod
    def from_file(cls, path: str | Path, key_column: str, **options: Any) -> ReferenceTableStep:
        """Build the step from a CSV or Parquet file (see :func:`load_reference_table`)."""
        return cls(load_reference_table(path, key_column), key_column, **options)

    def enrich(self, record: Mapping[str, Any]) -> dict[str, Enrichment]:
        """Add the matching row's columns and the key that matched; nothing when none does."""
        value = record.get(self.inputs[0])
        if self.match == "postcode":
            candidates = postcode_keys(value)
        else:
            candidates = [key] if (key := normalise_key(value)) else []
        for candidate in candidates:
            row = self.rows.get(candidate)
            if row is not None:
                added = {self.key_output: Enrichment(candidate, self.name)}
                added.update({k: Enrichment(v, self.name) for k, v in row.items() if v is not None})
                return added
        return {}
