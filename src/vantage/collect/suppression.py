"""The suppression list: identifiers of erased people, which the write path refuses.

After ``vantage privacy erase`` the person's identifiers are added here, so an event that still
carries one of them (a replayed import, a stale client) is rejected at the edge instead of
rebuilding the profile. Only salted hashes are stored: the salt is generated once per workspace
into ``<home>/privacy.json`` (mode 0600, next to ``secrets.json``), the hashes live in
``<home>/control.sqlite``. Matching is by value: every string in a message is normalised (trimmed;
lower-cased) and hashed, so the erased e-mail is found wherever it
sits in the message. Phone-like strings also yield ``tel:`` plus their last nine digits, so
``07911 123456`` and ``+44 7911 123456`` meet without a costly parse on the hot path.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from vantage.core.identifiers import Identifier

SALT_FILE = "privacy.json"
SUPPRESSED_REASON = "suppressed: identifier erased on request"
SUPPRESSED_FIELD = "suppressed"
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-]{7,24}$")
PHONE_DIGITS = 9
_MAX_LEN = 512
_SCHEMA = """
CREATE TABLE IF NOT EXISTS privacy_suppression (
    hash TEXT PRIMARY KEY,
    id_type TEXT NOT NULL,
    value_len INTEGER NOT NULL,
    added_at_us INTEGER NOT NULL
) WITHOUT ROWID;
"""


def workspace_salt(home: Path) -> bytes:
    """The workspace's privacy salt, generated (mode 0600) on first use.

    Args:
        home: The data directory.
    """
    path = Path(home) / SALT_FILE
    if not path.is_file():
        Path(home).mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                json.dump({"salt": secrets.token_hex(32)}, handle)
                handle.flush()
                os.fsync(handle.fileno())
    return bytes.fromhex(json.loads(path.read_text())["salt"])


def hash_value(salt: bytes, value: str) -> str:
    """The salted hash of one normalised identifier value (hex)."""
    return hashlib.blake2b(value.encode(), key=salt[:64], digest_size=20).hexdigest()


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, Mapping):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _strings(value)


def phone_key(text: str) -> str | None:
    """``tel:`` and the last nine digits of a phone-like string, else None."""
    if not _PHONE_LIKE.match(text):
        return None
    digits = "".join(c for c in text if c.isdigit())
    return f"tel:{digits[-PHONE_DIGITS:]}" if len(digits) >= PHONE_DIGITS else None


def identifier_keys(identifier: Identifier) -> set[str]:
    """The forms of a normalised identifier that :func:`candidate_values` can produce."""
    keys = {identifier.value}
    if identifier.type == "phone":
        key = phone_key(identifier.value)
        if key:
            keys.add(key)
    return keys


def candidate_values(message: Any) -> set[str]:
    """Every normalised form of every string in a message (the values a match is tried on)."""
    found: set[str] = set()
    for text in _strings(message):
        trimmed = text.strip()
        if not trimmed or len(trimmed) > _MAX_LEN:
            continue
        found.add(trimmed)
        found.add(trimmed.lower())
        if trimmed[-1].isdigit():
            key = phone_key(trimmed)
            if key:
                found.add(key)
    return found


class SuppressionList:
    """Salted hashes of erased identifiers, checked on every write.

    Thread-safe; picks up entries added by other processes (a CLI erase while the server runs)
    on the next check, using SQLite's ``data_version``.

    Args:
        home: The data directory.
    """

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.path = self.home / "control.sqlite"
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._hashes: frozenset[str] = frozenset()
        self._lengths: frozenset[int] = frozenset()
        self._salt: bytes | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.home.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            self._conn = conn
        return self._conn

    @property
    def salt(self) -> bytes:
        """The workspace salt."""
        if self._salt is None:
            self._salt = workspace_salt(self.home)
        return self._salt

    def add(self, identifiers: Iterable[Identifier]) -> int:
        """Suppress identifiers (already normalised); returns how many new hashes were stored."""
        now = int(time.time() * 1e6)
        rows = {
            (hash_value(self.salt, key), i.type, len(key), now)
            for i in identifiers
            for key in identifier_keys(i)
        }
        with self._lock:
            conn = self._connect()
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO privacy_suppression (hash, id_type, value_len, "
                "added_at_us) VALUES (?, ?, ?, ?)",
                sorted(rows),
            )
            self._version = None
            return conn.total_changes - before

    def count(self) -> int:
        """How many identifiers are suppressed."""
        return len(self._current())

    def _current(self) -> frozenset[str]:
        with self._lock:
            conn = self._connect()
            (version,) = conn.execute("PRAGMA data_version").fetchone()
            if version != self._version:
                rows = conn.execute("SELECT hash, value_len FROM privacy_suppression").fetchall()
                self._hashes = frozenset(str(h) for h, _ in rows)
                self._lengths = frozenset(int(n) for _, n in rows)
                self._version = int(version)
            return self._hashes

    def is_suppressed(self, message: Any) -> bool:
        """Whether any string of the message is an erased identifier."""
        match = self.matcher()
        return match is not None and match(message)

    def matcher(self) -> Callable[[Any], bool] | None:
        """A check for one batch of messages, or None while nothing is suppressed (no cost)."""
        hashes = self._current()
        if not hashes:
            return None
        salt, lengths = self.salt, self._lengths

        def match(message: Any) -> bool:
            return any(
                hash_value(salt, value) in hashes
                for value in candidate_values(message)
                if len(value) in lengths
            )

        return match

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
