"""Users, roles, sessions and API tokens (services/users.py)."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from vantage.services.users import (
    Principal,
    UserError,
    UserStore,
    digest,
    ensure_demo_admin,
    mask,
    show,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def users(tmp_path: Path) -> UserStore:
    return UserStore(tmp_path)


def test_add_hashes_the_password_with_argon2(users: UserStore, tmp_path: Path) -> None:
    user = users.add("ann", PASSWORD, "analyst")
    assert (user.username, user.role, user.see_pii) == ("ann", "analyst", True)
    with sqlite3.connect(tmp_path / "control.sqlite") as conn:
        (stored,) = conn.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert stat.S_IMODE((tmp_path / "control.sqlite").stat().st_mode) == 0o600


def test_viewers_see_masked_pii_unless_allowed(users: UserStore) -> None:
    assert users.add("vic", PASSWORD).see_pii is False
    assert users.add("val", PASSWORD, "viewer", see_pii=True).see_pii is True
    assert users.add("adm", PASSWORD, "admin").see_pii is True


@pytest.mark.parametrize(
    ("fields", "message", "fix"),
    [
        (
            {"username": "A"},
            "Invalid username: String should match pattern",
            "lower-case letters",
        ),
        (
            {"password": "short"},
            "Invalid password: String should have at least 10 characters",
            "at least 10",
        ),
        (
            {"role": "owner"},
            "Invalid role: Input should be 'viewer', 'analyst' or 'admin'",
            "viewer, analyst, admin",
        ),
    ],
)
def test_invalid_fields_are_named_with_their_fix(
    users: UserStore, fields: dict[str, str], message: str, fix: str
) -> None:
    given = {"username": "ann", "password": PASSWORD, "role": "viewer", **fields}
    with pytest.raises(UserError) as caught:
        users.add(given["username"], given["password"], given["role"])
    assert caught.value.message.startswith(message)
    assert caught.value.fix is not None and fix in caught.value.fix


def test_duplicate_and_unknown_users_say_what_to_do(users: UserStore) -> None:
    users.add("ann", PASSWORD)
    with pytest.raises(UserError, match="A user named 'ann' already exists"):
        users.add("ann", PASSWORD)
    with pytest.raises(UserError, match="Unknown user 'bob'") as caught:
        users.set_role("bob", "admin")
    assert caught.value.fix is not None and "vantage users list" in caught.value.fix


def test_authenticate_checks_the_password(users: UserStore) -> None:
    users.add("ann", PASSWORD)
    assert users.authenticate("ann", PASSWORD) is not None
    assert users.authenticate("ann", "wrong password!") is None
    assert users.authenticate("nobody", PASSWORD) is None


def test_set_role_changes_role_and_pii_default(users: UserStore) -> None:
    users.add("ann", PASSWORD, "admin")
    assert users.set_role("ann", "viewer").see_pii is False
    assert users.set_role("ann", "viewer", see_pii=True).see_pii is True
    assert users.get("ann").role == "viewer"
    assert [u.username for u in users.list_users()] == ["ann"]


def test_sessions_are_stored_hashed_and_expire(tmp_path: Path) -> None:
    users = UserStore(tmp_path, session_ttl_s=3600)
    users.add("ann", PASSWORD, "analyst")
    raw, session = users.create_session("ann")
    found = users.session(raw)
    assert found is not None and found.principal.username == "ann"
    assert found.csrf_token == session.csrf_token and len(session.csrf_token) > 30
    with sqlite3.connect(tmp_path / "control.sqlite") as conn:
        digests = [r[0] for r in conn.execute("SELECT digest FROM user_sessions")]
    assert digests == [digest(raw)]
    assert users.session("not-a-session") is None
    users.end_session(raw)
    assert users.session(raw) is None
    expired = UserStore(tmp_path, session_ttl_s=-1)
    raw, _ = expired.create_session("ann")
    assert expired.session(raw) is None


def test_changing_the_password_ends_sessions(users: UserStore) -> None:
    users.add("ann", PASSWORD)
    raw, _ = users.create_session("ann")
    users.set_password("ann", "another long password")
    assert users.session(raw) is None
    assert users.authenticate("ann", "another long password") is not None


def test_api_tokens_act_with_the_users_role(users: UserStore, tmp_path: Path) -> None:
    users.add("ann", PASSWORD, "analyst")
    token = users.create_token("ann", "ci")
    principal = users.token_principal(token)
    assert principal == Principal("ann", "analyst", True, "token")
    assert principal.allows("viewer") and principal.allows("analyst")
    assert not principal.allows("admin")
    with sqlite3.connect(tmp_path / "control.sqlite") as conn:
        stored = [r[0] for r in conn.execute("SELECT digest FROM api_tokens")]
    assert stored == [digest(token)] and token not in stored
    with pytest.raises(UserError, match="already has a token named 'ci'"):
        users.create_token("ann", "ci")
    assert [t["name"] for t in users.tokens("ann")] == ["ci"]
    users.set_role("ann", "admin")
    assert users.token_principal(token).role == "admin"  # type: ignore[union-attr]
    assert users.revoke_token("ann", "ci") is True
    assert users.token_principal(token) is None
    assert users.token_principal("vt_unknown") is None and users.token_principal("junk") is None


def test_signing_secret_is_created_once(tmp_path: Path) -> None:
    first = UserStore(tmp_path).signing_secret()
    assert len(first) > 40 and UserStore(tmp_path).signing_secret() == first


def test_masking_emails_and_phones() -> None:
    assert mask("email", "ann.lee@example.com") == "a***@example.com"
    assert mask("phone", "+447700900123") == "+44********23"
    assert mask("user_id", "u1") == "u1"
    viewer = Principal("v", "viewer", False, "session")
    analyst = Principal("a", "analyst", True, "session")
    assert show(viewer, "email", "ann@example.com") == "a***@example.com"
    assert show(analyst, "email", "ann@example.com") == "ann@example.com"
    assert show(viewer, "crm_id", "C1") == "C1"


def test_demo_admin_is_created_once_with_a_private_password_file(tmp_path: Path) -> None:
    name, password = ensure_demo_admin(tmp_path)
    assert ensure_demo_admin(tmp_path) == (name, password)
    path = tmp_path / "demo-login.json"
    assert json.loads(path.read_text()) == {"username": name, "password": password}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    users = UserStore(tmp_path)
    assert users.get(name).role == "admin" and users.authenticate(name, password) is not None
