"""Dashboard access: login, session cookies, CSRF, roles, PII masking and API tokens."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_workspace import WebWorkspace

from conftest import csrf_of, log_in, login_token
from vantage.core.workspace import Workspace
from vantage.services.users import UserStore

PAGES = (
    "/ui/",
    "/ui/customers",
    "/ui/segments",
    "/ui/models",
    "/ui/forecasts",
    "/ui/text",
    "/ui/vision",
)


@pytest.mark.parametrize("path", [*PAGES, "/ui/data", "/ui/settings", "/ui/customers/c1"])
def test_pages_send_anonymous_users_to_the_login_form(anonymous: TestClient, path: str) -> None:
    response = anonymous.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/ui/login?next={path}"


def test_htmx_requests_without_a_session_are_redirected_by_header(anonymous: TestClient) -> None:
    response = anonymous.get("/ui/customers/c1/timeline", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/ui/login?next=")


def test_login_sets_a_signed_httponly_samesite_session_cookie(
    web_app: FastAPI, workspace: WebWorkspace
) -> None:
    client = TestClient(web_app)
    response = client.post(
        "/ui/login",
        data={
            "username": "analyst",
            "password": workspace.password,
            "csrf_token": login_token(client),
            "next": "/ui/models",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/ui/models"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("vantage_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert value.count(".") == 2  # itsdangerous: payload.timestamp.signature
    assert client.get("/ui/models").status_code == 200
    client.cookies.clear()
    client.cookies.set("vantage_session", value[:-4] + "AAAA")
    assert client.get("/ui/models", follow_redirects=False).status_code == 303


def test_login_refuses_wrong_passwords_and_foreign_redirects(
    web_app: FastAPI, workspace: WebWorkspace
) -> None:
    client = TestClient(web_app)
    token = login_token(client)
    wrong = client.post(
        "/ui/login", data={"username": "admin", "password": "nope-nope-nope", "csrf_token": token}
    )
    assert wrong.status_code == 401 and "Wrong user name or password." in wrong.text
    moved = client.post(
        "/ui/login",
        data={
            "username": "admin",
            "password": workspace.password,
            "csrf_token": login_token(client),
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert moved.headers["location"] == "/ui/"


def test_login_form_needs_its_csrf_token(web_app: FastAPI, workspace: WebWorkspace) -> None:
    client = TestClient(web_app)
    login_token(client)
    response = client.post(
        "/ui/login",
        data={"username": "admin", "password": workspace.password, "csrf_token": "forged"},
    )
    assert response.status_code == 400
    assert "The login form expired. Log in again." in response.text


def test_logout_needs_the_csrf_token_and_ends_the_session(
    web_app: FastAPI, workspace: WebWorkspace
) -> None:
    client = log_in(web_app, "viewer", workspace.password)
    page = client.get("/ui/")
    refused = client.post("/ui/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    assert "security token is missing or stale" in refused.text
    done = client.post(
        "/ui/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert done.status_code == 303
    assert client.get("/ui/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("path", ["/ui/settings", "/ui/data"])
def test_viewers_cannot_open_analyst_or_admin_pages(viewer: TestClient, path: str) -> None:
    response = viewer.get(path)
    assert response.status_code == 403
    assert "you are signed in as viewer with the viewer role" in response.text


def test_analysts_cannot_open_admin_pages(analyst: TestClient) -> None:
    assert analyst.get("/ui/data").status_code == 200
    response = analyst.get("/ui/settings")
    assert response.status_code == 403 and "needs the admin role" in response.text


def test_menu_shows_only_the_pages_of_the_role(viewer: TestClient, admin: TestClient) -> None:
    assert 'href="/ui/settings"' not in viewer.get("/ui/models").text
    assert 'href="/ui/settings"' in admin.get("/ui/models").text


def test_viewers_see_masked_emails_and_phones(
    viewer: TestClient, analyst: TestClient, workspace: WebWorkspace
) -> None:
    masked = viewer.get(f"/ui/customers/{workspace.customer}").text
    assert workspace.email not in masked and workspace.phone not in masked
    assert "a***@example.com" in masked and "+44********56" in masked
    shown = analyst.get(f"/ui/customers/{workspace.customer}").text
    assert workspace.email in shown and workspace.phone in shown
    found = viewer.get("/ui/customers", params={"q": workspace.email}).text
    assert "/ui/customers/c1" in found and "email: a***@example.com" in found
    assert f"email: {workspace.email}" not in found


@pytest.mark.parametrize("client_name", ["viewer", "analyst"])
def test_only_admins_may_unmerge(
    request: pytest.FixtureRequest, client_name: str, workspace: WebWorkspace
) -> None:
    client: TestClient = request.getfixturevalue(client_name)
    csrf = csrf_of(client.get("/ui/").text)
    response = client.post(
        f"/ui/customers/{workspace.customer}/unmerge",
        data={"identifier": f"email:{workspace.email}", "csrf_token": csrf},
    )
    assert response.status_code == 403


def test_admin_posts_without_csrf_are_refused(admin: TestClient, workspace: WebWorkspace) -> None:
    response = admin.post(
        f"/ui/customers/{workspace.customer}/unmerge",
        data={"identifier": f"email:{workspace.email}"},
    )
    assert response.status_code == 403
    added = admin.post(
        "/ui/settings/users",
        data={"username": "eve", "password": "long enough pw", "role": "admin"},
    )
    assert added.status_code == 403


def test_admins_add_users_and_change_roles(admin: TestClient, workspace: WebWorkspace) -> None:
    csrf = csrf_of(admin.get("/ui/settings").text)
    added = admin.post(
        "/ui/settings/users",
        data={
            "username": "newbie",
            "password": "long enough pw",
            "role": "viewer",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    changed = admin.post(
        "/ui/settings/users/newbie/role",
        data={"role": "analyst", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert UserStore(workspace.home).get("newbie").role == "analyst"
    bad = admin.post(
        "/ui/settings/users",
        data={"username": "x", "password": "short", "role": "viewer", "csrf_token": csrf},
    )
    assert bad.status_code == 422 and "Invalid username" in bad.text


@pytest.fixture(scope="module")
def tokens(workspace: WebWorkspace) -> dict[str, str]:
    users = UserStore(workspace.home)
    return {role: users.create_token(role, "api-test") for role in ("admin", "analyst", "viewer")}


@pytest.mark.parametrize("path", ["/v1/admin/sources", "/v1/privacy/audit"])
@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_admin_api_routes_refuse_lower_role_tokens(
    web_app: FastAPI, tokens: dict[str, str], path: str, role: str
) -> None:
    response = TestClient(web_app).get(path, headers={"Authorization": f"Bearer {tokens[role]}"})
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "forbidden"
    assert body["message"] == (
        f"This endpoint needs the admin role; the token of {role!r} has the {role} role."
    )


def test_admin_user_tokens_and_the_admin_token_work_on_the_api(
    web_app: FastAPI, tokens: dict[str, str], workspace: WebWorkspace
) -> None:
    client = TestClient(web_app)
    admin_token = Workspace(workspace.home).secrets().admin_token
    for token in (tokens["admin"], admin_token):
        response = client.get("/v1/admin/sources", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
    unknown = client.get("/v1/admin/sources", headers={"Authorization": "Bearer vt_nope"})
    assert unknown.status_code == 401
    assert unknown.json()["message"] == "Admin endpoints need a valid admin token."


def test_no_page_loads_assets_from_another_host(admin: TestClient) -> None:
    import re

    for path in (*PAGES, "/ui/data", "/ui/settings", "/ui/customers/c1", "/ui/login"):
        html = admin.get(path).text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), path
        assert "cdn" not in html.lower(), path


def test_assets_are_served_locally(anonymous: TestClient) -> None:
    plotly = anonymous.get("/ui/assets/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    assert "max-age" in plotly.headers["cache-control"]
    htmx = anonymous.get("/ui/static/htmx.min.js")
    assert htmx.status_code == 200 and b"htmx" in htmx.content[:200]
    assert anonymous.get("/ui/static/htmx.LICENSE").status_code == 200
