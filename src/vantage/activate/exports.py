"""File outputs: CSV/Parquet exports and hashed customer lists for ad platforms.

Customer lists follow what the platforms' customer-file uploads expect:

- **Google Customer Match** (columns ``Email, Phone, First Name, Last Name, Country, Zip``):
  e-mails trimmed and lower-cased (dots removed from the local part of gmail.com and
  googlemail.com addresses), phones in E.164 with the ``+``, names lower-cased without
  whitespace; e-mail, phone and names SHA-256 hashed (hex); country and zip left in clear.
- **Meta custom audiences** (columns ``email, phone, fn, ln, country, zip``): e-mails trimmed
  and lower-cased; phones as digits only with the country code (no ``+``, no leading zeros);
  names lower-cased without punctuation; country (two letters) and zip (lower-case, no
  spaces) lower-cased; every column SHA-256 hashed (hex).

Values that are not a valid e-mail or phone number are left empty rather than hashed.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from vantage.activate.specs import AdsDestinationSpec, FileDestinationSpec
from vantage.core.identifiers import normalise_email, normalise_phone

GOOGLE_COLUMNS = ("Email", "Phone", "First Name", "Last Name", "Country", "Zip")
META_COLUMNS = ("email", "phone", "fn", "ln", "country", "zip")
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
_GMAIL = ("gmail.com", "googlemail.com")


def sha256_hex(value: str) -> str:
    """Lower-case hex SHA-256 of UTF-8 text."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def google_email(value: str) -> str | None:
    """An e-mail as Google Customer Match normalises it before hashing (None when invalid)."""
    email = normalise_email(value)
    if email is None:
        return None
    local, domain = email.rsplit("@", 1)
    if domain in _GMAIL:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def meta_phone(value: str, default_region: str = "GB") -> str | None:
    """A phone number as Meta hashes it: digits with the country code, no ``+`` or zeros first."""
    e164 = normalise_phone(value, default_region)
    return None if e164 is None else e164.lstrip("+").lstrip("0")


def _name(value: Any, *, strip_punctuation: bool) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = unicodedata.normalize("NFC", str(value)).strip().lower()
    text = _PUNCTUATION.sub("", text) if strip_punctuation else re.sub(r"\s+", "", text)
    return text or None


def _first(record: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if value not in (None, ""):
            return value
    return None


def _hashed(value: str | None) -> str | None:
    return None if value is None else sha256_hex(value)


def customer_list_row(
    record: Mapping[str, Any], platform: str, default_region: str = "GB"
) -> dict[str, str | None]:
    """One customer's row of a hashed customer list.

    Args:
        record: ``email``/``emails``, ``phone``/``phones``, ``first_name``, ``last_name``,
            ``country``, ``zip`` (any may be missing).
        platform: ``google`` or ``meta``.
        default_region: Region for phone numbers without a country code.
    """
    email_raw = _first(record, "email", "emails")
    phone_raw = _first(record, "phone", "phones")
    country = _first(record, "country")
    zip_code = _first(record, "zip", "postal_code", "postcode")
    if platform == "google":
        email = google_email(str(email_raw)) if email_raw is not None else None
        phone = normalise_phone(str(phone_raw), default_region) if phone_raw is not None else None
        values = (
            _hashed(email),
            _hashed(phone),
            _hashed(_name(record.get("first_name"), strip_punctuation=False)),
            _hashed(_name(record.get("last_name"), strip_punctuation=False)),
            str(country).strip().upper() if country is not None else None,
            str(zip_code).strip() if zip_code is not None else None,
        )
        return dict(zip(GOOGLE_COLUMNS, values, strict=True))
    email = normalise_email(str(email_raw)) if email_raw is not None else None
    phone = meta_phone(str(phone_raw), default_region) if phone_raw is not None else None
    values = (
        _hashed(email),
        _hashed(phone),
        _hashed(_name(record.get("first_name"), strip_punctuation=True)),
        _hashed(_name(record.get("last_name"), strip_punctuation=True)),
        _hashed(str(country).strip().lower() if country is not None else None),
        _hashed(re.sub(r"\s+", "", str(zip_code)).lower() if zip_code is not None else None),
    )
    return dict(zip(META_COLUMNS, values, strict=True))


def _target(folder: Path, name: str, suffix: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return folder / f"{name}-{stamp}-{uuid.uuid4().hex[:8]}.{suffix}"


def _write_atomically(frame: pd.DataFrame, path: Path, fmt: str) -> Path:
    partial = path.with_name(path.name + ".partial")
    if fmt == "parquet":
        frame.to_parquet(partial, index=False)
    else:
        frame.to_csv(partial, index=False)
    partial.replace(path)
    return path


def write_file_export(spec: FileDestinationSpec, records: Sequence[Mapping[str, Any]]) -> Path:
    """Write records (nested fields flattened to dotted columns) as one new CSV/Parquet file.

    The file appears complete or not at all (written aside, then renamed).
    """
    frame = pd.json_normalize([dict(r) for r in records]) if records else pd.DataFrame()
    if spec.format == "parquet":
        frame = frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object})
    return _write_atomically(frame, _target(Path(spec.folder), spec.name, spec.format), spec.format)


def write_customer_list(spec: AdsDestinationSpec, records: Sequence[Mapping[str, Any]]) -> Path:
    """Write a hashed customer list (CSV) for the destination's platform.

    Rows with neither an e-mail nor a phone are dropped: the platforms cannot match them.
    """
    rows = [customer_list_row(r, spec.platform, spec.default_region) for r in records]
    columns = GOOGLE_COLUMNS if spec.platform == "google" else META_COLUMNS
    frame = pd.DataFrame(rows, columns=list(columns))
    frame = frame[frame[columns[0]].notna() | frame[columns[1]].notna()]
    return _write_atomically(frame, _target(Path(spec.folder), spec.name, "csv"), "csv")
