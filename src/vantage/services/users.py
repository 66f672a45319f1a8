"""Dashboard and API users: roles, hashed passwords, server-side sessions and API tokens.

Everything lives in ``<home>/control.sqlite`` (file mode 0600) beside sources and write keys, not
in the warehouse: every request checks a session or a token, and that must neither wait for the
warehouse lock nor slow it down. Passwords are hashed with Argon2id (argon2-cffi); sessions and API
tokens are random secrets of which only a SHA-256 digest is stored, so a copy of the file lets
nobody in.

Roles are ordered ``viewer < analyst < admin``: a route that needs ``analyst`` admits analysts and
admins. Viewers see e-mails and phone numbers masked unless their ``see_pii`` flag is set.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, ValidationError

from vantage.core import sqlite_files
from vantage.core.errors import VantageError

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
ROLE_RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES)}
TOKEN_PREFIX = "vt_"
SESSION_TTL_S = 8 * 3600
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    see_pii INTEGER NOT NULL,
    created_at_us INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS user_sessions (
    digest TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at_us INTEGER NOT NULL,
    expires_at_us INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
    digest TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    created_at_us INTEGER NOT NULL,
    UNIQUE (username, name)
);
CREATE TABLE IF NOT EXISTS web_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_FIXES = {
    "username": "Use 2-64 lower-case letters, digits, '.', '_', '-' or '@', starting with a "
    "letter or digit.",
    "password": "Use at least 10 characters.",
    "role": f"Use one of {', '.join(ROLES)}.",
}


class UserError(VantageError):
    """A user, session or token request is invalid, unknown or refused."""


class UserCreate(BaseModel):
    """A new user, validated before anything is stored."""

    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._@-]{1,63}$")
    password: str = Field(min_length=10, max_length=1024)
    role: Role = "viewer"


class RoleChange(BaseModel):
    """A role given to an existing user."""

    role: Role


def _validate(model: type[BaseModel], **fields: Any) -> Any:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "input"
        raise UserError(f"Invalid {field}: {error['msg']}.", _FIXES.get(field)) from None


@dataclass(frozen=True)
class User:
    """A dashboard and API user (never carries the password hash)."""

    username: str
    role: Role
    see_pii: bool
    created_at_us: int

    def public(self) -> dict[str, Any]:
        """Plain data for listings."""
        return {"username": self.username, "role": self.role, "see_pii": self.see_pii}


@dataclass(frozen=True)
class Principal:
    """Who is making a request and what they may do.

    Attributes:
        username: The user (``admin-token`` for the workspace's admin token).
        role: Their role.
        see_pii: Whether e-mails and phones are shown unmasked.
        via: ``session``, ``token`` or ``admin_token``.
    """

    username: str
    role: Role
    see_pii: bool
    via: str

    def allows(self, role: Role) -> bool:
        """Whether this principal holds ``role`` or a higher one."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


@dataclass(frozen=True)
class Session:
    """A logged-in browser session."""

    principal: Principal
    csrf_token: str
    expires_at_us: int


def digest(secret: str) -> str:
    """SHA-256 hex digest of a random secret (sessions and tokens are stored only this way)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _now_us() -> int:
    return int(time.time() * 1e6)


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


class UserStore:
    """Users, sessions and API tokens of one data directory (safe across processes).

    Args:
        home: The Vantage data directory.
        session_ttl_s: How long a login lasts.
    """

    def __init__(self, home: Path, session_ttl_s: int = SESSION_TTL_S) -> None:
        self.path = sqlite_files.prepare(Path(home) / "control.sqlite", _SCHEMA)
        self.session_ttl_s = session_ttl_s

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite_files.connect(self.path)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.row_factory = sqlite3.Row
        return conn

    def add(
        self, username: str, password: str, role: str = "viewer", *, see_pii: bool | None = None
    ) -> User:
        """Create a user.

        Args:
            username: Login name.
            password: Clear-text password (only its Argon2id hash is kept).
            role: ``admin``, ``analyst`` or ``viewer``.
            see_pii: Show unmasked e-mails and phones (default: everyone but viewers).

        Raises:
            UserError: Invalid field or the name is taken.
        """
        new = _validate(UserCreate, username=username, password=password, role=role)
        pii = new.role != "viewer" if see_pii is None else see_pii
        try:
            with self._connect() as conn:
                conn.execute(
                    "INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                    (new.username, _hasher().hash(new.password), new.role, int(pii), _now_us()),
                )
        except sqlite3.IntegrityError:
            raise UserError(
                f"A user named {new.username!r} already exists.",
                "Pick another name, or change the role with `vantage users set-role`.",
            ) from None
        return self.get(new.username)

    def find(self, username: str) -> User | None:
        """The user with this name, or None."""
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        return _user(row) if row else None

    def get(self, username: str) -> User:
        """The user with this name.

        Raises:
            UserError: No such user.
        """
        found = self.find(username)
        if found is None:
            raise UserError(
                f"Unknown user {username!r}.",
                "See the users with `vantage users list`; add one with `vantage users add`.",
            )
        return found

    def list_users(self) -> list[User]:
        """Every user, by name."""
        with self._connect() as conn:
            return [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY username")]

    def set_role(self, username: str, role: str, *, see_pii: bool | None = None) -> User:
        """Change a user's role (and PII visibility: default follows the new role).

        Raises:
            UserError: Unknown user or role.
        """
        change = _validate(RoleChange, role=role)
        self.get(username)
        pii = change.role != "viewer" if see_pii is None else see_pii
        with self._connect() as conn:
            conn.execute(
                "UPDATE users SET role = ?, see_pii = ? WHERE username = ?",
                (change.role, int(pii), username),
            )
        return self.get(username)

    def set_password(self, username: str, password: str) -> None:
        """Replace a user's password (their sessions end).

        Raises:
            UserError: Unknown user or too short a password.
        """
        user = self.get(username)
        new = _validate(UserCreate, username=user.username, password=password, role=user.role)
        with self._connect() as conn:
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?",
                (_hasher().hash(new.password), username),
            )
            conn.execute("DELETE FROM user_sessions WHERE username = ?", (username,))

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password is right, else None (same cost for unknown users)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        hasher = _hasher()
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        stored = row["password_hash"] if row else self._dummy_hash(hasher)
        try:
            hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if hasher.check_needs_rehash(stored):
            with self._connect() as conn:
                conn.execute(
                    "UPDATE users SET password_hash = ? WHERE username = ?",
                    (hasher.hash(password), username),
                )
        return _user(row)

    def _dummy_hash(self, hasher: Any) -> str:
        return str(self._meta("dummy_hash", lambda: hasher.hash(secrets.token_urlsafe(16))))

    def create_session(self, username: str) -> tuple[str, Session]:
        """Log a user in: a fresh session id (give it to the browser) and the session."""
        user = self.get(username)
        raw = secrets.token_urlsafe(32)
        now = _now_us()
        expires = now + self.session_ttl_s * 1_000_000
        csrf = secrets.token_urlsafe(32)
        with self._connect() as conn:
            conn.execute("DELETE FROM user_sessions WHERE expires_at_us < ?", (now,))
            conn.execute(
                "INSERT INTO user_sessions VALUES (?, ?, ?, ?, ?)",
                (digest(raw), user.username, csrf, now, expires),
            )
        return raw, Session(_principal(user, "session"), csrf, expires)

    def session(self, raw: str) -> Session | None:
        """The live session with this id, or None (unknown or expired)."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT u.*, s.csrf_token, s.expires_at_us FROM user_sessions s "
                "JOIN users u USING (username) WHERE s.digest = ?",
                (digest(raw),),
            ).fetchone()
        if row is None or row["expires_at_us"] < _now_us():
            return None
        return Session(_principal(_user(row), "session"), row["csrf_token"], row["expires_at_us"])

    def end_session(self, raw: str) -> None:
        """Log out: forget the session."""
        with self._connect() as conn:
            conn.execute("DELETE FROM user_sessions WHERE digest = ?", (digest(raw),))

    def create_token(self, username: str, name: str = "default") -> str:
        """A new API token acting as ``username`` with their role (shown once, stored hashed).

        Raises:
            UserError: Unknown user, or they already have a token with this name.
        """
        user = self.get(username)
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            with self._connect() as conn:
                conn.execute(
                    "INSERT INTO api_tokens VALUES (?, ?, ?, ?)",
                    (digest(raw), name, user.username, _now_us()),
                )
        except sqlite3.IntegrityError:
            raise UserError(
                f"User {username!r} already has a token named {name!r}.",
                "Give the new token another name (--name), or revoke the old one.",
            ) from None
        return raw

    def revoke_token(self, username: str, name: str) -> bool:
        """Delete a user's named token; whether one was deleted."""
        with self._connect() as conn:
            cursor = conn.execute(
                "DELETE FROM api_tokens WHERE username = ? AND name = ?", (username, name)
            )
        return cursor.rowcount > 0

    def tokens(self, username: str) -> list[dict[str, Any]]:
        """Names and creation times of a user's tokens (never the tokens)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT name, created_at_us FROM api_tokens WHERE username = ? ORDER BY name",
                (username,),
            ).fetchall()
        return [dict(r) for r in rows]

    def token_principal(self, raw: str) -> Principal | None:
        """Who an API token acts as, or None for an unknown token."""
        if not raw.startswith(TOKEN_PREFIX):
            return None
        with self._connect() as conn:
            row = conn.execute(
                "SELECT u.* FROM api_tokens t JOIN users u USING (username) WHERE t.digest = ?",
                (digest(raw),),
            ).fetchone()
        return _principal(_user(row), "token") if row else None

    def signing_secret(self) -> str:
        """The workspace's secret for signing session cookies (created on first use)."""
        return str(self._meta("session_secret", lambda: secrets.token_urlsafe(48)))

    def _meta(self, key: str, make: Any) -> str:
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM web_meta WHERE key = ?", (key,)).fetchone()
            if row is not None:
                return str(row["value"])
            conn.execute("INSERT OR IGNORE INTO web_meta VALUES (?, ?)", (key, make()))
            row = conn.execute("SELECT value FROM web_meta WHERE key = ?", (key,)).fetchone()
        return str(row["value"])


def _user(row: sqlite3.Row) -> User:
    return User(
        username=row["username"],
        role=row["role"],
        see_pii=bool(row["see_pii"]),
        created_at_us=row["created_at_us"],
    )


def _principal(user: User, via: str) -> Principal:
    return Principal(user.username, user.role, user.see_pii, via)


def admin_token_principal() -> Principal:
    """The principal of the workspace's admin token (``vantage init``): an admin."""
    return Principal("admin-token", "admin", True, "admin_token")


PII_TYPES = frozenset({"email", "phone"})
DEMO_LOGIN_FILE = "demo-login.json"
DEMO_ADMIN = "demo-admin"


def mask(id_type: str, value: str) -> str:
    """Mask an e-mail or phone for viewers (``a***@example.com``, ``+44*******89``)."""
    if id_type == "email" and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if id_type == "phone":
        return value[:3] + "*" * max(len(value) - 5, 0) + value[-2:]
    return value


def show(principal: Principal, id_type: str, value: str) -> str:
    """The value as this principal may see it (PII masked unless they may see it)."""
    if id_type in PII_TYPES and not principal.see_pii:
        return mask(id_type, value)
    return value


def ensure_demo_admin(home: Path) -> tuple[str, str]:
    """Create (once) the demo workspace's admin user; its password is kept in a 0600 file.

    Returns:
        The user name and password, written to ``<home>/demo-login.json``.
    """
    import json

    path = Path(home) / DEMO_LOGIN_FILE
    store = UserStore(home)
    if path.is_file() and store.find(DEMO_ADMIN) is not None:
        saved = json.loads(path.read_text())
        return str(saved["username"]), str(saved["password"])
    password = secrets.token_urlsafe(12)
    if store.find(DEMO_ADMIN) is None:
        store.add(DEMO_ADMIN, password, "admin")
    else:
        store.set_password(DEMO_ADMIN, password)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"username": DEMO_ADMIN, "password": password}, handle)
    return DEMO_ADMIN, password
