"""``vantage users``: dashboard and API users, their roles and API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from vantage.cli.output import console, friendly_errors, print_json, print_table
from vantage.services.context import ServiceContext
from vantage.services.users import ROLES, UserStore

app = typer.Typer(
    help="Manage dashboard users, their roles (admin, analyst, viewer) and API tokens.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
NameArgument = Annotated[str, typer.Argument(help="User name, e.g. ann or ann@example.com.")]
RoleHelp = f"One of {', '.join(ROLES)}."
PiiOption = Annotated[
    bool | None,
    typer.Option(
        "--pii/--no-pii",
        help="Show unmasked e-mails and phones (default: yes for admins and analysts).",
    ),
]


def _store() -> UserStore:
    return UserStore(ServiceContext().settings.home)


@app.command("add")
@friendly_errors
def add_command(
    name: NameArgument,
    role: Annotated[str, typer.Option(help=RoleHelp)] = "viewer",
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="At least 10 characters; prompted for when omitted.",
        ),
    ] = "",
    pii: PiiOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a user who logs in to the dashboard with a password."""
    user = _store().add(name, password, role, see_pii=pii)
    if as_json:
        print_json(user.public())
        return
    console().print(f"Created user [bold]{user.username}[/] with the {user.role} role.")


@app.command("list")
@friendly_errors
def list_command(as_json: JsonOption = False) -> None:
    """List users and their roles."""
    users = _store().list_users()
    if as_json:
        print_json([u.public() for u in users])
        return
    print_table(
        "Users",
        ["name", "role", "sees PII"],
        ((u.username, u.role, "yes" if u.see_pii else "masked") for u in users),
    )


@app.command("set-role")
@friendly_errors
def set_role_command(
    name: NameArgument,
    role: Annotated[str, typer.Argument(help=RoleHelp)],
    pii: PiiOption = None,
    as_json: JsonOption = False,
) -> None:
    """Give a user another role."""
    user = _store().set_role(name, role, see_pii=pii)
    if as_json:
        print_json(user.public())
        return
    console().print(f"User [bold]{user.username}[/] now has the {user.role} role.")


@app.command("token")
@friendly_errors
def token_command(
    name: NameArgument,
    token_name: Annotated[
        str, typer.Option("--name", help="A label for the token, unique per user.")
    ] = "default",
    revoke: Annotated[bool, typer.Option(help="Delete the named token instead.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Create an API token acting with the user's role (shown once; only its hash is kept)."""
    store = _store()
    if revoke:
        removed = store.revoke_token(store.get(name).username, token_name)
        if as_json:
            print_json({"revoked": removed})
        else:
            console().print("Token revoked." if removed else "No token by that name.")
        return
    token = store.create_token(name, token_name)
    if as_json:
        print_json({"username": name, "name": token_name, "token": token})
        return
    console().print(f"API token {token_name!r} for {name} (send as Authorization: Bearer):")
    console().print(token, soft_wrap=True)
